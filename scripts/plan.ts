/**
 * `npm run plan -- [env ...] [--all] [--stack <name>] [--no-synth] [--markdown <file>] [--digest <file>]
 *   [--detailed-exitcode] [--lock-timeout <duration>] [--max-chars <n>]`
 *
 * Synthesizes the app, then runs terraform init + plan for every stack of the given environments (default
 * `dev`; stacks are the synthesized folders named `*-<env>`), shows progress per stack and prints what would
 * change. `--markdown` also writes the Markdown plan summary (scripts/lib/plan-summary.ts), `--digest` the
 * value-free digest of every stack's plan for `npm run plan:summary`.
 *
 * Without AWS credentials (or with CLASSIFYHUB_OFFLINE=1) stacks are planned offline, each in its offline
 * working copy `cdktf.out/offline/<stack>`: an override there swaps in dummy credentials and a local backend,
 * and the plan skips refreshing state; `cdktf.out/stacks/` (what cdktf uses) is only read. With credentials
 * every stack is planned in place against the S3 state its cdk.tf.json declares (the environment's `state`).
 * `--verbose` prints the guardrail details of every stack (default: one line per stack).
 *
 * Exit code: 1 when a stack failed; with `--detailed-exitcode`, 2 when any stack has changes (terraform's
 * own `plan -detailed-exitcode`), else 0.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OUTDIR, parseArgv, resolveTargets, seconds, synth } from './lib/delivery';
import { digestPlan, failedStack, renderPlanSummary, type StackDigest } from './lib/plan-summary';
import { backendOf, describeChanges, findProviderMirror, formatSummary, offlineReason, planStackJson, summarizePlan, writeCliConfig, type TerraformConfig } from './lib/terraform';

const USAGE =
  'usage: npm run plan -- [env ...] [--all] [--stack <name>] [--no-synth] [--verbose] [--markdown <file>] [--digest <file>] [--detailed-exitcode] [--lock-timeout <duration>] [--max-chars <n>]';

async function main(): Promise<number> {
  const args = parseArgv(process.argv.slice(2), { flags: ['--all', '--no-synth', '--detailed-exitcode', '--verbose'], valued: ['--stack', '--markdown', '--digest', '--lock-timeout', '--max-chars'] }, USAGE);
  const stacks = args.all('--stack');
  const environments = args.positional.length > 0 || stacks.length > 0 || args.flags.has('--all') ? args.positional : ['dev'];
  if (!args.flags.has('--no-synth')) await synth({ verbose: args.flags.has('--verbose') });
  const targets = resolveTargets({ environments, stacks, all: args.flags.has('--all') });
  const mirror = findProviderMirror();
  const cliConfig = writeCliConfig(OUTDIR, mirror ?? null);
  console.log(`providers: ${mirror ? `local mirror ${mirror}` : 'registry.terraform.io'}`);
  const reason = offlineReason();
  const offline = reason !== undefined;
  if (offline) console.log(`planning offline (${reason}) in cdktf.out/offline/<stack>: dummy credentials, local backend, no refresh`);

  const tables: string[] = [];
  const digests: StackDigest[] = [];
  const failures: string[] = [];
  let changes = false;
  for (const [index, target] of targets.entries()) {
    const started = Date.now();
    process.stdout.write(`[${index + 1}/${targets.length}] ${target.stack}: `);
    try {
      if (!offline) process.stdout.write(`state ${describeBackend(target.dir)}… `);
      const result = await planStackJson(target.dir, {
        cliConfig,
        offline,
        detailedExitCode: args.flags.has('--detailed-exitcode'),
        lockTimeout: args.value('--lock-timeout'),
        onStep: (step) => process.stdout.write(`${step}… `),
      });
      const summary = summarizePlan(result.json);
      changes ||= result.exitCodeChanges;
      console.log(`${describeChanges(summary)} (${seconds(started)})`);
      tables.push(formatSummary(target.stack, summary));
      digests.push(digestPlan(target.stack, result.json));
    } catch (error) {
      console.log(`failed (${seconds(started)})`);
      const message = error instanceof Error ? error.message : String(error);
      failures.push(message);
      digests.push(failedStack(target.stack, message));
    }
  }
  if (tables.length > 0) console.log(`\n${tables.join('\n\n')}`);

  const markdown = args.value('--markdown');
  if (markdown) {
    const envs = [...new Set(targets.map((t) => t.environment))].join(', ');
    const note = offline
      ? '_Planned offline (no AWS credentials): dummy credentials, local state, no refresh, so every resource shows as new._'
      : '_Planned against the real accounts, with each environment’s S3 state._';
    const maxChars = args.value('--max-chars') === undefined ? undefined : Number(args.value('--max-chars'));
    if (maxChars !== undefined && !(Number.isInteger(maxChars) && maxChars >= 1000)) throw new Error(`--max-chars: received ${JSON.stringify(args.value('--max-chars'))}; expected a whole number of at least 1000`);
    writeFile(markdown, renderPlanSummary(digests, { title: `Terraform plan: ${envs}`, note, maxChars }));
    console.log(`\nplan summary: ${markdown}`);
  }
  const digest = args.value('--digest');
  if (digest) writeFile(digest, `${JSON.stringify({ offline, stacks: digests }, null, 2)}\n`);

  if (failures.length > 0) throw new Error(`${failures.length} of ${targets.length} stacks failed:\n\n${failures.join('\n\n')}`);
  return args.flags.has('--detailed-exitcode') && changes ? 2 : 0;
}

/** The backend a stack folder's cdk.tf.json declares, e.g. `s3://bucket/key`. */
function describeBackend(stackDir: string): string {
  const backend = backendOf(JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8')) as TerraformConfig);
  if (!backend) return 'local (no backend declared)';
  return backend.type === 's3' ? `s3://${String(backend.config.bucket)}/${String(backend.config.key)}` : backend.type;
}

/** Writes through a temp file and rename, so a reader never sees half a file. */
function writeFile(file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const temp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(temp, text);
  fs.renameSync(temp, file);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`\n${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
