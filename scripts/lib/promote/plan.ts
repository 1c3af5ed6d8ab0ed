/**
 * What a stage promotion does to the infrastructure, per stack: resources
 * added, changed, replaced and destroyed, with the stateful ones first.
 *
 * Offline (no AWS credentials) the answer comes from Terraform itself, planned
 * against a simulated state of the current stage:
 *
 * 1. plan the current stage from an empty state (offline override, no refresh);
 * 2. turn that plan into a state (./state.ts: known values copied,
 *    unknown ones evaluated from the configuration or filled by schema type,
 *    root outputs evaluated from their expressions);
 * 3. plan the current stage again against that state — it must show no
 *    changes — and, at the same time, the target stage against it;
 * 4. if the check in 3 still shows changes, take Terraform's values back into
 *    the state and repeat 3 (at most {@link MAX_ROUNDS} rounds); whatever still
 *    differs is reported as uncertain.
 *
 * The target plan's `resource_changes` are the answer: `["delete","create"]`
 * or `["create","delete"]` is a replacement, and `replace_paths` names the
 * attributes that force it ("must be replaced").
 *
 * With credentials, {@link planLive} plans the target stage against the real
 * state instead.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { actionOf, attributesOf, managedChanges, type PlanJson, type TerraformConfig } from '../terraform/model';
import { init, plan, showPlanJson, terraform } from '../terraform/runner';
import { writeOfflineOverride } from '../terraform/offline';
import { planStackJson } from '../terraform/stacks';
import { STATEFUL_RESOURCE_TYPES } from '../stateful';
import { awsResourceSchemas, foldPlanIntoState, simulateState, type ProvidersSchema, type ResourceSchema, type TerraformState } from './state';
import { MAX_ROUNDS, type PromotionAction, type ResourceChangeInfo, type StackPromotion } from './types';

const ORDER: Record<PromotionAction, number> = { replace: 0, delete: 1, update: 2, create: 3 };
const PROMOTION_ACTIONS: readonly string[] = ['create', 'update', 'replace', 'delete'];

/** The managed-resource changes of a plan, sorted: replace, destroy, change, add; stateful first within each; then by address. */
export function classifyChanges(planJson: PlanJson, uncertain: readonly string[] = []): ResourceChangeInfo[] {
  const out: ResourceChangeInfo[] = [];
  for (const rc of managedChanges(planJson)) {
    const found = actionOf(rc.change.actions);
    if (!PROMOTION_ACTIONS.includes(found)) continue;
    const action = found as PromotionAction;
    const stateful = Object.prototype.hasOwnProperty.call(STATEFUL_RESOURCE_TYPES, rc.type) ? STATEFUL_RESOURCE_TYPES[rc.type] : undefined;
    const attributes = attributesOf(rc);
    out.push({ address: rc.address, type: rc.type, action, ...(stateful ? { stateful } : {}), attributes, ...(uncertain.includes(rc.address) ? { uncertain: true } : {}) });
  }
  return out.sort((a, b) => ORDER[a.action] - ORDER[b.action] || Number(!a.stateful) - Number(!b.stateful) || a.address.localeCompare(b.address));
}

// ---------------------------------------------------------------------------
// Provider schema (cached: loading it takes ~10 s)
// ---------------------------------------------------------------------------

/**
 * The AWS resource schemas of an initialized stack dir, from
 * `terraform providers schema -json`. Cached under the OS temp dir, keyed by
 * the stack's lock file (provider version and hashes) and Terraform's version.
 */
export async function resourceSchemas(stackDir: string, cliConfig: string, cacheDir = path.join(os.tmpdir(), 'classifyhub-provider-schemas')): Promise<Record<string, ResourceSchema>> {
  const lock = fs.readFileSync(path.join(stackDir, '.terraform.lock.hcl'), 'utf8');
  const version = (await terraform(['version', '-json'], { cwd: stackDir, cliConfig })).stdout;
  const key = createHash('sha256').update(lock).update(version).digest('hex').slice(0, 24);
  const file = path.join(cacheDir, `aws-${key}.json`);
  if (fs.existsSync(file)) {
    try {
      return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, ResourceSchema>;
    } catch {
      // A torn cache file: load it again.
    }
  }
  const result = await terraform(['providers', 'schema', '-json'], { cwd: stackDir, cliConfig });
  const schemas = awsResourceSchemas(JSON.parse(result.stdout) as ProvidersSchema);
  fs.mkdirSync(cacheDir, { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, JSON.stringify(schemas));
  fs.renameSync(temp, file);
  return schemas;
}

// ---------------------------------------------------------------------------
// Planning one stack
// ---------------------------------------------------------------------------

const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(file, 'utf8')) as T;

/** The local state file the offline override points at (`terraform.<stack>.tfstate` in the stack dir). */
const localStateFile = (stackDir: string): string => path.join(stackDir, `terraform.${path.basename(stackDir)}.tfstate`);

