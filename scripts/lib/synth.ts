import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdktf';
import { LEGACY_OVERRIDE_FILES } from './terraform/offline';

/**
 * Synthesizes an app into a scratch folder next to `outdir` and only then
 * publishes the stacks into `outdir`: a failure (bad environment, invalid
 * props, a stack without a declared S3 state backend) leaves `outdir` exactly
 * as it was. Other files in a stack folder (`.terraform`, the lock file, plan
 * files) are kept; override files of earlier versions are deleted.
 */
export function synthInto(outdir: string, build: (app: App) => void): string[] {
  const target = path.resolve(outdir);
  const scratch = `${target}.tmp-${process.pid}`;
  fs.rmSync(scratch, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const sourceMaps = process.sourceMapsEnabled;
  process.setSourceMapsEnabled(false);
  const restoreCaptures = skipCreationStacks();
  try {
    const app = new App({ outdir: scratch, skipBackendValidation: true });
    build(app);
    app.synth();
    requireDeclaredState(scratch);
    return publish(scratch, target);
  } finally {
    restoreCaptures();
    process.setSourceMapsEnabled(sourceMaps);
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** Set to 1 to keep cdktf's token creation stacks in resolution errors (synth is about a fifth slower). */
export const CREATION_STACKS_VARIABLE = 'SYNTH_CREATION_STACKS';

/**
 * cdktf records where every token was created: a full-depth stack trace captured into a plain `{ stack: '' }`
 * object (cdktf/lib/tokens/private/stack-trace.js; constructs' own copy does the same for metadata), read only
 * to decorate the message of a token that fails to resolve. Capturing and formatting those traces is about a
 * fifth of a synth's CPU (3.3 of 15.5 s for main.ts). While synth runs they are skipped, so a resolution error
 * says where it failed but not where the token was made; `SYNTH_CREATION_STACKS=1` keeps them. Only targets of
 * that shape are skipped: errors (anything with a message) and other captures (depd's `{}`, which reads
 * `obj.stack` right after) are untouched. Returns the function that restores `Error.captureStackTrace`.
 */
export function skipCreationStacks(env: NodeJS.ProcessEnv = process.env): () => void {
  if (env[CREATION_STACKS_VARIABLE] === '1') return () => undefined;
  const capture = Error.captureStackTrace;
  Error.captureStackTrace = (...args: Parameters<typeof capture>): void => {
    if (!isCreationStackTarget(args[0])) capture(...args);
  };
  return () => {
    Error.captureStackTrace = capture;
  };
}

/** The object cdktf's and constructs' `captureStackTrace` fill: a plain `{ stack: '' }`, no message. */
const isCreationStackTarget = (target: object): boolean => !('message' in target) && (target as { stack?: unknown }).stack === '';

/**
 * Every stack must declare its S3 state backend (a system stack passes its environment to ReadableStack,
 * modules/core/stack.ts), so `npm run deploy` and `npx cdktf deploy` share one state.
 */
function requireDeclaredState(scratch: string): void {
  for (const stack of fs.readdirSync(path.join(scratch, 'stacks')).sort()) {
    const config = JSON.parse(fs.readFileSync(path.join(scratch, 'stacks', stack, 'cdk.tf.json'), 'utf8')) as { terraform?: { backend?: Record<string, unknown> } };
    const backends = Object.keys(config.terraform?.backend ?? {});
    if (backends.length !== 1 || backends[0] !== 's3') {
      throw new Error(
        `stack ${stack} declares no S3 state backend (found: ${backends.join(', ') || 'none'}); ` +
          'a system stack passes its environment to ReadableStack (`super(scope, id, { environment })`, modules/core/stack.ts) and declares no backend of its own',
      );
    }
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
    for (const legacy of LEGACY_OVERRIDE_FILES) fs.rmSync(path.join(to, legacy), { force: true });
    for (const entry of fs.readdirSync(from)) {
      fs.rmSync(path.join(to, entry), { recursive: true, force: true });
      fs.cpSync(path.join(from, entry), path.join(to, entry), { recursive: true });
    }
  }
  fs.copyFileSync(path.join(scratch, 'manifest.json'), path.join(target, 'manifest.json'));
  return stacks;
}
