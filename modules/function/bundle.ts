/**
 * Bundles a Lambda entry point with esbuild into a deterministic ZIP
 * (`index.js`, plus `index.js.map` with source maps on), so the archive — and
 * the `source_code_hash` Terraform sees — changes only when the code does.
 *
 * Determinism: esbuild is pinned (package-lock) and deterministic for the same
 * inputs; paths in the output are relative to the project root (absWorkingDir),
 * never absolute; legal comments are dropped; the ZIP has sorted entries, DOS
 * epoch timestamps, mode 0644 and (by default) stored, uncompressed entries
 * (see zip.ts for why deflate is opt-in).
 *
 * Speed: `bundleLambdaCached` keeps each bundle in
 * `node_modules/.cache/lambda-bundles/<key>/` with a manifest of every input
 * file esbuild read and its SHA-256. A cached bundle is reused only if every
 * input still has the same content: the same size and modification time, or
 * else the same SHA-256 (so a warm check reads no file but the ZIP).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildSync, version as esbuildVersion, Metafile } from 'esbuild';
import { deterministicZip, ZipCompression } from './zip';
import { BUNDLE_DEFAULTS } from './defaults';

export interface BundleOptions {
  /**
   * Minify the output (whitespace, syntax and identifiers).
   * @default true
   */
  readonly minify?: boolean;
  /**
   * Add `index.js.map` (paths relative to the project root, no sources content). The function
   * needs `NODE_OPTIONS=--enable-source-maps` to use it; LambdaFunction sets that.
   * @default false
   */
  readonly sourceMap?: boolean;
  /**
   * Module names left out of the bundle (required at run time). `pg-native` is the optional
   * native driver `pg` only loads on request.
   * @default ['pg-native']
   */
  readonly external?: readonly string[];
  /**
   * ZIP compression: `'store'` is byte-identical on every machine; `'deflate'` only for one zlib build.
   * @default 'store'
   */
  readonly compression?: ZipCompression;
  /**
   * Folder paths in the bundle are relative to (esbuild's absWorkingDir).
   * @default the nearest folder above the entry that holds a package.json
   */
  readonly projectRoot?: string;
}

/** A bundled function: the ZIP and its hashes. */
export interface LambdaBundle {
  /** Absolute path of the ZIP. */
  readonly zipPath: string;
  /** SHA-256 of the ZIP, hex. */
  readonly sha256Hex: string;
  /** SHA-256 of the ZIP, base64: Lambda's CodeSha256 and Terraform's source_code_hash. */
  readonly sha256Base64: string;
  readonly sizeBytes: number;
  /** Files esbuild read, relative to the project root, sorted. */
  readonly inputs: readonly string[];
  /** The handler file inside the ZIP (handler "index.<export>"). */
  readonly handlerFile: string;
  /** True when the bundle came from the cache instead of esbuild. */
  readonly cached: boolean;
}

type ResolvedOptions = Required<Omit<BundleOptions, 'projectRoot'>> & { readonly projectRoot: string };

/** Name of the function folder: lambdas/csv-parser/index.ts -> "csv-parser". */
function bundleName(entry: string): string {
  const base = path.basename(entry).replace(/\.[cm]?[jt]sx?$/, '');
  return base === 'index' ? path.basename(path.dirname(entry)) : base;
}

function findProjectRoot(from: string): string {
  let dir = path.dirname(from);
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`bundleLambda: no package.json above ${from}; pass projectRoot`);
    dir = parent;
  }
}

function resolveOptions(entry: string, options: BundleOptions): ResolvedOptions {
  const absolute = path.resolve(entry);
  if (!fs.existsSync(absolute) || !fs.statSync(absolute).isFile()) {
    throw new Error(`bundleLambda: entry ${JSON.stringify(entry)} does not exist (resolved to ${absolute}); expected a .ts or .js file exporting the handler`);
  }
  return {
    minify: options.minify ?? BUNDLE_DEFAULTS.minify,
    sourceMap: options.sourceMap ?? BUNDLE_DEFAULTS.sourceMap,
    external: [...(options.external ?? BUNDLE_DEFAULTS.external)].sort(),
    compression: options.compression ?? BUNDLE_DEFAULTS.compression,
    projectRoot: path.resolve(options.projectRoot ?? findProjectRoot(absolute)),
  };
}

const sha256 = (data: Buffer | string): Buffer => createHash('sha256').update(data).digest();

