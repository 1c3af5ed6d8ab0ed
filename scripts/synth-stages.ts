/**
 * `npm run synth:stages`: every implemented ClassifyHub stage with the dev
 * environment's settings, into cdktf.out.stages/<NN>-<slug>/stacks/<stack>/,
 * so stage N can be diffed against stage N+1.
 */
import * as fs from 'fs';
import { loadEnvironment } from '../environments/lib/load';
import { IMPLEMENTED_STAGES, StageSlug } from '../systems/classifyhub/stages';
import { addClassifyHubStacks, atStage } from '../systems/classifyhub/app';
import { synthInto } from './lib/synth';

export const STAGES_OUTDIR = 'cdktf.out.stages';

const started = Date.now();
try {
  const dev = loadEnvironment('dev');
  const slugs = IMPLEMENTED_STAGES.map((s) => s.slug as StageSlug);
  // Stages that are no longer implemented must not linger from an older run.
  if (fs.existsSync(STAGES_OUTDIR)) {
    for (const dir of fs.readdirSync(STAGES_OUTDIR)) if (!slugs.includes(dir as StageSlug)) fs.rmSync(`${STAGES_OUTDIR}/${dir}`, { recursive: true, force: true });
  }
  for (const slug of slugs) {
    synthInto(`${STAGES_OUTDIR}/${slug}`, (app) => addClassifyHubStacks(app, [atStage(dev, slug)]));
    console.log(`${slug}: ${STAGES_OUTDIR}/${slug}/stacks/classifyhub-dev/cdk.tf.json`);
  }
  console.log(`synthesized ${slugs.length} stages in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}
