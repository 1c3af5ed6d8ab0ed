/**
 * The CDKTF app: one stack per environment file in environments/ (each
 * system an environment runs adds its stack). Every environment is validated
 * before anything is synthesized.
 */
import { App } from 'cdktf';
import { loadAllEnvironments } from './environments/lib/load';
import { addClassifyHubStacks } from './systems/classifyhub/app';
import { synthInto } from './scripts/lib/synth';

export function buildApp(app: App): void {
  addClassifyHubStacks(app, loadAllEnvironments());
}

if (require.main === module) {
  try {
    const stacks = synthInto(process.env.CDKTF_OUTDIR ?? 'cdktf.out', buildApp);
    console.log(`synthesized ${stacks.length} stacks: ${stacks.join(', ')}`);
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  }
}
