/** Removes the tree test/global-setup.ts synthesized. */
import * as fs from 'node:fs';
import { SYNTH_DIR_VARIABLE } from './support/synthesized';

export default function globalTeardown(): void {
  const dir = process.env[SYNTH_DIR_VARIABLE];
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}
