/**
 * `npm run diff -- [--base <git-ref>] [--env <name>] [--out <file>] [--cost] [--cost-out <file>]`: synthesizes
 * the base commit (default `HEAD`) and the working tree, and prints per stack the
 * resources added, removed and changed, with the changed attribute paths, as
 * Markdown (stdout, or `--out`). Progress goes to stdout with `--out`, else to
 * stderr, so the Markdown on stdout can be piped into a pull-request comment.
 *
 * `--cost` appends the monthly cost change per environment (scripts/lib/cost, same prices and usage
 * assumptions on both sides); `--cost-out` writes that section to its own file (the PR comment's cost part).
 *
 * `--env <name>` synthesizes only that environment's stacks on both sides (each side's own `<name>.ts`;
 * a base without that file counts as having none of its stacks).
 *
 * The base is exported with `git archive` into a temp folder (the repository's
 * .git and worktrees are not touched) and uses this checkout's node_modules.
 * The working tree honours CLASSIFYHUB_ENVIRONMENTS_DIR; the base always uses
 * its own committed environments/.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { $ } from 'zx';
import { diffOutdirs, formatMarkdown } from './lib/diff';
import { scratchEnvironmentsDir, synthApp } from './lib/synth-app';
import { costDelta, estimateOutdir, renderCostSection } from './lib/cost';
import { environmentNames, environmentsDir } from '../environments/lib/load';
import { environmentOfStack } from '../environments/lib/schema';

const REPO = path.resolve(__dirname, '..');
const USAGE = 'usage: npm run diff -- [--base <git-ref>] [--env <name>] [--out <file>] [--cost] [--cost-out <file>]';

class UsageError extends Error {}

interface Args {
  base: string;
  /** Only this environment's stacks, on both sides. */
  env?: string;
  out?: string;
  cost?: boolean;
  costOut?: string;
}

export function parseArgs(argv: string[]): Args {
  const args: Args = { base: 'HEAD' };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (!v || (inline === undefined && v.startsWith('--'))) throw new UsageError(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    if (flag === '--base') args.base = value();
    else if (flag === '--env') {
      args.env = value();
      if (!/^[a-z][a-z0-9-]*$/.test(args.env)) throw new UsageError(`--env: an environment name is lower-case letters, digits and dashes; received "${args.env}"\n${USAGE}`);
    }
    else if (flag === '--out') args.out = value();
    else if (flag === '--cost' && inline === undefined) args.cost = true;
    else if (flag === '--cost-out') args.costOut = value();
    else if (flag === '--help' || flag === '-h') throw new UsageError(USAGE);
    else throw new UsageError(`unexpected argument ${arg}\n${USAGE}`);
  }
  return args;
}

const seconds = (since: number): string => `${((Date.now() - since) / 1000).toFixed(1)} s`;

/** The commit a ref names, or a clear error. */
async function resolveCommit(ref: string): Promise<string> {
  const result = await $({ cwd: REPO, quiet: true, nothrow: true })`git rev-parse --verify --quiet ${`${ref}^{commit}`}`;
  if (result.exitCode !== 0) throw new Error(`--base: "${ref}" is not a commit in ${REPO} (try HEAD, HEAD~1, origin/main or a commit hash)`);
  return result.stdout.trim();
}

/**
 * The environments folder a side synthesizes from: `realDir` itself, or with `--env` a scratch folder next to it
 * holding only `<env>.ts` (undefined when `realDir` has no such file). Scratch folders are added to `scratch`.
 */
function environmentsOf(realDir: string, env: string | undefined, label: string, scratch: string[]): string | undefined {
  if (!env) return realDir;
  const file = path.join(realDir, `${env}.ts`);
  if (!fs.existsSync(file)) return undefined;
  const dir = scratchEnvironmentsDir(realDir, env, fs.readFileSync(file, 'utf8'), label);
  scratch.push(dir);
  return dir;
}

