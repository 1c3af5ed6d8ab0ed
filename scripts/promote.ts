/**
 * `npm run promote -- <env> [--to <stage>] [--dry-run] [--allow-replace=<address>] [--allow-destroy=<address>]
 *                         [--allow-data-loss] [--simulate] [--keep-workdir]`
 *
 * Moves an environment one ClassifyHub stage up: synthesizes every stack of
 * the environment at the current and at the next stage, plans the next stage
 * (offline: against a state simulated from the current stage; with AWS
 * credentials: against the real state) and prints, per stack, the resources
 * added, changed, replaced and destroyed, stateful ones first. Then it edits
 * the `stage: '...'` value of environments/<env>.ts, and nothing else.
 *
 * Refused (exit 1, file untouched): skipping a stage, demoting, and replacing
 * or destroying a stateful resource (database, bucket, queue, table, volume,
 * cache, search domain, secret, key, repository, log group) that no
 * `--allow-replace=<address>` / `--allow-destroy=<address>` (or
 * `--allow-data-loss`) names.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { environmentNames, environmentsDir, loadEnvironment } from '../environments/lib/load';
import { costDelta, estimateOutdir, renderDeltaText } from './lib/cost';
import { EnvironmentError, environmentOfStack } from '../environments/lib/schema';
import { findProviderMirror, listStacks, offlineReason, writeCliConfig } from './lib/terraform';
import { lineDiff, PromotionRefused, replaceStage, targetStage, writeFileAtomic } from './lib/promote';
import { scratchEnvironmentsDir, synthApp } from './lib/synth-app';
import {
  describePromotion,
  formatPromotion,
  formatRefusals,
  planLive,
  planNewStack,
  planRemovedStack,
  refusals,
  sameConfiguration,
  simulatePromotion,
  type StackPromotion,
} from './lib/promote';

const REPO = path.resolve(__dirname, '..');
const USAGE =
  'usage: npm run promote -- <env> [--to <stage>] [--dry-run] [--allow-replace=<address>]... [--allow-destroy=<address>]... [--allow-data-loss] [--simulate] [--keep-workdir]';

interface Args {
  environment: string;
  to?: string;
  dryRun: boolean;
  allowReplace: string[];
  allowDestroy: string[];
  allowDataLoss: boolean;
  simulate: boolean;
  keepWorkdir: boolean;
}

class UsageError extends Error {}

/** Parses the command line; `--flag value` and `--flag=value` both work for options with a value. */
export function parseArgs(argv: string[]): Args {
  const args: Args = { environment: '', dryRun: false, allowReplace: [], allowDestroy: [], allowDataLoss: false, simulate: false, keepWorkdir: false };
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '' || (inline === undefined && v.startsWith('--'))) throw new UsageError(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    switch (flag) {
      case '--to':
        args.to = value();
        break;
      case '--allow-replace':
        args.allowReplace.push(value());
        break;
      case '--allow-destroy':
        args.allowDestroy.push(value());
        break;
      case '--allow-data-loss':
        args.allowDataLoss = true;
        break;
      case '--dry-run':
        args.dryRun = true;
        break;
      case '--simulate':
        args.simulate = true;
        break;
      case '--keep-workdir':
        args.keepWorkdir = true;
        break;
      case '--help':
      case '-h':
        throw new UsageError(USAGE);
      default:
        if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}\n${USAGE}`);
        positional.push(arg);
    }
  }
  if (positional.length !== 1) throw new UsageError(`${positional.length === 0 ? 'name one environment' : `one environment at a time (got ${positional.join(', ')})`}\n${USAGE}`);
  args.environment = positional[0];
  return args;
}

const seconds = (since: number): string => `${((Date.now() - since) / 1000).toFixed(1)} s`;

async function main(): Promise<number> {
  const started = Date.now();
  const args = parseArgs(process.argv.slice(2));
  const envDir = environmentsDir();
  const file = path.join(envDir, `${args.environment}.ts`);
  const relative = path.relative(process.cwd(), file);
  const shown = relative && !relative.startsWith('..') ? relative : file;
  const environment = loadEnvironment(args.environment, envDir);
  const systems = (environment as { systems?: readonly string[] }).systems;
  if (systems && !systems.includes('classifyhub')) {
    throw new PromotionRefused(`${shown} does not run ClassifyHub (systems: ${systems.join(', ')}); promote moves its ClassifyHub stage`);
  }
  const current = environment.classifyhub.stage;
  const target = targetStage(current, args.to);
  const before = fs.readFileSync(file, 'utf8');
  const edit = replaceStage(before, current, target.slug, shown);
  console.log(`promote ${args.environment}: ${current} → ${target.slug} (${shown}, line ${edit.line})`);

  const reason = args.simulate ? '--simulate' : offlineReason();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `classifyhub-promote-${args.environment}-`));
  const scratch = {
    current: scratchEnvironmentsDir(envDir, args.environment, before, 'current'),
    target: scratchEnvironmentsDir(envDir, args.environment, edit.text, 'target'),
  };
  try {
    // The edited file must be a valid environment at the target stage (e.g. 13 needs on-call e-mails).
    try {
      loadEnvironment(args.environment, scratch.target);
    } catch (error) {
      if (error instanceof EnvironmentError) {
        throw new PromotionRefused(`${shown} is not valid at ${target.slug}; fix it first, then promote:\n${error.message.split('\n').slice(1).join('\n')}`);
      }
      throw error;
    }

    process.stdout.write('synth current and target stage… ');
    const synthStarted = Date.now();
    const [currentOut, targetOut] = await Promise.all([
      synthApp({ appDir: REPO, outdir: path.join(work, 'current'), environmentsDir: scratch.current }),
      synthApp({ appDir: REPO, outdir: path.join(work, 'target'), environmentsDir: scratch.target }),
    ]);
    console.log(`(${seconds(synthStarted)})`);

    const mirror = findProviderMirror();
    const cliConfig = writeCliConfig(work, mirror ?? null);
    console.log(`providers: ${mirror ? `local mirror ${mirror}` : 'registry.terraform.io'}`);
    console.log(
      reason
        ? `offline (${reason}): planning ${target.slug} against a state simulated from ${current}'s plan`
        : `AWS credentials found: planning ${target.slug} against the real state (--simulate plans offline instead)`,
    );

    const currentStacks = new Map(listStacks(currentOut).map((dir) => [path.basename(dir), dir]));
    const targetStacks = new Map(listStacks(targetOut).map((dir) => [path.basename(dir), dir]));
    const names = [...new Set([...currentStacks.keys(), ...targetStacks.keys()])].sort();
    const promotions: StackPromotion[] = [];
    for (const [i, name] of names.entries()) {
      const stackStarted = Date.now();
      process.stdout.write(`[${i + 1}/${names.length}] ${name}: `);
      const options = { cliConfig, onStep: (step: string) => process.stdout.write(`${step}… `) };
      const from = currentStacks.get(name);
      const to = targetStacks.get(name);
      let promotion: StackPromotion;
      if (from && to && sameConfiguration(from, to)) {
        promotion = { stack: name, method: 'identical', changes: [], uncertain: [], unresolved: [], seconds: 0 };
      } else if (!reason) {
        promotion = to ? await planLive(to, options) : await planRemovedStack(from!, options);
      } else if (from && to) {
        promotion = await simulatePromotion(from, to, options);
      } else if (to) {
        promotion = await planNewStack(to, options);
      } else {
        promotion = await planRemovedStack(from!, options);
      }
      promotions.push(promotion);
      console.log(`${describePromotion(promotion)} (${seconds(stackStarted)})`);
    }

    console.log('');
    for (const promotion of promotions) console.log(`${formatPromotion(promotion)}\n`);
    const known = environmentNames(scratch.target);
    const deltas = costDelta(estimateOutdir(currentOut, { environments: known }), estimateOutdir(targetOut, { environments: known })).filter((d) => environmentOfStack(d.stack, known) === args.environment);
    console.log(`monthly cost of ${args.environment} (list prices, usage of environments/usage/${args.environment}.json; npm run cost for every line):\n${renderDeltaText(deltas)}\n`);

    const refused = refusals(promotions, { replace: args.allowReplace, destroy: args.allowDestroy, all: args.allowDataLoss });
    if (refused.length > 0) {
      console.log(formatRefusals(refused, shown));
      return 1;
    }
    const diff = lineDiff(shown, before, edit.text);
    if (args.dryRun) {
      console.log(`dry run: ${shown} was not changed; the promotion would make this edit:\n${diff}`);
      return 0;
    }
    if (fs.readFileSync(file, 'utf8') !== before) throw new Error(`${shown} changed while the promotion was planned; nothing was written, run promote again`);
    writeFileAtomic(file, edit.text);
    console.log(`promoted ${args.environment} to ${target.slug} in ${seconds(started)}:\n${diff}`);
    console.log(`next: review, commit, and deploy ${args.environment} (the plan above is what the deploy will show).`);
    return 0;
  } finally {
    for (const dir of Object.values(scratch)) fs.rmSync(dir, { recursive: true, force: true });
    if (args.keepWorkdir) console.log(`work dir kept: ${work}`);
    else fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      console.error(error instanceof PromotionRefused ? `\n${message}\nnothing was changed.` : `\n${message}`);
      process.exitCode = error instanceof UsageError ? 2 : 1;
    },
  );
}
