/**
 * What a stage promotion does to the infrastructure, per stack: resources
 * added, changed, replaced and destroyed, with the stateful ones first.
 *
 * Offline (no AWS credentials) the answer comes from Terraform itself, planned
 * against a simulated state of the current stage:
 *
 * 1. plan the current stage from an empty state (offline override, no refresh);
 * 2. turn that plan into a state (promote-state.ts: known values copied,
 *    unknown ones evaluated from the configuration or filled by schema type);
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
import { init, plan, planStackJson, showPlanJson, terraform, writeOfflineOverride } from './terraform';
import type { StateLocation } from './state';
import { STATEFUL_RESOURCE_TYPES } from './stateful';
import {
  awsResourceSchemas,
  foldPlanIntoState,
  simulateState,
  type FullPlanJson,
  type FullResourceChange,
  type ProvidersSchema,
  type ResourceSchema,
  type TerraformJsonConfig,
  type TerraformState,
  type Unknown,
} from './promote-state';
import type { Value } from './promote-expr';

/** Rounds of the check-and-fold loop before the remaining differences are reported as uncertain. */
export const MAX_ROUNDS = 3;

/** What happens to one resource. */
export type PromotionAction = 'create' | 'update' | 'replace' | 'delete';

export interface ResourceChangeInfo {
  address: string;
  type: string;
  action: PromotionAction;
  /** What is lost when a resource of this type is replaced or destroyed; undefined for stateless types. */
  stateful?: string;
  /** update: the top-level attributes that change. replace: the attribute paths that force it. */
  attributes: string[];
  /** The simulation itself did not settle for this resource, so the change may be an artifact. */
  uncertain?: boolean;
}

/** The promotion of one stack. */
export interface StackPromotion {
  stack: string;
  changes: ResourceChangeInfo[];
  /** "simulated" (offline), "live" (against the real state), or "identical" (same configuration, nothing planned). */
  method: 'simulated' | 'live' | 'identical' | 'new-stack' | 'removed-stack';
  /** Resources in the simulated state. */
  simulatedResources?: number;
  /** Check-and-fold rounds used. */
  rounds?: number;
  /** Addresses whose simulated state still differed from the current stage after the last round. */
  uncertain: string[];
  /** Configured values the evaluator could not compute (Terraform then corrected them in the fold). */
  unresolved: string[];
  seconds: number;
}

const ORDER: Record<PromotionAction, number> = { replace: 0, delete: 1, update: 2, create: 3 };

const actionOf = (actions: string[]): PromotionAction | undefined => {
  if (actions.includes('delete') && actions.includes('create')) return 'replace';
  if (actions.length === 1 && ['create', 'update', 'delete'].includes(actions[0])) return actions[0] as PromotionAction;
  return undefined;
};

const isTrueSomewhere = (unknown: Unknown | undefined): boolean =>
  unknown === true || (Array.isArray(unknown) ? unknown.some(isTrueSomewhere) : typeof unknown === 'object' && unknown !== null ? Object.values(unknown).some(isTrueSomewhere) : false);

/** The top-level attributes an update changes (a different value, or one that becomes unknown). */
function changedAttributes(change: FullResourceChange['change']): string[] {
  const before = (change.before ?? {}) as Record<string, Value>;
  const after = (change.after ?? {}) as Record<string, Value>;
  const unknown = (change.after_unknown ?? {}) as Record<string, Unknown>;
  const keys = new Set([...Object.keys(before), ...Object.keys(after), ...Object.keys(unknown)]);
  return [...keys].filter((k) => isTrueSomewhere(unknown[k]) || JSON.stringify(withoutEmpty(before[k])) !== JSON.stringify(withoutEmpty(after[k]))).sort();
}

/** null, {} and [] count as the same absent value (Terraform's own plan output hides such changes too). */
function withoutEmpty(value: Value | undefined): Value | undefined {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) {
    const items = value.map(withoutEmpty);
    return items.every((i) => i === undefined) ? undefined : items.map((i) => (i === undefined ? null : i));
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => [k, withoutEmpty(v)] as const).filter(([, v]) => v !== undefined);
    return entries.length === 0 ? undefined : (Object.fromEntries(entries) as Value);
  }
  return value;
}

