/**
 * Makes one temp folder for the whole run and points TMPDIR at it, so every temp file of the run lands there and
 * the teardown removes it: cdktf's `Testing.app()` makes an outdir per app and never deletes it (a day of runs
 * left some 19,000 `cdktf.outdir.*` folders in /tmp), nor does a suite that dies with servers running. Then names
 * the folder of the run's shared synthesized tree (test/support/synthesized.ts) when the run includes a test file
 * that needs it, and passes it to the workers in TEST_SYNTH_DIR. The first suite that needs the tree
 * synthesizes it there (so the other worker runs other suites meanwhile).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SYNTH_DIR_VARIABLE } from './support/synthesized';

/** Test files that read the shared tree. */
const USERS = /terraform|cost|diagram|environments/;

/** The run's temp folder (TMPDIR of the workers and of everything they start). */
export const RUN_TMPDIR_VARIABLE = 'TEST_RUN_TMPDIR';

export default function globalSetup(globalConfig: { testPathPattern?: string }): void {
  const runTmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jest-run-'));
  // mkdtemp makes it 0700; PostgreSQL runs as an unprivileged user (test/support/postgres.ts) and must reach its folder inside.
  fs.chmodSync(runTmp, 0o755);
  process.env[RUN_TMPDIR_VARIABLE] = runTmp;
  process.env.TMPDIR = runTmp;
  const pattern = globalConfig.testPathPattern ?? '';
  if (pattern !== '' && !USERS.test(pattern)) return;
  process.env[SYNTH_DIR_VARIABLE] = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-tree-'));
}
