/**
 * The bundle cache's build lock (modules/function/bundle.ts): processes that synthesize side by side build
 * each bundle once; the others wait for the result. A lock left by a dead process is taken over.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { acquireBuildLock, bundleCacheDir, bundleLambdaCached } from '../../modules/function/bundle';

const REPO = path.resolve(__dirname, '..', '..');
let work: string;
beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'bundle-lock-'));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** A tiny project with one handler; two projects made by this are identical (the same cache key). */
function project(name: string): { root: string; entry: string } {
  const root = path.join(work, name);
  fs.mkdirSync(path.join(root, 'handler'), { recursive: true });
  fs.writeFileSync(path.join(root, 'package.json'), '{"name":"bundle-lock-fixture","private":true}\n');
  fs.writeFileSync(path.join(root, 'handler', 'index.ts'), 'export const handler = async (event: { n: number }) => ({ doubled: event.n * 2 });\n');
  return { root, entry: path.join(root, 'handler', 'index.ts') };
}

test('a free lock is taken; a released one is waited for; a stale one is taken over', () => {
  const lock = path.join(work, 'locks', 'a.lock');
  expect(acquireBuildLock(lock)).toEqual({ held: true, waited: false });
  // Held by "another process" that lets go after 300 ms.
  const other = spawn('sh', ['-c', `sleep 0.3; rmdir '${lock}'`]);
  const started = Date.now();
  const result = acquireBuildLock(lock);
  expect(result.waited).toBe(true);
  expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  if (result.held) fs.rmdirSync(lock);
  other.kill();
  // Left behind by a process that died: older than the stale limit.
  fs.mkdirSync(lock);
  const old = new Date(Date.now() - 10_000);
  fs.utimesSync(lock, old, old);
  expect(acquireBuildLock(lock, 5_000)).toEqual({ held: true, waited: false });
});

test('a process that finds the bundle being built waits and uses the result instead of building it again', async () => {
  const first = project('first');
  const built = bundleLambdaCached(first.entry, { projectRoot: first.root });
  expect(built.cached).toBe(false);
  const [key] = fs.readdirSync(bundleCacheDir(first.root));

  // The second project has the same cache key; "another process" is building its bundle (holds the lock).
  const second = project('second');
  const cache = bundleCacheDir(second.root);
  fs.mkdirSync(path.join(cache, `${key}.lock`), { recursive: true });
  const script = `
    const { bundleLambdaCached } = require(${JSON.stringify(path.join(REPO, 'modules', 'function', 'bundle.ts'))});
    console.log('start');
    const b = bundleLambdaCached(${JSON.stringify(second.entry)}, { projectRoot: ${JSON.stringify(second.root)} });
    console.log(JSON.stringify({ cached: b.cached, sha: b.sha256Hex }));`;
  const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), '-e', script], { cwd: REPO });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const deadline = Date.now() + 30_000;
  while (!out.includes('start') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 300));
  // The child is waiting on the lock now. The "other process" finishes: its bundle lands, then it lets go.
  fs.cpSync(path.join(bundleCacheDir(first.root), key), path.join(cache, key), { recursive: true });
  fs.rmdirSync(path.join(cache, `${key}.lock`));
  expect(await exited).toBe(0);
  const result = JSON.parse(out.trim().split('\n').pop() ?? '{}') as { cached: boolean; sha: string };
  expect(result).toEqual({ cached: true, sha: built.sha256Hex });
  expect(fs.readdirSync(cache).sort()).toEqual([key]);
}, 60_000);
