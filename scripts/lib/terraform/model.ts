/**
 * The one Terraform JSON model of the delivery scripts: the configuration CDKTF writes (cdk.tf.json), the
 * plan Terraform shows (`terraform show -json <plan>`), what a plan does to a resource (its action) and which
 * attributes it changes. Plan, plan summary, promote, deploy and diff all read Terraform's JSON through these
 * types and functions; nothing here runs Terraform (see ./runner.ts).
 *
 * Reference: https://developer.hashicorp.com/terraform/internals/json-format (format_version 1.x).
 */

// ---------------------------------------------------------------------------
// JSON values
// ---------------------------------------------------------------------------

/** A JSON value as Terraform hands it around (attribute values, configuration). */
export type Value = null | boolean | number | string | Value[] | { [key: string]: Value };

/** `after_unknown`: `true` where a value is unknown until apply, the same structure elsewhere. */
export type Unknown = boolean | Unknown[] | { [key: string]: Unknown };

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

// ---------------------------------------------------------------------------
// Configuration (cdk.tf.json)
// ---------------------------------------------------------------------------

/** A synthesized stack's configuration (cdk.tf.json), with the parts the scripts read. */
export interface TerraformConfig {
  /** `terraform { backend, required_providers, ... }`. */
  terraform?: {
    backend?: Record<string, Record<string, unknown>>;
    required_providers?: Record<string, { source?: string; version?: string }>;
    [key: string]: unknown;
  };
  /** Provider blocks by name: one object, or a list (the default block and each alias). */
  provider?: Record<string, Record<string, unknown> | Array<Record<string, unknown>>>;
  /** Resources by type and name (the address is `<type>.<name>`). */
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  [key: string]: unknown;
}

/** One configured resource with its address. */
export interface ConfiguredResource {
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly body: Record<string, unknown>;
}

/** Every managed resource of a configuration, by address (`type.name`), in file order. */
export function configuredResources(config: TerraformConfig): ConfiguredResource[] {
  return Object.entries(config.resource ?? {}).flatMap(([type, byName]) =>
    Object.entries(byName).map(([name, body]) => ({ address: `${type}.${name}`, type, name, body })),
  );
}

/** The provider blocks named `name` (default first, then aliases), whichever form the configuration uses. */
export function providerBlocks(config: TerraformConfig, name = 'aws'): Array<Record<string, unknown>> {
  return [config.provider?.[name] ?? []].flat();
}

/** The backend a configuration declares (`{ type: 's3', config }`), or undefined for Terraform's default local state. */
export function backendOf(config: TerraformConfig): { type: string; config: Record<string, unknown> } | undefined {
  const [type] = Object.keys(config.terraform?.backend ?? {});
  return type ? { type, config: config.terraform!.backend![type] } : undefined;
}

// ---------------------------------------------------------------------------
// Plan (`terraform show -json <plan>`)
// ---------------------------------------------------------------------------

/** One entry of `resource_changes` (or `resource_drift`). */
export interface ResourceChange {
  address: string;
  mode: 'managed' | 'data';
  type: string;
  name?: string;
  index?: string | number;
  provider_name?: string;
  /** Why Terraform chose this action, e.g. "replace_because_cannot_update", "delete_because_no_resource_config". */
  action_reason?: string;
  change: {
    /** Terraform's actions: ["create"], ["update"], ["delete","create"] (a replacement), ["no-op"], ["read"], ["forget"]. */
    actions: string[];
    before?: Value | null;
    after?: Value | null;
    after_unknown?: Unknown;
    /** Attribute paths that force the replacement. */
    replace_paths?: Array<Array<string | number>>;
  };
}

/** A resource's planned values (`planned_values.root_module.resources`). */
export interface PlannedResource {
  address: string;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  index?: string | number;
  provider_name: string;
  schema_version?: number;
  values: Record<string, Value>;
}

export interface PlannedModule {
  resources?: PlannedResource[];
  child_modules?: PlannedModule[];
}

/** A resource of the plan's `configuration` section. */
export interface ConfigResource {
  address: string;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  provider_config_key?: string;
  schema_version?: number;
}

