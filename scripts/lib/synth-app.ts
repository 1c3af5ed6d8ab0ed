/**
 * Synthesizes a checkout of the app in a child process (`tsx main.ts`), into
 * a chosen folder and from a chosen folder of environment files. Used by
 * `npm run promote` (current and target stage of one environment) and
 * `npm run diff` (a base commit and the working tree, optionally one environment).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { $ } from 'zx';

export interface SynthAppOptions {
  /** Folder holding main.ts (the repository, or a worktree of it). */
  appDir: string;
  /** Absolute output folder (CDKTF_OUTDIR). */
  outdir: string;
  /** CLASSIFYHUB_ENVIRONMENTS_DIR for the child; default: the app's own environments/. */
  environmentsDir?: string;
  /** tsx binary; default: the app's node_modules/.bin/tsx. */
  tsx?: string;
}

/**
 * Runs `tsx main.ts` in `appDir` with CDKTF_OUTDIR=`outdir`. Older commits
 * whose main.ts ignores CDKTF_OUTDIR write to `<appDir>/cdktf.out`; that
 * output is moved to `outdir`. Returns the outdir; throws with the child's
 * output when the synth fails.
 */
export async function synthApp(options: SynthAppOptions): Promise<string> {
  const tsx = options.tsx ?? path.join(options.appDir, 'node_modules', '.bin', 'tsx');
  const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: options.outdir };
  if (options.environmentsDir) env.CLASSIFYHUB_ENVIRONMENTS_DIR = options.environmentsDir;
  else delete env.CLASSIFYHUB_ENVIRONMENTS_DIR;
  const result = await $({ cwd: options.appDir, env, quiet: true, nothrow: true })`${tsx} main.ts`;
  if (result.exitCode !== 0) {
    throw new Error(`synth failed in ${options.appDir} (exit code ${result.exitCode}):\n${(result.stderr.trim() || result.stdout.trim()).replace(/^/gm, '  ')}`);
  }
  const fallback = path.join(options.appDir, 'cdktf.out');
  if (!fs.existsSync(path.join(options.outdir, 'stacks')) && fs.existsSync(path.join(fallback, 'stacks'))) {
    fs.mkdirSync(path.dirname(options.outdir), { recursive: true });
    fs.renameSync(fallback, options.outdir);
  }
  if (!fs.existsSync(path.join(options.outdir, 'stacks'))) throw new Error(`synth in ${options.appDir} wrote no stacks to ${options.outdir}`);
  return options.outdir;
}

/**
 * A scratch folder of environment files holding only `<name>.ts` with the
 * given text, next to the real folder (so the file's relative imports, such
 * as `./lib/schema` or `../systems/...`, resolve the same way): every other
 * entry of the real folder that is not an environment file (lib/, ...) is
 * linked in. Returns the folder; remove it with fs.rmSync(recursive).
 */
export function scratchEnvironmentsDir(realDir: string, name: string, text: string, label: string): string {
  const dir = path.join(path.dirname(realDir), `.cdktf-tmp-env-${process.pid}-${label}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir);
  for (const entry of fs.readdirSync(realDir)) {
    if (/^[a-z][a-z0-9-]*\.ts$/.test(entry) && !entry.endsWith('.d.ts')) continue; // environment files
    if (entry.startsWith('.')) continue;
    fs.symlinkSync(path.join(realDir, entry), path.join(dir, entry));
  }
  fs.writeFileSync(path.join(dir, `${name}.ts`), text);
  return dir;
}
