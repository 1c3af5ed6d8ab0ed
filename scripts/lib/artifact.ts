/**
 * The deploy workflow's plan artifact: everything `terraform init` + `terraform apply <plan>` read in a
 * fresh checkout, and nothing else (no `.terraform`, no provider binaries, no state). One list, used by
 * the workflow (scripts/stage-plan-artifact.ts stages it, the upload step takes the staged folder) and by
 * the test that applies a saved plan from a second directory (test/scripts/plan-artifact.test.ts).
 *
 * Per stack folder:
 * - `cdk.tf.json`: the configuration, with the S3 backend the stack declares (init needs it; apply checks
 *   the plan was made from it);
 * - `.terraform.lock.hcl`: the provider versions and checksums the plan was made with (init installs exactly
 *   those; without it a newer provider could be chosen and apply would refuse the plan);
 * - `assets/**`: the files the configuration names by path, e.g. Lambda ZIPs (`filename = assets/...`),
 *   which the provider reads at apply time (without them: `reading ZIP file (assets/…): no such file`);
 * - the saved plan (`deploy.tfplan`), when the stack has changes.
 * And `manifest.json` of the synth output, so the stack folders are recognizable as one synth.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Saved plan of a deploy (`npm run deploy -- <env> --plan-only`). */
export const DEPLOY_PLAN_FILE = 'deploy.tfplan';

/** The files `terraform apply <plan>` needs of a stack folder, as paths relative to it, sorted. Throws when the configuration or lock file is missing. */
export function stackArtifactFiles(stackDir: string, planFile: string = DEPLOY_PLAN_FILE): string[] {
  for (const required of ['cdk.tf.json', '.terraform.lock.hcl']) {
    if (!fs.existsSync(path.join(stackDir, required))) {
      throw new Error(`${path.join(stackDir, required)} is missing: a plan artifact needs the configuration and the lock file of the init that planned it`);
    }
  }
  const files = ['cdk.tf.json', '.terraform.lock.hcl'];
  if (fs.existsSync(path.join(stackDir, planFile))) files.push(planFile);
  const walk = (relative: string): string[] =>
    fs.readdirSync(path.join(stackDir, relative), { withFileTypes: true }).flatMap((entry) => {
      const child = path.join(relative, entry.name);
      return entry.isDirectory() ? walk(child) : [child];
    });
  if (fs.existsSync(path.join(stackDir, 'assets'))) files.push(...walk('assets'));
  return files.sort();
}

/** Options of {@link stagePlanArtifact}. */
export interface StageOptions {
  /** The synth output (`cdktf.out`): `manifest.json` and `stacks/<stack>/`. */
  readonly outdir: string;
  /** The stacks to stage. */
  readonly stacks: readonly string[];
  /** Folder to stage into (created; must not exist or be empty). The artifact is this folder's content. */
  readonly dest: string;
  /** Saved plan name. @default DEPLOY_PLAN_FILE */
  readonly planFile?: string;
  /** Where a stack's planned folder is. @default `<outdir>/stacks/<stack>` */
  readonly stackDirOf?: (stack: string) => string;
}

/**
 * Copies the artifact files of each stack into `dest`, laid out as the synth output
 * (`manifest.json`, `stacks/<stack>/...`), so downloading the artifact into `cdktf.out` restores the
 * planned folders. Returns the staged paths relative to `dest`, sorted.
 */
export function stagePlanArtifact(options: StageOptions): string[] {
  const dest = path.resolve(options.dest);
  if (fs.existsSync(dest) && fs.readdirSync(dest).length > 0) throw new Error(`${dest} is not empty; stage the plan artifact into a new folder`);
  const staged: string[] = [];
  const copy = (from: string, relative: string) => {
    fs.mkdirSync(path.dirname(path.join(dest, relative)), { recursive: true });
    fs.copyFileSync(from, path.join(dest, relative));
    staged.push(relative);
  };
  const manifest = path.join(options.outdir, 'manifest.json');
  if (fs.existsSync(manifest)) copy(manifest, 'manifest.json');
  for (const stack of options.stacks) {
    const stackDir = options.stackDirOf ? options.stackDirOf(stack) : path.join(options.outdir, 'stacks', stack);
    for (const file of stackArtifactFiles(stackDir, options.planFile)) copy(path.join(stackDir, file), path.join('stacks', stack, file));
  }
  return staged.sort();
}
