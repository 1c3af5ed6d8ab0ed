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
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(file) as { default?: unknown };
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
  for (const name of environmentNames(dir)) {
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
