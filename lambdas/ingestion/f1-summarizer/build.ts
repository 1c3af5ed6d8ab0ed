/**
 * `npm run build:ingestion-worker [-- --out DIR]`: the worker image's Docker build context, reproducibly: one
 * esbuild bundle (worker.js: main.ts and every dependency, Node 22, CommonJS, no source maps, no timestamps) and
 * the Dockerfile, in DIR (default dist/ingestion-worker). Prints `{ dir, tag }`, where tag is `sha-` + the first
 * 12 hex digits of SHA-256 over both files: the same sources and lockfile give the same tag, a change gives a new
 * one (the ECR repository's tags are immutable). Then: `docker build -t <repository url>:<tag> DIR`, push, and set
 * `workerImageTag` in the environment file (docs/ingestion.md). No Docker engine here: the image is not built.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';

export const WORKER_SOURCE_DIR = __dirname;
const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const DEFAULT_OUT_DIR = path.join(REPO_ROOT, 'dist', 'ingestion-worker');

export async function buildWorkerContext(outDir: string = DEFAULT_OUT_DIR): Promise<{ dir: string; tag: string; bytes: number }> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: [path.join(WORKER_SOURCE_DIR, 'main.ts')],
    outfile: path.join(outDir, 'worker.js'),
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    sourcemap: false,
    legalComments: 'none',
    minify: false,
    logLevel: 'warning',
    // Paths in the bundle's comments relative to the repository, whatever the caller's directory.
    absWorkingDir: REPO_ROOT,
  });
  copyFileSync(path.join(WORKER_SOURCE_DIR, 'Dockerfile'), path.join(outDir, 'Dockerfile'));
  const hash = createHash('sha256');
  let bytes = 0;
  for (const f of ['Dockerfile', 'worker.js']) {
    const data = readFileSync(path.join(outDir, f));
    bytes += data.length;
    hash.update(`${f}\0${data.length}\0`).update(data);
  }
  return { dir: outDir, tag: `sha-${hash.digest('hex').slice(0, 12)}`, bytes };
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const i = argv.indexOf('--out');
  buildWorkerContext(i >= 0 ? path.resolve(argv[i + 1]) : undefined).then(
    (r) => process.stdout.write(`${JSON.stringify({ dir: path.relative(process.cwd(), r.dir) || '.', tag: r.tag })}\n`),
    (e: Error) => {
      process.stderr.write(`build:ingestion-worker: ${e.message}\n`);
      process.exit(1);
    },
  );
}
