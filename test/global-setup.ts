/**
 * Names the folder of the run's shared synthesized tree (test/support/synthesized.ts) when the run includes a
 * test file that needs it, and passes it to the workers in TEST_SYNTH_DIR. The first suite that needs the tree
 * synthesizes it there (so the other worker runs other suites meanwhile); the teardown removes it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SYNTH_DIR_VARIABLE } from './support/synthesized';

/** Test files that read the shared tree. */
const USERS = /terraform|cost|diagram|environments/;

export default function globalSetup(globalConfig: { testPathPattern?: string }): void {
  const pattern = globalConfig.testPathPattern ?? '';
  if (pattern !== '' && !USERS.test(pattern)) return;
  process.env[SYNTH_DIR_VARIABLE] = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-tree-'));
}
