import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdktf';

/**
 * Synthesizes an app into a scratch folder next to `outdir` and only then
 * publishes the stacks into `outdir`: a failure (bad environment, invalid
 * props) leaves `outdir` exactly as it was. Other files in a stack folder
 * (`.terraform`, plan files) are kept.
 */
export function synthInto(outdir: string, build: (app: App) => void): string[] {
  const target = path.resolve(outdir);
  const scratch = `${target}.tmp-${process.pid}`;
  fs.rmSync(scratch, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(target), { recursive: true });
  try {
    const app = new App({ outdir: scratch, skipBackendValidation: true });
    build(app);
    app.synth();
    return publish(scratch, target);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

function publish(scratch: string, target: string): string[] {
  const stacks = fs.readdirSync(path.join(scratch, 'stacks')).sort();
  fs.mkdirSync(path.join(target, 'stacks'), { recursive: true });
  for (const old of fs.readdirSync(path.join(target, 'stacks'))) {
    if (!stacks.includes(old)) fs.rmSync(path.join(target, 'stacks', old), { recursive: true, force: true });
  }
  for (const stack of stacks) {
    const from = path.join(scratch, 'stacks', stack);
    const to = path.join(target, 'stacks', stack);
    fs.mkdirSync(to, { recursive: true });
    for (const entry of fs.readdirSync(from)) {
      fs.rmSync(path.join(to, entry), { recursive: true, force: true });
      fs.cpSync(path.join(from, entry), path.join(to, entry), { recursive: true });
    }
  }
  fs.copyFileSync(path.join(scratch, 'manifest.json'), path.join(target, 'manifest.json'));
  return stacks;
}