/** Runs esbuild and returns the ZIP bytes and the inputs it read. */
function build(entry: string, o: ResolvedOptions): { zip: Buffer; inputs: string[] } {
  const absolute = path.resolve(entry);
  const name = bundleName(absolute);
  // A virtual output folder inside the project: nothing is written there (write: false), but the
  // source map's paths are relative to it, so they are the same wherever the project is checked out.
  const outfile = path.join(o.projectRoot, '.lambda-bundle', name, BUNDLE_DEFAULTS.handlerFile);
  let result;
  try {
    result = buildSync({
      absWorkingDir: o.projectRoot,
      entryPoints: [absolute],
      outfile,
      write: false,
      bundle: true,
      platform: 'node',
      target: BUNDLE_DEFAULTS.target,
      format: 'cjs',
      // Prefer the ES module builds (the AWS SDK tree-shakes much better).
      mainFields: ['module', 'main'],
      minify: o.minify,
      sourcemap: o.sourceMap ? 'external' : false,
      sourcesContent: false,
      legalComments: 'none',
      charset: 'utf8',
      external: [...o.external],
      metafile: true,
      logLevel: 'silent',
    });
  } catch (e) {
    const errors = (e as { errors?: Array<{ text: string; location?: { file: string; line: number } | null }> }).errors;
    const detail = errors?.length ? errors.map((x) => `  - ${x.location ? `${x.location.file}:${x.location.line}: ` : ''}${x.text}`).join('\n') : String(e);
    throw new Error(`bundleLambda: esbuild could not bundle ${path.relative(o.projectRoot, absolute)}\n${detail}`);
  }
  const outDir = path.dirname(outfile);
  const entries = result.outputFiles.map((f) => ({ name: path.relative(outDir, f.path).split(path.sep).join('/'), data: Buffer.from(f.contents) }));
  const inputs = Object.keys((result.metafile as Metafile).inputs).sort();
  return { zip: deterministicZip(entries, o.compression), inputs };
}

