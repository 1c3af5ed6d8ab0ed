/**
 * `npm run plan -- [env ...] [--all] [--no-synth]`: synthesizes the app, then
 * runs terraform init + plan for every stack of the given environments
 * (default `dev`; `--all` for every stack) and prints what would change.
 *
 * Without AWS credentials (or with CLASSIFYHUB_OFFLINE=1) stacks are planned
 * offline: a generated override file swaps in dummy credentials and a local
 * backend, and the plan skips refreshing state.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describeChanges, findProviderMirror, formatSummary, listStacks, offlineReason, planStack, writeCliConfig } from './lib/terraform';

const OUTDIR = path.resolve(__dirname, '..', 'cdktf.out');
const USAGE = 'usage: npm run plan -- [env ...] [--all] [--no-synth]';

interface Args {
  environments: string[];
  all: boolean;
  synth: boolean;
}

function parseArgs(argv: string[]): Args {
  const flags = argv.filter((arg) => arg.startsWith('-'));
  const unknown = flags.filter((flag) => flag !== '--all' && flag !== '--no-synth');
  if (unknown.length > 0) throw new Error(`unknown option ${unknown.join(', ')}\n${USAGE}`);
  const environments = argv.filter((arg) => !arg.startsWith('-'));
  return { environments: environments.length > 0 ? environments : ['dev'], all: flags.includes('--all'), synth: !flags.includes('--no-synth') };
}

function synth(): void {
  const result = spawnSync('npm', ['run', 'synth'], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`npm run synth failed (${result.error?.message ?? `exit code ${result.status}`})`);
}

/** A stack belongs to an environment when the name has it as a dash-separated part, e.g. classifyhub-dev. */
function belongsTo(stackDir: string, environment: string): boolean {
  return path.basename(stackDir).split('-').includes(environment);
}

function selectStacks(args: Args): string[] {
  const stacks = listStacks(OUTDIR);
  if (stacks.length === 0) throw new Error(`no stacks in ${OUTDIR}/stacks; run npm run synth first`);
  if (args.all) return stacks;
  const missing = args.environments.filter((environment) => !stacks.some((stack) => belongsTo(stack, environment)));
  if (missing.length > 0) {
    throw new Error(`no stack for environment ${missing.join(', ')}; stacks: ${stacks.map((stack) => path.basename(stack)).join(', ')}`);
  }
  return stacks.filter((stack) => args.environments.some((environment) => belongsTo(stack, environment)));
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.synth) synth();
  const stacks = selectStacks(args);
  const mirror = findProviderMirror();
  const cliConfig = writeCliConfig(OUTDIR, mirror ?? null);
  console.log(`providers: ${mirror ? `local mirror ${mirror}` : 'registry.terraform.io'}`);
  const reason = offlineReason();
  if (reason) console.log(`planning offline (${reason}): dummy credentials, local backend, no refresh`);

  const summaries: string[] = [];
  const failures: string[] = [];
  for (const [index, stackDir] of stacks.entries()) {
    const name = path.basename(stackDir);
    const started = Date.now();
    process.stdout.write(`[${index + 1}/${stacks.length}] ${name}: `);
    try {
      const summary = await planStack(stackDir, { cliConfig, offline: reason !== undefined, onStep: (step) => process.stdout.write(`${step}… `) });
      console.log(`${describeChanges(summary)} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      summaries.push(formatSummary(name, summary));
    } catch (error) {
      console.log('failed');
      failures.push(error instanceof Error ? error.message : String(error));
    }
  }
  if (summaries.length > 0) console.log(`\n${summaries.join('\n\n')}`);
  if (failures.length > 0) throw new Error(`${failures.length} of ${stacks.length} stacks failed:\n\n${failures.join('\n\n')}`);
}

main().catch((error: unknown) => {
  console.error(`\n${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
