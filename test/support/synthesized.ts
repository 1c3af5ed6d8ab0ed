/**
 * The whole synthesized tree (every environment stack and every ClassifyHub stage at the dev
 * environment's settings), made once per jest run by test/global-setup.ts and shared by the test
 * files that need all of it (the Terraform tier, the cost docs, the diagrams). A file run on its own
 * synthesizes it lazily.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildApp } from '../../main';
import { loadEnvironment } from '../../environments/lib/load';
import { IMPLEMENTED_STAGES, type StageSlug } from '../../systems/classifyhub/stages';
import { addClassifyHubStacks, atStage } from '../../systems/classifyhub/app';
import { synthInto } from '../../scripts/lib/synth';

export const SYNTH_DIR_VARIABLE = 'TEST_SYNTH_DIR';

export interface SynthesizedTree {
  /** Outdir of every environment stack (`<dir>/stacks/<stack>/cdk.tf.json`). */
  readonly environments: string;
  /** Outdir of each implemented stage (dev settings), by slug. */
  readonly stages: ReadonlyMap<string, string>;
}

/** Synthesizes the tree into `dir` (guardrail output is quietened). */
export function synthesizeTree(dir: string): void {
  const log = console.log;
  console.log = () => undefined;
  try {
    synthInto(path.join(dir, 'environments'), buildApp);
    const dev = loadEnvironment('dev');
    for (const s of IMPLEMENTED_STAGES) synthInto(path.join(dir, 'stages', s.slug), (app) => addClassifyHubStacks(app, [atStage(dev, s.slug as StageSlug)]));
    fs.writeFileSync(path.join(dir, 'complete'), '');
  } finally {
    console.log = log;
  }
}

let lazy: string | undefined;

/** The shared tree; read-only for tests (copy a stack folder before writing into it). */
export function synthesizedTree(): SynthesizedTree {
  let dir = process.env[SYNTH_DIR_VARIABLE];
  if (!dir || !fs.existsSync(path.join(dir, 'complete'))) {
    if (!lazy) {
      lazy = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-tree-'));
      synthesizeTree(lazy);
      const made = lazy;
      afterAll(() => fs.rmSync(made, { recursive: true, force: true }));
    }
    dir = lazy;
  }
  return { environments: path.join(dir, 'environments'), stages: new Map(IMPLEMENTED_STAGES.map((s) => [s.slug, path.join(dir as string, 'stages', s.slug)])) };
}