/** `["ingress", 0, "cidr_blocks"]` → `ingress[0].cidr_blocks`. */
const formatPath = (p: Array<string | number>): string => p.map((step, i) => (typeof step === 'number' ? `[${step}]` : i === 0 ? step : `.${step}`)).join('');

/** The managed-resource changes of a plan, sorted: replace, destroy, change, add; stateful first within each; then by address. */
export function classifyChanges(planJson: FullPlanJson, uncertain: readonly string[] = []): ResourceChangeInfo[] {
  const out: ResourceChangeInfo[] = [];
  for (const rc of planJson.resource_changes ?? []) {
    if (rc.mode !== 'managed') continue;
    const action = actionOf(rc.change.actions);
    if (!action) continue;
    const stateful = Object.prototype.hasOwnProperty.call(STATEFUL_RESOURCE_TYPES, rc.type) ? STATEFUL_RESOURCE_TYPES[rc.type] : undefined;
    const attributes = action === 'update' ? changedAttributes(rc.change) : action === 'replace' ? (rc.change.replace_paths ?? []).map(formatPath).sort() : [];
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

async function planJson(stackDir: string, cliConfig: string, out: string): Promise<FullPlanJson> {
  await plan(stackDir, { cliConfig, out, refresh: false });
  return (await showPlanJson(stackDir, out, { cliConfig })) as unknown as FullPlanJson;
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
  const config = readJson<TerraformJsonConfig>(path.join(currentDir, 'cdk.tf.json'));
  const simulated = simulateState(currentPlan, config, schemas, stack);
  let state: TerraformState = simulated.state;
  let uncertain: string[] = [];
  let targetPlan: FullPlanJson | undefined;
  let rounds = 0;
  while (rounds < MAX_ROUNDS) {
    rounds += 1;
    for (const dir of [currentDir, targetDir]) fs.writeFileSync(localStateFile(dir), `${JSON.stringify(state, null, 1)}\n`);
    onStep?.(rounds === 1 ? 'plan target + check' : `plan target + check (round ${rounds})`);
    const [check, target] = await Promise.all([planJson(currentDir, cliConfig, 'check.tfplan'), planJson(targetDir, cliConfig, 'target.tfplan')]);
    targetPlan = target;
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
  const destroyed: FullPlanJson = {
    ...current,
    resource_changes: (current.resource_changes ?? []).map((rc) => ({ ...rc, change: { ...rc.change, actions: ['delete'] } })),
  };
  return { stack: path.basename(currentDir), method: 'removed-stack', changes: classifyChanges(destroyed), uncertain: [], unresolved: [], seconds: (Date.now() - started) / 1000 };
}

/** The target stage planned against the stack's real state (AWS credentials, S3 backend when `state` is given). */
export async function planLive(targetDir: string, options: SimulateOptions & { state?: StateLocation }): Promise<StackPromotion> {
  const started = Date.now();
  const result = await planStackJson(targetDir, {
    cliConfig: options.cliConfig,
    offline: false,
    planFile: 'target.tfplan',
    state: options.state,
    onStep: (step) => options.onStep?.(step === 'plan' ? 'plan target (live state)' : step),
  });
  return {
    stack: path.basename(targetDir),
    method: 'live',
    changes: classifyChanges(result.json as unknown as FullPlanJson),
    uncertain: [],
    unresolved: [],
    seconds: (Date.now() - started) / 1000,
  };
}

/** True when two synthesized stack dirs hold the same configuration (CDKTF metadata aside). */
export function sameConfiguration(currentDir: string, targetDir: string): boolean {
  return normalizedConfig(currentDir) === normalizedConfig(targetDir);
}

// ---------------------------------------------------------------------------
// Safety decision and report
// ---------------------------------------------------------------------------

/** Which stateful replacements and destructions the user accepted by name. */
export interface Allowances {
  replace: readonly string[];
  destroy: readonly string[];
  /** `--allow-data-loss`: every stateful replacement and destruction. */
  all: boolean;
}

/** A stateful replacement or destruction that no flag allows. */
export interface Refusal {
  stack: string;
  change: ResourceChangeInfo;
  /** The flag that would allow it. */
  flag: string;
}

/** Stateful replacements and destructions not allowed by a named flag. */
export function refusals(promotions: readonly StackPromotion[], allow: Allowances): Refusal[] {
  const out: Refusal[] = [];
  for (const p of promotions) {
    for (const change of p.changes) {
      if (!change.stateful || (change.action !== 'replace' && change.action !== 'delete') || allow.all) continue;
      const list = change.action === 'replace' ? allow.replace : allow.destroy;
      if (list.includes(change.address)) continue;
      out.push({ stack: p.stack, change, flag: `--allow-${change.action === 'replace' ? 'replace' : 'destroy'}=${change.address}` });
    }
  }
  return out;
}

const SYMBOL: Record<PromotionAction, string> = { replace: '-/+', delete: '  -', update: '  ~', create: '  +' };
const HEADING: Record<PromotionAction, string> = { replace: 'replace', delete: 'destroy', update: 'change', create: 'add' };
const LABEL: Record<PromotionAction, string> = { create: 'to add', update: 'to change', replace: 'to replace', delete: 'to destroy' };

/** "126 to add, 1 to change", stateful replacements/destructions counted separately. */
export function describePromotion(p: StackPromotion): string {
  const counts = (['create', 'update', 'replace', 'delete'] as const).map((a) => [a, p.changes.filter((c) => c.action === a).length] as const).filter(([, n]) => n > 0);
  if (counts.length === 0) return 'no changes';
  const risky = p.changes.filter((c) => c.stateful && (c.action === 'replace' || c.action === 'delete')).length;
  return `${counts.map(([a, n]) => `${n} ${LABEL[a]}`).join(', ')}${risky ? ` (${risky} stateful replaced or destroyed)` : ''}`;
}

/** The per-stack report: a headline, then replace / destroy / change / add lists by address, stateful resources first and flagged. */
export function formatPromotion(p: StackPromotion): string {
  const how =
    p.method === 'simulated'
      ? `planned against a state simulated from the current stage (${p.simulatedResources} resources, ${p.rounds} round${p.rounds === 1 ? '' : 's'})`
      : p.method === 'live'
        ? 'planned against the real state'
        : p.method === 'identical'
          ? 'same configuration at both stages'
          : p.method === 'new-stack'
            ? 'new stack'
            : 'stack removed at the target stage';
  const lines = [`${p.stack}: ${describePromotion(p)}`, `  (${how})`];
  if (p.uncertain.length > 0) {
    lines.push(`  note: the simulated state still differs from the current stage for ${p.uncertain.join(', ')}; changes marked "uncertain" may be artifacts of the simulation`);
  }
  for (const action of ['replace', 'delete', 'update', 'create'] as const) {
    const changes = p.changes.filter((c) => c.action === action);
    if (changes.length === 0) continue;
    lines.push(`  ${HEADING[action]} (${changes.length}):`);
    for (const c of changes) {
      const detail = c.attributes.length ? (action === 'replace' ? `  forced by: ${c.attributes.join(', ')}` : `  ${c.attributes.join(', ')}`) : '';
      const flag = c.stateful && (action === 'replace' || action === 'delete') ? `  [STATEFUL: ${c.stateful}]` : c.stateful ? '  [stateful]' : '';
      lines.push(`  ${SYMBOL[action]} ${c.address}${flag}${detail}${c.uncertain ? '  (uncertain)' : ''}`);
    }
  }
  return lines.join('\n');
}

/** The refusal message: each stateful replacement or destruction with the flag that would allow it. */
export function formatRefusals(refused: readonly Refusal[], file: string): string {
  return [
    `refused: the promotion would replace or destroy ${refused.length} stateful resource${refused.length === 1 ? '' : 's'} (their data would be lost):`,
    ...refused.map((r) => `  ${r.change.action === 'replace' ? '-/+' : '  -'} ${r.change.address} (${r.stack}: ${r.change.stateful})  allow with ${r.flag}`),
    `${file} was not changed. Back up the data first, then repeat with the flags above (or --allow-data-loss for all of them).`,
  ].join('\n');
}
