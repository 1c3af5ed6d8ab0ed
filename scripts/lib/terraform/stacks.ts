/**
 * The synthesized stacks (`<outdir>/stacks/<stack>`) and planning one of them, online in place or offline
 * in its working copy (./offline.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PlanJson } from './model';
import { offlineCopyIsCurrent, offlineWorkDir, prepareOfflineCopy, removeLegacyOverrides } from './offline';
import { init, plan, showPlanJson, validateIn, type StackOptions, type ValidateResult } from './runner';

/** Stack directories (`<outdir>/stacks/<stack>` holding a cdk.tf.json) as paths, sorted by name; empty when there are none. */
export function listStacks(outdir: string): string[] {
  const stacksDir = path.join(outdir, 'stacks');
  if (!fs.existsSync(stacksDir)) return [];
  return fs
    .readdirSync(stacksDir)
    .sort()
    .map((name) => path.join(stacksDir, name))
    .filter((dir) => fs.existsSync(path.join(dir, 'cdk.tf.json')));
}

/**
 * Stack directories of one environment: those whose name ends in `-<environment>` (classifyhub-dev,
 * onboarding-dev, webhooks-dev, ...), sorted. Discovered from the synth output, so a new system's stack is
 * planned and deployed without changes here.
 */
export function stacksOfEnvironment(outdir: string, environment: string): string[] {
  return listStacks(outdir).filter((dir) => path.basename(dir).endsWith(`-${environment}`));
}

/** Options of {@link planStackJson}. */
export interface PlanStackOptions {
  cliConfig: string;
  /**
   * Plan offline: in the stack's offline working copy (./offline.ts) with dummy credentials, a local
   * backend and no refresh. Online: in the stack folder itself, against the S3 backend it declares.
   */
  offline: boolean;
  /** Plan file written into the directory planned in (default `tfplan`). */
  planFile?: string;
  /** Pass `-detailed-exitcode` to the plan (see {@link plan}). */
  detailedExitCode?: boolean;
  /** `-lock-timeout` of the plan. */
  lockTimeout?: string;
  /** Base environment for terraform; defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
  onStep?: (step: 'init' | 'plan' | 'show') => void;
}

/** A planned stack: the JSON plan, where it was planned, and whether `-detailed-exitcode` reported changes. */
export interface StackPlan {
  json: PlanJson;
  /** True when terraform's `-detailed-exitcode` said 2; false otherwise (also when it was not asked). */
  exitCodeChanges: boolean;
  /** The directory terraform ran in (the offline working copy, or the stack folder); the plan file is there. */
  workDir: string;
}

/**
 * Plans one stack and returns `terraform show -json` of the plan. Offline, the stack folder is copied to its
 * offline working copy and planned there (the stack folder is not written). Online, it is planned in place
 * with the backend cdk.tf.json declares (override files of earlier versions are deleted first). Then init,
 * plan into `planFile`, show. `onStep` reports progress.
 */
export async function planStackJson(stackDir: string, options: PlanStackOptions): Promise<StackPlan> {
  const { cliConfig, offline, planFile = 'tfplan', onStep, env } = options;
  let workDir = stackDir;
  if (offline) workDir = prepareOfflineCopy(stackDir);
  else removeLegacyOverrides(stackDir);
  onStep?.('init');
  await init(workDir, { cliConfig, env });
  onStep?.('plan');
  const exitCodeChanges = await plan(workDir, {
    cliConfig,
    env,
    out: planFile,
    refresh: !offline,
    detailedExitCode: options.detailedExitCode,
    lockTimeout: options.lockTimeout,
  });
  onStep?.('show');
  return { json: await showPlanJson(workDir, planFile, { cliConfig, env }), exitCodeChanges, workDir };
}

/**
 * `terraform validate -json` of a stack. Validation needs the providers but no backend and no credentials:
 * a stack folder that was initialized (by an online plan or cdktf) is validated in place; otherwise its
 * offline working copy is, initialized first unless an offline plan of the same configuration already did.
 * Throws naming the stack folder when the configuration is invalid.
 */
export async function validate(stackDir: string, options: StackOptions = {}): Promise<ValidateResult> {
  if (fs.existsSync(path.join(stackDir, '.terraform'))) return validateIn(stackDir, { ...options, name: stackDir });
  if (!offlineCopyIsCurrent(stackDir)) {
    prepareOfflineCopy(stackDir);
    await init(offlineWorkDir(stackDir), options);
  }
  return validateIn(offlineWorkDir(stackDir), { ...options, name: `${stackDir} (offline copy ${offlineWorkDir(stackDir)})` });
}