/** cdk.tf.json without CDKTF's `//` metadata, for the "same configuration" shortcut. */
function normalizedConfig(stackDir: string): string {
  return JSON.stringify(JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8'), (key, value: unknown) => (key === '//' ? undefined : value)));
}

export interface SimulateOptions {
  cliConfig: string;
  /** Progress steps ("plan current", "simulate", ...). */
  onStep?: (step: string) => void;
  /** Where the provider schema is cached. */
  schemaCacheDir?: string;
}

async function planJson(stackDir: string, cliConfig: string, out: string): Promise<PlanJson> {
  await plan(stackDir, { cliConfig, out, refresh: false });
  return showPlanJson(stackDir, out, { cliConfig });
}

/**
 * The check plan (the current stage against the simulated state): `undefined` when Terraform plans no change
 * at all (`-detailed-exitcode` 0), so nothing can be folded back and `terraform show` is skipped (it loads the
 * provider schema again: some 4 CPU-seconds a stack); else the plan.
 */
async function checkPlanJson(stackDir: string, cliConfig: string, out: string): Promise<PlanJson | undefined> {
  const changed = await plan(stackDir, { cliConfig, out, refresh: false, detailedExitCode: true });
  return changed ? showPlanJson(stackDir, out, { cliConfig }) : undefined;
}

/**
 * The promotion of one stack, simulated offline: `currentDir` and `targetDir`
 * are the synthesized stack dirs of the current and the target stage (both
 * get the offline override, a local state and a `.terraform` dir).
 */
export async function simulatePromotion(currentDir: string, targetDir: string, options: SimulateOptions): Promise<StackPromotion> {
  const started = Date.now();
  const { cliConfig, onStep } = options;
  const stack = path.basename(targetDir);
  for (const dir of [currentDir, targetDir]) {
    writeOfflineOverride(dir);
    fs.rmSync(localStateFile(dir), { force: true });
  }
  onStep?.('init');
  await Promise.all([init(currentDir, { cliConfig }), init(targetDir, { cliConfig })]);
  onStep?.('plan current');
  const [currentPlan, schemas] = await Promise.all([planJson(currentDir, cliConfig, 'current.tfplan'), resourceSchemas(targetDir, cliConfig, options.schemaCacheDir)]);

  onStep?.('simulate state');
  const config = readJson<TerraformConfig>(path.join(currentDir, 'cdk.tf.json'));
  const simulated = simulateState(currentPlan, config, schemas, stack);
  let state: TerraformState = simulated.state;
  let uncertain: string[] = [];
  let targetPlan: PlanJson | undefined;
  let rounds = 0;
  let checkExact = false;
  while (rounds < MAX_ROUNDS) {
    rounds += 1;
    for (const dir of [currentDir, targetDir]) fs.writeFileSync(localStateFile(dir), `${JSON.stringify(state, null, 1)}\n`);
    onStep?.(rounds === 1 ? 'plan target + check' : `plan target + check (round ${rounds})`);
    const [check, target] = await Promise.all([checkPlanJson(currentDir, cliConfig, 'check.tfplan'), planJson(targetDir, cliConfig, 'target.tfplan')]);
    targetPlan = target;
    if (!check) {
      uncertain = [];
      checkExact = true;
      break;
    }
    const folded = foldPlanIntoState(state, check);
    uncertain = folded.changed;
    if (uncertain.length === 0) break;
    state = folded.state;
  }
  return {
    stack,
    method: 'simulated',
    changes: classifyChanges(targetPlan!, uncertain),
    simulatedResources: state.resources.reduce((n, r) => n + r.instances.length, 0),
    rounds,
    checkExact,
    uncertain,
    unresolved: simulated.unresolved,
    seconds: (Date.now() - started) / 1000,
  };
}

/** A stack that only the target stage has: everything in it is added (planned offline from an empty state). */
export async function planNewStack(targetDir: string, options: SimulateOptions): Promise<StackPromotion> {
  const started = Date.now();
  writeOfflineOverride(targetDir);
  fs.rmSync(localStateFile(targetDir), { force: true });
  options.onStep?.('init');
  await init(targetDir, { cliConfig: options.cliConfig });
  options.onStep?.('plan target');
  const target = await planJson(targetDir, options.cliConfig, 'target.tfplan');
  return { stack: path.basename(targetDir), method: 'new-stack', changes: classifyChanges(target), uncertain: [], unresolved: [], seconds: (Date.now() - started) / 1000 };
}

/** A stack that only the current stage has: every resource of it would be destroyed (taken from the current plan). */
export async function planRemovedStack(currentDir: string, options: SimulateOptions): Promise<StackPromotion> {
  const started = Date.now();
  writeOfflineOverride(currentDir);
  fs.rmSync(localStateFile(currentDir), { force: true });
  await init(currentDir, { cliConfig: options.cliConfig });
  const current = await planJson(currentDir, options.cliConfig, 'current.tfplan');
  const destroyed: PlanJson = {
    ...current,
    resource_changes: (current.resource_changes ?? []).map((rc) => ({ ...rc, change: { ...rc.change, actions: ['delete'] } })),
  };
  return { stack: path.basename(currentDir), method: 'removed-stack', changes: classifyChanges(destroyed), uncertain: [], unresolved: [], seconds: (Date.now() - started) / 1000 };
}

/** The target stage planned against the stack's real state (AWS credentials; the S3 backend the stack declares). */
export async function planLive(targetDir: string, options: SimulateOptions): Promise<StackPromotion> {
  const started = Date.now();
  const result = await planStackJson(targetDir, {
    cliConfig: options.cliConfig,
    offline: false,
    planFile: 'target.tfplan',
    onStep: (step) => options.onStep?.(step === 'plan' ? 'plan target (live state)' : step),
  });
  return {
    stack: path.basename(targetDir),
    method: 'live',
    changes: classifyChanges(result.json),
    uncertain: [],
    unresolved: [],
    seconds: (Date.now() - started) / 1000,
  };
}

/** True when two synthesized stack dirs hold the same configuration (CDKTF metadata aside). */
export function sameConfiguration(currentDir: string, targetDir: string): boolean {
  return normalizedConfig(currentDir) === normalizedConfig(targetDir);
}

