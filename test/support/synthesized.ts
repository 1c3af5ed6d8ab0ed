/**
 * The whole synthesized tree (every environment stack and every ClassifyHub stage at the dev
 * environment's settings), made once per jest run in the folder test/global-setup.ts names, by the first
 * suite that needs it, and shared by the test files that need all of it (the Terraform tier, the cost
 * docs, the diagrams, the environments). A file run outside such a run synthesizes it lazily.
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

/** Blocks this worker for `ms` (the suites that share the tree cannot start without it). */
const sleepSync = (ms: number): void => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * The run's shared tree, made by the first worker that asks for it: test/global-setup.ts only names the folder,
 * so the other worker runs suites that need no tree meanwhile. The first caller takes `<dir>/lock` (mkdir is
 * atomic), synthesizes and writes `<dir>/complete`; later callers wait for `complete`. A caller that finds a lock
 * but no result for 10 minutes (its owner died) fails with the folder's name; a failed synth is reported to all.
 */
function awaitSharedTree(dir: string): void {
  if (fs.existsSync(path.join(dir, 'complete'))) return;
  let owner = false;
  try {
    fs.mkdirSync(path.join(dir, 'lock'));
    owner = true;
  } catch {
    // Another worker is synthesizing.
  }
  if (owner) {
    try {
      synthesizeTree(dir);
    } catch (e) {
      fs.writeFileSync(path.join(dir, 'failed'), e instanceof Error ? e.message : String(e));
      throw e;
    }
    return;
  }
  const deadline = Date.now() + 600_000;
  while (!fs.existsSync(path.join(dir, 'complete'))) {
    if (fs.existsSync(path.join(dir, 'failed'))) throw new Error(`the shared synthesized tree in ${dir} failed: ${fs.readFileSync(path.join(dir, 'failed'), 'utf8')}`);
    if (Date.now() > deadline) throw new Error(`the shared synthesized tree in ${dir} was not completed within 10 minutes (its worker may have failed)`);
    sleepSync(200);
  }
}

/** The shared tree; read-only for tests (copy a stack folder before writing into it). */
export function synthesizedTree(): SynthesizedTree {
  let dir = process.env[SYNTH_DIR_VARIABLE];
  if (dir && fs.existsSync(dir)) awaitSharedTree(dir);
  else {
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