function writeAtomically(file: string, data: Buffer | string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

function describe(zipPath: string, zip: Buffer, inputs: readonly string[], cached: boolean): LambdaBundle {
  const digest = sha256(zip);
  return { zipPath, sha256Hex: digest.toString('hex'), sha256Base64: digest.toString('base64'), sizeBytes: zip.length, inputs, handlerFile: BUNDLE_DEFAULTS.handlerFile, cached };
}

/**
 * Bundles `entry` and writes `<outDir>/<name>.zip` (name: the entry's folder, e.g. "csv-parser").
 * Always runs esbuild. Throws, naming the entry, when it is missing or does not build.
 */
export function bundleLambda(entry: string, outDir: string, options: BundleOptions = {}): LambdaBundle {
  const o = resolveOptions(entry, options);
  const { zip, inputs } = build(entry, o);
  const zipPath = path.resolve(outDir, `${bundleName(path.resolve(entry))}.zip`);
  writeAtomically(zipPath, zip);
  return describe(zipPath, zip, inputs, false);
}

interface CacheManifest {
  readonly key: string;
  readonly zipSha256: string;
  /** Input path (relative to the project root) -> SHA-256 hex of its content, size and modification time. */
  readonly inputs: Readonly<Record<string, InputStamp>>;
}

interface InputStamp {
  readonly sha256: string;
  readonly size: number;
  readonly mtimeMs: number;
}

/** Folder of the persistent bundle cache of a project. */
export function bundleCacheDir(projectRoot: string): string {
  return path.join(projectRoot, 'node_modules', '.cache', 'lambda-bundles');
}

/** SHA-256 of files already hashed by this process, by path, size and modification time. */
const hashed = new Map<string, InputStamp>();

/** Content hash, size and modification time of a file (undefined when it is missing). */
function stampOf(file: string): InputStamp | undefined {
  try {
    const stat = fs.statSync(file);
    const known = hashed.get(file);
    if (known && known.size === stat.size && known.mtimeMs === stat.mtimeMs) return known;
    const stamp = { sha256: sha256(fs.readFileSync(file)).toString('hex'), size: stat.size, mtimeMs: stat.mtimeMs };
    hashed.set(file, stamp);
    return stamp;
  } catch {
    return undefined;
  }
}

function fileSha(file: string): string | undefined {
  return stampOf(file)?.sha256;
}

/** True when the file still has the recorded content: same size and time (no read needed), or same SHA-256. */
function unchanged(file: string, recorded: InputStamp): boolean {
  try {
    const stat = fs.statSync(file);
    if (stat.size === recorded.size && stat.mtimeMs === recorded.mtimeMs) return true;
  } catch {
    return false;
  }
  return fileSha(file) === recorded.sha256;
}

/**
 * `bundleLambda` with a cache: the key is the entry (relative to the project root), the
 * options, the esbuild version and the project's package.json / tsconfig.json; a hit is
 * used only when every input file still has the recorded SHA-256 (and the ZIP too).
 * Delete `node_modules/.cache/lambda-bundles` to force a rebuild.
 */
export function bundleLambdaCached(entry: string, options: BundleOptions = {}): LambdaBundle {
  const o = resolveOptions(entry, options);
  const relEntry = path.relative(o.projectRoot, path.resolve(entry)).split(path.sep).join('/');
  const key = sha256(
    JSON.stringify({
      format: BUNDLE_DEFAULTS.cacheFormat,
      esbuild: esbuildVersion,
      entry: relEntry,
      minify: o.minify,
      sourceMap: o.sourceMap,
      external: o.external,
      compression: o.compression,
      packageJson: fileSha(path.join(o.projectRoot, 'package.json')) ?? null,
      tsconfig: fileSha(path.join(o.projectRoot, 'tsconfig.json')) ?? null,
    }),
  ).toString('hex').slice(0, 32);
  const dir = path.join(bundleCacheDir(o.projectRoot), key);
  const manifestFile = path.join(dir, 'manifest.json');
  const zipPath = path.join(dir, `${bundleName(path.resolve(entry))}.zip`);
  const cachedBundle = (): LambdaBundle | undefined => {
    try {
      const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as CacheManifest;
      if (manifest.key === key && fresh(o.projectRoot, zipPath, manifest.inputs, manifest.zipSha256)) {
        return describe(zipPath, fs.readFileSync(zipPath), Object.keys(manifest.inputs).sort(), true);
      }
    } catch {
      // No or unreadable manifest: build.
    }
    return undefined;
  };
  let bundle = cachedBundle();
  if (bundle) return bundle;
  // Processes that synthesize side by side (promote's current and target stage, parallel CI jobs on one
  // checkout) need the same bundles: one builds, the others wait for its result instead of building too.
  const lock = acquireBuildLock(`${dir}.lock`);
  try {
    if (lock.waited) bundle = cachedBundle();
    if (bundle) return bundle;
    const { zip, inputs } = build(entry, o);
    writeAtomically(zipPath, zip);
    bundle = describe(zipPath, zip, inputs, false);
    const manifest: CacheManifest = {
      key,
      zipSha256: bundle.sha256Hex,
      inputs: Object.fromEntries(inputs.map((i) => [i, stampOf(path.join(o.projectRoot, i)) ?? { sha256: '', size: -1, mtimeMs: -1 }])),
    };
    writeAtomically(manifestFile, `${JSON.stringify(manifest, null, 1)}\n`);
    return bundle;
  } finally {
    if (lock.held) fs.rmSync(`${dir}.lock`, { recursive: true, force: true });
  }
}

/** A build lock older than this is taken over (its process died mid-build). */
export const BUNDLE_LOCK_STALE_MS = 120_000;

/** Blocks this process for `ms` (synth is synchronous). */
const sleepSync = (ms: number): void => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * The build lock of one cache entry (mkdir is atomic). `held`: this process has it (and removes it after
 * building). `waited`: another process had it first, so its bundle should now be in the cache (unless its build
 * failed); when the other process let go before this one could take the lock, `held` is false. A lock older than
 * {@link BUNDLE_LOCK_STALE_MS} is taken over.
 */
export function acquireBuildLock(lockDir: string, staleMs = BUNDLE_LOCK_STALE_MS): { held: boolean; waited: boolean } {
  fs.mkdirSync(path.dirname(lockDir), { recursive: true });
  let waited = false;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      return { held: true, waited };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let age: number;
    try {
      age = Date.now() - fs.statSync(lockDir).mtimeMs;
    } catch {
      continue; // released between mkdir and stat: try again
    }
    if (age > staleMs) {
      fs.rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    waited = true;
    sleepSync(50);
    if (!fs.existsSync(lockDir)) return { held: false, waited: true };
  }
}

/** Whether a cached ZIP is still valid: it has the recorded hash, and every input its recorded content. */
function fresh(root: string, zipPath: string, inputs: Readonly<Record<string, InputStamp>>, zipSha256: string): boolean {
  return fileSha(zipPath) === zipSha256 && Object.entries(inputs).every(([file, stamp]) => unchanged(path.join(root, file), stamp));
}