/** Terraform's JSON plan representation, with the parts the scripts read. */
export interface PlanJson {
  format_version: string;
  terraform_version?: string;
  planned_values?: { root_module?: PlannedModule };
  resource_changes?: ResourceChange[];
  /** Changes made outside Terraform, found while refreshing. */
  resource_drift?: ResourceChange[];
  configuration?: { root_module?: { resources?: ConfigResource[] } };
  /** False when the plan cannot be applied (e.g. it errored). */
  applyable?: boolean;
}

// ---------------------------------------------------------------------------
// Actions
// ---------------------------------------------------------------------------

/** What a plan does to one resource, in the words the scripts use. */
export type ChangeAction = 'create' | 'update' | 'replace' | 'delete' | 'no-op' | 'forget' | 'read';

/** The actions that change managed infrastructure (what a plan summary counts). */
export type ManagedChange = Exclude<ChangeAction, 'no-op' | 'read'>;

/**
 * Terraform's action list → one action: both "create" and "delete" (in either order) is a replacement;
 * otherwise the single action. An empty list counts as "no-op".
 */
export function actionOf(actions: readonly string[]): ChangeAction {
  if (actions.includes('create') && actions.includes('delete')) return 'replace';
  return (actions[0] ?? 'no-op') as ChangeAction;
}

/** The managed-resource changes of a plan (data sources left out); `drift` reads `resource_drift` instead. */
export function managedChanges(plan: PlanJson, drift = false): ResourceChange[] {
  return ((drift ? plan.resource_drift : plan.resource_changes) ?? []).filter((c) => c.mode === 'managed');
}

// ---------------------------------------------------------------------------
// Changed attributes
// ---------------------------------------------------------------------------

/** `["ingress", 0, "cidr_blocks"]` → `ingress[0].cidr_blocks`. */
export function formatPath(parts: ReadonlyArray<string | number>): string {
  return parts.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** True when an `after_unknown` value marks anything at or below it as unknown. */
export function isUnknownSomewhere(unknown: Unknown | undefined): boolean {
  if (unknown === true) return true;
  if (Array.isArray(unknown)) return unknown.some(isUnknownSomewhere);
  return isObject(unknown) ? Object.values(unknown).some(isUnknownSomewhere) : false;
}

/** null, {} and [] count as the same absent value (Terraform's own plan output hides such changes too). */
function withoutEmpty(value: Value | undefined): Value | undefined {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) {
    const items = value.map(withoutEmpty);
    return items.every((i) => i === undefined) ? undefined : items.map((i) => (i === undefined ? null : i));
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value)
      .map(([k, v]) => [k, withoutEmpty(v)] as const)
      .filter(([, v]) => v !== undefined);
    return entries.length === 0 ? undefined : (Object.fromEntries(entries) as Value);
  }
  return value;
}

/**
 * The top-level attributes an update changes: a different value (null, {} and [] being the same absent
 * value), or one that becomes unknown. Sorted. Empty when before or after is not an object.
 */
export function changedAttributes(change: ResourceChange['change']): string[] {
  const before = change.before ?? {};
  const after = change.after ?? {};
  if (!isObject(before) || !isObject(after)) return [];
  const unknown = (isObject(change.after_unknown) ? change.after_unknown : {}) as Record<string, Unknown>;
  const keys = new Set([...Object.keys(before), ...Object.keys(after), ...Object.keys(unknown)]);
  return [...keys]
    .filter((key) => isUnknownSomewhere(unknown[key]) || JSON.stringify(withoutEmpty(before[key] as Value)) !== JSON.stringify(withoutEmpty(after[key] as Value)))
    .sort();
}

/** The attribute paths that force a replacement (`replace_paths`), formatted, unique and sorted. */
export function replacePaths(change: ResourceChange['change']): string[] {
  return [...new Set((change.replace_paths ?? []).map(formatPath))].sort();
}

/**
 * The attributes worth naming for a change: for a replacement the paths that force it, for an update the
 * attributes that change, otherwise none.
 */
export function attributesOf(change: ResourceChange): string[] {
  const action = actionOf(change.change.actions);
  if (action === 'replace') return replacePaths(change.change);
  if (action === 'update') return changedAttributes(change.change);
  return [];
}
