/**
 * Synthesizes the whole tree once per jest run (test/support/synthesized.ts) when the run includes a
 * test file that needs it; its folder is passed to the workers in TEST_SYNTH_DIR.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SYNTH_DIR_VARIABLE, synthesizeTree } from './support/synthesized';

/** Test files that read the shared tree. */
const USERS = /terraform|cost|diagram/;

export default function globalSetup(globalConfig: { testPathPattern?: string }): void {
  const pattern = globalConfig.testPathPattern ?? '';
  if (pattern !== '' && !USERS.test(pattern)) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-tree-'));
  synthesizeTree(dir);
  process.env[SYNTH_DIR_VARIABLE] = dir;
}