async function main(): Promise<void> {
  const started = Date.now();
  const args = parseArgs(process.argv.slice(2));
  const headEnvironments = environmentsDir();
  const known = args.env ? environmentNames(headEnvironments) : [];
  if (args.env && !known.includes(args.env)) {
    throw new UsageError(`--env: no environment file ${path.join(headEnvironments, `${args.env}.ts`)} (environments: ${known.join(', ')}); received "${args.env}"`);
  }
  // Progress goes to stdout when the Markdown goes to a file; to stderr only when stdout carries the Markdown.
  const progress = args.out ? process.stdout : process.stderr;
  const commit = await resolveCommit(args.base);
  const short = commit.slice(0, 7);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'classifyhub-diff-'));
  const scratch: string[] = [];
  try {
    const baseSrc = path.join(work, 'base-src');
    fs.mkdirSync(baseSrc);
    progress.write(`export ${args.base} (${short})… `);
    const archive = path.join(work, 'base.tar');
    await $({ cwd: REPO, quiet: true })`git archive --format=tar -o ${archive} ${commit}`;
    await $({ quiet: true })`tar -xf ${archive} -C ${baseSrc}`;
    fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(baseSrc, 'node_modules'));
    progress.write('synth base and working tree… ');
    const synthStarted = Date.now();
    const tsx = path.join(REPO, 'node_modules', '.bin', 'tsx');
    const baseEnvironments = environmentsOf(path.join(baseSrc, 'environments'), args.env, 'diff-base', scratch);
    const headEnvironmentsDir = args.env ? environmentsOf(headEnvironments, args.env, 'diff-head', scratch) : process.env.CLASSIFYHUB_ENVIRONMENTS_DIR;
    const emptyBase = (): string => {
      fs.mkdirSync(path.join(work, 'base-out', 'stacks'), { recursive: true });
      return path.join(work, 'base-out');
    };
    const [baseOut, headOut] = await Promise.all([
      (baseEnvironments === undefined
        ? Promise.resolve(emptyBase())
        : synthApp({ appDir: baseSrc, outdir: path.join(work, 'base-out'), tsx, environmentsDir: args.env ? baseEnvironments : undefined })
      ).catch((error: Error) => {
        throw new Error(`synth of ${args.base} (${short}) failed:\n${error.message}`);
      }),
      synthApp({ appDir: REPO, outdir: path.join(work, 'head-out'), tsx, environmentsDir: headEnvironmentsDir }).catch((error: Error) => {
        throw new Error(`synth of the working tree failed:\n${error.message}`);
      }),
    ]);
    progress.write(`(${seconds(synthStarted)})\n`);
    // A base whose main.ts predates CLASSIFYHUB_ENVIRONMENTS_DIR synthesizes every environment: keep the one asked for.
    const diffs = diffOutdirs(baseOut, headOut).filter((d) => !args.env || d.stack.endsWith(`-${args.env}`));
    const from = process.env.CLASSIFYHUB_ENVIRONMENTS_DIR ? ` (environments from ${process.env.CLASSIFYHUB_ENVIRONMENTS_DIR})` : '';
    const head = `working tree${from}${args.env ? `, environment ${args.env}` : ''}`;
    let markdown = formatMarkdown(diffs, { base: `\`${args.base}\` (${short})`, head });
    if (args.cost || args.costOut) {
      const environments = environmentNames();
      const deltas = costDelta(estimateOutdir(baseOut, { environments }), estimateOutdir(headOut, { environments }));
      const section = renderCostSection(deltas, (stack) => environmentOfStack(stack, environments));
      if (args.costOut) fs.writeFileSync(args.costOut, section);
      if (args.cost) markdown = `${markdown.trimEnd()}\n\n### Monthly cost\n\n${section}`;
    }
    if (args.out) {
      fs.writeFileSync(args.out, markdown);
      progress.write(`wrote ${args.out}\n`);
    } else {
      process.stdout.write(markdown);
    }
    const changed = diffs.filter((d) => d.status !== 'unchanged').length;
    progress.write(`${changed} of ${diffs.length} stacks changed (${seconds(started)})\n`);
  } finally {
    for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`\n${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  });
}
