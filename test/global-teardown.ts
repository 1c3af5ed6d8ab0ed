/** Removes the run's temp folder (test/global-setup.ts), the shared synthesized tree with it. */
import * as fs from 'node:fs';
import { RUN_TMPDIR_VARIABLE } from './global-setup';
import { SYNTH_DIR_VARIABLE } from './support/synthesized';

export default function globalTeardown(): void {
  for (const variable of [SYNTH_DIR_VARIABLE, RUN_TMPDIR_VARIABLE]) {
    const dir = process.env[variable];
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
}
