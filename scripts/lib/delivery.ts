/**
 * Shared by the delivery commands (plan, deploy, plan:summary, ci-matrix): which stacks belong to which
 * environment, the synth step, and small argument parsing.
 */
import * as path from 'node:path';
import { $ } from 'zx';
import { environmentNames, loadEnvironment } from '../../environments/lib/load';
import { environmentOfStack, type Environment } from '../../environments/lib/schema';
import { listStacks, stacksOfEnvironment } from './terraform';

/** The repository root and the synth output the commands work on. */
export const ROOT = path.resolve(__dirname, '..', '..');
export const OUTDIR = path.join(ROOT, 'cdktf.out');

/** A stack to plan or deploy and the environment it belongs to. */
export interface Target {
  /** Stack name, e.g. classifyhub-dev. */
  readonly stack: string;
  /** Stack directory, `cdktf.out/stacks/<stack>`. */
  readonly dir: string;
  /** Environment name, e.g. dev. */
  readonly environment: string;
}

/** Environment variable that makes synth print every stack's guardrail details (warnings, suppressions). */
export const GUARDRAILS_VERBOSE_ENV = 'GUARDRAILS_VERBOSE';

/**
 * `npm run synth` (every stack of every environment), output shown; throws when it fails. `verbose` prints
 * the guardrail details of every stack (default: one summary line per stack).
 */
export async function synth(options: { verbose?: boolean } = {}): Promise<void> {
  const env = { ...process.env, ...(options.verbose ? { [GUARDRAILS_VERBOSE_ENV]: '1' } : {}) };
  const result = await $({ cwd: ROOT, env, stdio: ['ignore', 'inherit', 'inherit'], nothrow: true, verbose: false })`npm run --silent synth`;
  if (result.exitCode !== 0) throw new Error(`npm run synth failed (exit code ${result.exitCode}); nothing was planned`);
}

/**
 * Stacks to work on, from the synth output: every stack of the named environments, the named stacks, or
 * with `all` every stack. Throws naming what was asked and what exists when nothing matches.
 */
export function resolveTargets(
  request: { environments: readonly string[]; stacks?: readonly string[]; all?: boolean },
  outdir: string = OUTDIR,
  known: readonly string[] = environmentNames(),
): Target[] {
  const existing = listStacks(outdir);
  if (existing.length === 0) throw new Error(`no stacks in ${outdir}/stacks; run npm run synth first`);
  const names = existing.map((dir) => path.basename(dir));
  const unknownEnvs = request.environments.filter((env) => !known.includes(env));
  if (unknownEnvs.length > 0) throw new Error(`unknown environment ${unknownEnvs.map((e) => JSON.stringify(e)).join(', ')}; environments: ${known.join(', ')}`);
  const unknownStacks = (request.stacks ?? []).filter((stack) => !names.includes(stack));
  if (unknownStacks.length > 0) throw new Error(`no stack ${unknownStacks.map((s) => JSON.stringify(s)).join(', ')} in ${outdir}/stacks; stacks: ${names.join(', ')}`);
  const dirs = request.all
    ? existing
    : [...new Set([...request.environments.flatMap((env) => stacksOfEnvironment(outdir, env)), ...existing.filter((dir) => (request.stacks ?? []).includes(path.basename(dir)))])].sort();
  const empty = request.environments.filter((env) => stacksOfEnvironment(outdir, env).length === 0);
  if (empty.length > 0) throw new Error(`no stack for environment ${empty.join(', ')} in ${outdir}/stacks (stacks end in -<environment>); stacks: ${names.join(', ')}`);
  return dirs.map((dir) => {
    const stack = path.basename(dir);
    const environment = environmentOfStack(stack, known);
    if (!environment) throw new Error(`stack ${stack} belongs to no environment (${known.join(', ')}); stack names end in -<environment>`);
    return { stack, dir, environment };
  });
}

/** Loads each environment once. */
export function environmentLoader(): (name: string) => Environment {
  const cache = new Map<string, Environment>();
  return (name) => {
    const loaded = cache.get(name) ?? loadEnvironment(name);
    cache.set(name, loaded);
    return loaded;
  };
}

/**
 * Splits argv into positional arguments and options. `valued` options take the next argument
 * (`--markdown out.md` or `--markdown=out.md`) and may repeat; the rest are booleans. Unknown options throw
 * with the usage.
 */
export function parseArgv(argv: readonly string[], spec: { flags: readonly string[]; valued: readonly string[] }, usage: string) {
  const positional: string[] = [];
  const flags = new Set<string>();
  const values = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('-')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.split(/=(.*)/s, 2);
    if (spec.valued.includes(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined || value.startsWith('--')) throw new Error(`option ${name} needs a value\n${usage}`);
      values.set(name, [...(values.get(name) ?? []), value]);
    } else if (spec.flags.includes(name) && inline === undefined) {
      flags.add(name);
    } else {
      throw new Error(`unknown option ${arg}\n${usage}`);
    }
  }
  return { positional, flags, values, value: (name: string) => values.get(name)?.at(-1), all: (name: string) => values.get(name) ?? [] };
}

/** Seconds since `started`, one decimal. */
export const seconds = (started: number): string => `${((Date.now() - started) / 1000).toFixed(1)} s`;
