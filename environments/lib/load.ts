import * as fs from 'fs';
import * as path from 'path';
import { Environment, EnvironmentError, validateEnvironment } from './schema';

/**
 * Folder holding the environment files. `CLASSIFYHUB_ENVIRONMENTS_DIR` points
 * elsewhere (tests, `promote` dry runs on a copy).
 */
export function environmentsDir(): string {
  return path.resolve(process.env.CLASSIFYHUB_ENVIRONMENTS_DIR ?? path.join(__dirname, '..'));
}

/** Names of the environment files in a folder: every `<name>.ts` directly in it. */
export function environmentNames(dir: string = environmentsDir()): string[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new Error(`${shownPath(dir)}: no such environments folder${fromVariable(dir)}; expected a folder of environment files such as dev.ts (the repository's environments/)`);
  }
  return fs
    .readdirSync(dir)
    .filter((f) => /^[a-z][a-z0-9-]*\.ts$/.test(f) && !f.endsWith('.d.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
}

/** Loads and validates one environment file; throws EnvironmentError naming the file. */
export function loadEnvironment(name: string, dir: string = environmentsDir()): Environment {
  const file = path.join(dir, `${name}.ts`);
  const shown = path.relative(process.cwd(), file) || file;
  if (!fs.existsSync(file)) {
    throw new EnvironmentError(shown, [`no such environment file; known environments: ${environmentNames(dir).join(', ') || '(none)'}`]);
  }
  let mod: { default?: unknown };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(file) as { default?: unknown };
  } catch (e) {
    // A syntax error, or an import that fails: say which file, then the compiler's own words.
    const reason = (e instanceof Error ? e.message : String(e)).split('\n').filter((l) => l.trim() !== '').slice(0, 4).join(' / ');
    throw new EnvironmentError(shown, [`the file could not be loaded as TypeScript: ${reason}`]);
  }
  if (mod.default === undefined) {
    throw new EnvironmentError(shown, ['the file has no default export; write `export default { ... } satisfies EnvironmentInput;`']);
  }
  const env = validateEnvironment(mod.default, shown);
  if (env.name !== name) {
    throw new EnvironmentError(shown, [`field "name": received ${JSON.stringify(env.name)}; must match the file name "${name}"`]);
  }
  return env;
}

/**
 * Loads every environment and reports all invalid files at once (so a user
 * fixes them in one pass). Nothing is synthesized when any file is invalid.
 */
export function loadAllEnvironments(dir: string = environmentsDir()): Environment[] {
  const errors: string[] = [];
  const envs: Environment[] = [];
  const names = environmentNames(dir);
  if (names.length === 0) {
    // Synthesizing nothing would publish zero stacks and delete every stack folder of cdktf.out.
    throw new Error(`${shownPath(dir)}: the environments folder${fromVariable(dir)} holds no environment file (<name>.ts, e.g. dev.ts); nothing was synthesized`);
  }
  for (const name of names) {
    try {
      envs.push(loadEnvironment(name, dir));
    } catch (e) {
      if (e instanceof EnvironmentError) errors.push(e.message);
      else throw e;
    }
  }
  if (errors.length) throw new Error(errors.join('\n'));
  return envs;
}

function shownPath(dir: string): string {
  const relative = path.relative(process.cwd(), dir);
  return relative === '' ? '.' : relative.startsWith('..') ? path.resolve(dir) : relative;
}

/** Says where the folder came from when CLASSIFYHUB_ENVIRONMENTS_DIR chose it. */
function fromVariable(dir: string): string {
  const configured = process.env.CLASSIFYHUB_ENVIRONMENTS_DIR;
  return configured !== undefined && path.resolve(configured) === path.resolve(dir) ? ` (CLASSIFYHUB_ENVIRONMENTS_DIR=${JSON.stringify(configured)})` : '';
}
