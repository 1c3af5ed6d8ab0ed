/**
 * The CDKTF app: one stack per environment file in environments/ (each
 * system an environment runs adds its stack). Every environment is validated
 * before anything is synthesized.
 */
import { App } from 'cdktf';
import { loadAllEnvironments } from './environments/lib/load';
import { SYSTEMS } from './environments/lib/schema';
import { synthInto } from './scripts/lib/synth';

export function buildApp(app: App): void {
  const environments = loadAllEnvironments();
  // Loaded once every environment file is valid: a bad one fails before the systems and the provider classes they
  // import are loaded.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { SYSTEM_APPS } = require('./systems') as typeof import('./systems');
  for (const system of SYSTEMS) SYSTEM_APPS[system](app, environments);
}

/** Synthesizes every stack into outdir and reports it; exits 1 with the reason on failure. */
export function synthCommand(outdir: string): void {
  const started = Date.now();
  try {
    const stacks = synthInto(outdir, buildApp);
    console.log(`synthesized ${stacks.length} stacks into ${outdir}/stacks in ${((Date.now() - started) / 1000).toFixed(1)} s: ${stacks.join(', ')}`);
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  }
}

if (require.main === module) synthCommand(process.env.CDKTF_OUTDIR ?? 'cdktf.out');
