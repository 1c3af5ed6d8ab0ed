/**
 * A Terraform state (format v4) simulated from a plan, so a promotion can be
 * planned offline against "the current stage as if it were applied".
 *
 * Input: the JSON plan of the current stage from an empty state, its
 * cdk.tf.json, and the provider schemas (`terraform providers schema -json`).
 * Every planned resource becomes a state entry. Values the plan knows are
 * copied. Values it leaves unknown ("known after apply") are filled:
 *
 * 1. when the configuration sets the attribute from an expression, the
 *    expression is evaluated against the simulated values of the resources it
 *    references (./expr.ts), so `records = [aws_eip.ip.public_ip]` holds
 *    exactly the simulated IP, as it would after an apply;
 * 2. otherwise (a computed attribute such as `id` or `arn`) with a placeholder
 *    chosen by the attribute's type in the provider schema: unique strings
 *    shaped like the real thing where validators care (`arn:aws:...`, `sg-...`,
 *    IP addresses), 0, false, one-element lists and sets (so `tolist(x).0`
 *    resolves), empty maps, empty nested blocks.
 *
 * The root outputs are evaluated the same way from their expressions, so the
 * state holds what an apply would have left (an output the evaluator cannot
 * compute is left out, and Terraform plans it).
 *
 * What the evaluator cannot compute falls back to a placeholder; planning the
 * current configuration against the state then shows the difference, and
 * {@link foldPlanIntoState} takes Terraform's own values back into the state
 * (a fixpoint, see ./plan.ts).
 */
import { createHash } from 'node:crypto';
import { providerBlocks, type ConfigResource, type PlanJson, type PlannedModule, type PlannedResource, type ResourceChange, type TerraformConfig, type Unknown, type Value } from '../terraform/model';
import { evaluateRaw, UnsupportedExpression } from './expr';

// ---------------------------------------------------------------------------
// Terraform JSON shapes (the parts used here)
// ---------------------------------------------------------------------------

/** A cty type as `terraform providers schema -json` writes it. */
export type CtyType = string | [string, CtyType] | ['object', Record<string, CtyType>] | ['tuple', CtyType[]];

export interface SchemaAttribute {
  type?: CtyType;
  nested_type?: { attributes: Record<string, SchemaAttribute>; nesting_mode: string };
  computed?: boolean;
  optional?: boolean;
  required?: boolean;
  sensitive?: boolean;
}

export interface SchemaBlockType {
  nesting_mode: 'single' | 'group' | 'list' | 'set' | 'map';
  block: SchemaBlock;
  min_items?: number;
  max_items?: number;
}

export interface SchemaBlock {
  attributes?: Record<string, SchemaAttribute>;
  block_types?: Record<string, SchemaBlockType>;
}

export interface ResourceSchema {
  version: number;
  block: SchemaBlock;
}

/** Output of `terraform providers schema -json`. */
export interface ProvidersSchema {
  provider_schemas: Record<string, { resource_schemas?: Record<string, ResourceSchema> }>;
}

/** The Terraform JSON shapes of ../terraform/model.ts, under the names this module has always used. */
export type FullPlanJson = PlanJson;
export type FullResourceChange = ResourceChange;
export type TerraformJsonConfig = TerraformConfig;
export type { ConfigResource, PlannedModule, PlannedResource, Unknown };

export interface StateInstance {
  index_key?: string | number;
  schema_version: number;
  attributes: Record<string, Value>;
  sensitive_attributes: unknown[];
}

export interface StateResource {
  mode: 'managed';
  type: string;
  name: string;
  provider: string;
  instances: StateInstance[];
}

/** A root output in a version 4 state. */
export interface StateOutput {
  value: Value;
  /** The value's type in cty's JSON form (`"string"`, `["object", {...}]`, `["tuple", [...]]`). */
  type: unknown;
  sensitive?: true;
}

/**
 * The type Terraform gives a value of a JSON configuration: strings, numbers and bools as such, objects as object
 * types, arrays as tuples. `undefined` when the value holds a null (its type cannot be told from the value).
 */
export function ctyTypeOf(value: Value): unknown {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'bool';
  if (Array.isArray(value)) {
    const items = value.map(ctyTypeOf);
    return items.some((t) => t === undefined) ? undefined : ['tuple', items];
  }
  if (isObject(value)) {
    const attributes: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const t = ctyTypeOf(value[key]);
      if (t === undefined) return undefined;
      attributes[key] = t;
    }
    return ['object', attributes];
  }
  return undefined;
}

/** Terraform state, format version 4. */
export interface TerraformState {
  version: 4;
  terraform_version: string;
  serial: number;
  lineage: string;
  outputs: Record<string, StateOutput>;
  resources: StateResource[];
  check_results: null;
}

/** Result of {@link simulateState}. */
export interface SimulatedState {
  state: TerraformState;
  /** "address: attribute" of every configured value the evaluator could not compute (filled with a placeholder). */
  unresolved: string[];
}

const AWS_PROVIDER = 'registry.terraform.io/hashicorp/aws';
const SIMULATED_ACCOUNT = '123456789012';

// ---------------------------------------------------------------------------
// Placeholders
// ---------------------------------------------------------------------------

const hash = (text: string, length = 17): string => createHash('sha256').update(text).digest('hex').slice(0, length);

/** AWS id prefixes, so the placeholders look like the ids they stand for. */
const ID_PREFIXES: Record<string, string> = {
  aws_vpc: 'vpc-',
  aws_subnet: 'subnet-',
  aws_security_group: 'sg-',
  aws_default_security_group: 'sg-',
  aws_instance: 'i-',
  aws_ebs_volume: 'vol-',
  aws_internet_gateway: 'igw-',
  aws_route_table: 'rtb-',
  aws_eip: 'eipalloc-',
  aws_nat_gateway: 'nat-',
  aws_vpc_endpoint: 'vpce-',
  aws_network_interface: 'eni-',
  aws_flow_log: 'fl-',
  aws_network_acl: 'acl-',
  aws_vpc_security_group_ingress_rule: 'sgr-',
  aws_vpc_security_group_egress_rule: 'sgr-',
  aws_kms_key: '',
};

/** Service part of a placeholder ARN, from the resource type. */
function arnService(type: string): string {
  const part = type.replace(/^aws_/, '').split('_')[0];
  const services: Record<string, string> = { cloudwatch: 'logs', alb: 'elasticloadbalancing', lb: 'elasticloadbalancing', db: 'rds', opensearch: 'es', vpc: 'ec2', default: 'ec2', subnet: 'ec2', security: 'ec2', instance: 'ec2', eip: 'ec2', ebs: 'ec2', route: 'ec2', internet: 'ec2', nat: 'ec2', flow: 'ec2', appautoscaling: 'application-autoscaling' };
  return services[part] ?? part;
}

interface FillContext {
  address: string;
  type: string;
  region: string;
}

/**
 * A placeholder for an unknown value of a cty type; `path` names the attribute
 * (for shape and uniqueness). `optional`: the attribute is Optional+Computed and
 * not configured, so a plain string gets the provider's usual "not set" value
 * "" rather than a made-up one (providers check such values in CustomizeDiff,
 * e.g. an SNS topic's FIFO throughput scope, a target group's protocol version).
 */
export function placeholder(type: CtyType | undefined, path: string[], ctx: FillContext, optional = false): Value {
  const seed = `${ctx.address}:${path.join('.')}`;
  if (type === undefined || type === 'dynamic') return `sim-${hash(seed, 10)}`;
  if (type === 'string') return placeholderString(path, ctx, seed, optional);
  if (type === 'number') return /port$/.test(path[path.length - 1] ?? '') ? 443 : 0;
  if (type === 'bool') return false;
  const [kind, inner] = type as [string, unknown];
  if (kind === 'list' || kind === 'set') return [placeholder(inner as CtyType, [...path, '0'], ctx)];
  if (kind === 'map') return {};
  if (kind === 'object') {
    return Object.fromEntries(Object.entries(inner as Record<string, CtyType>).map(([key, t]) => [key, placeholder(t, [...path, key], ctx)]));
  }
  if (kind === 'tuple') return (inner as CtyType[]).map((t, i) => placeholder(t, [...path, String(i)], ctx));
  return null;
}

function placeholderString(path: string[], ctx: FillContext, seed: string, optional: boolean): string {
  const name = [...path].reverse().find((part) => !/^\d+$/.test(part)) ?? '';
  const h = hash(seed);
  if (name === 'arn' || name.endsWith('_arn')) {
    return `arn:aws:${arnService(ctx.type)}:${ctx.region}:${SIMULATED_ACCOUNT}:${ctx.type.replace(/^aws_/, '')}/sim-${h}`;
  }
  if (name === 'id' && path.length === 1) return `${ID_PREFIXES[ctx.type] ?? 'sim-'}${h}`;
  if (/(^|_)ipv6(_address)?$/.test(name)) return `2001:db8::${h.slice(0, 4)}`;
  if (/(^|_)ip$|_ip_address$|^ip_address$/.test(name)) {
    const n = parseInt(h.slice(0, 4), 16);
    return name.startsWith('public') ? `203.0.113.${(n % 254) + 1}` : `10.255.${(n >> 8) % 256}.${(n % 254) + 1}`;
  }
  if (/(^|_)(dns|dns_name|domain_name|fqdn|hostname|endpoint|address|domain_endpoint)$/.test(name)) return `sim-${h}.example.com`;
  // Validated enumerations that a computed value feeds (DNS validation records of ACM certificates).
  if (name === 'resource_record_type' || name === 'record_type') return 'CNAME';
  if (/(^|_)zone_id$/.test(name)) return `Z${h.toUpperCase().slice(0, 13)}`;
  if (name === 'url' || name.endsWith('_url')) return `https://sim-${h}.example.com/`;
  return optional ? '' : `sim-${h}`;
}

// ---------------------------------------------------------------------------
// Filling a resource
// ---------------------------------------------------------------------------

/** Marker: every attribute of the (raw-configured) block is unknown. */
const ALL_UNKNOWN = true;

class Simulator {
  private readonly planned = new Map<string, PlannedResource>();
  private readonly unknowns = new Map<string, Unknown>();
  private readonly configResources = new Map<string, ConfigResource>();
  private readonly regions: Map<string, string>;
  private readonly done = new Map<string, Record<string, Value>>();
  private readonly inProgress = new Set<string>();
  readonly unresolved: string[] = [];

  constructor(
    plan: FullPlanJson,
    private readonly config: TerraformJsonConfig,
    private readonly schemas: Record<string, ResourceSchema>,
  ) {
    const walk = (module: PlannedModule | undefined): void => {
      for (const r of module?.resources ?? []) if (r.mode === 'managed') this.planned.set(r.address, r);
      for (const child of module?.child_modules ?? []) walk(child);
    };
    walk(plan.planned_values?.root_module);
    for (const change of plan.resource_changes ?? []) if (change.change.after_unknown !== undefined) this.unknowns.set(change.address, change.change.after_unknown);
    for (const r of plan.configuration?.root_module?.resources ?? []) this.configResources.set(r.address, r);
    this.regions = providerRegions(config);
  }

  addresses(): string[] {
    return [...this.planned.keys()];
  }

  plannedResource(address: string): PlannedResource {
    return this.planned.get(address)!;
  }

  providerKey(address: string): string {
    const r = this.planned.get(address)!;
    return this.configResources.get(baseAddress(r))?.provider_config_key ?? 'aws';
  }

  schemaVersion(address: string): number {
    const r = this.planned.get(address)!;
    return r.schema_version ?? this.configResources.get(baseAddress(r))?.schema_version ?? this.schemas[r.type]?.version ?? 0;
  }

  /** Simulated attributes of a resource (memoized; references are resolved recursively). */
  attributes(address: string): Record<string, Value> {
    const cached = this.done.get(address);
    if (cached) return cached;
    if (this.inProgress.has(address)) throw new UnsupportedExpression(`reference cycle through ${address}`);
    const resource = this.planned.get(address);
    if (!resource) throw new UnsupportedExpression(`${address} is not in the plan`);
    const schema = this.schemas[resource.type];
    if (!schema) throw new Error(`the provider schema has no resource type ${resource.type} (${address})`);
    this.inProgress.add(address);
    try {
      const providerKey = this.providerKey(address);
      const ctx: FillContext = { address, type: resource.type, region: this.regions.get(providerKey) ?? this.regions.get('aws') ?? 'us-east-1' };
      const raw = rawConfigOf(this.config, resource);
      const attributes = this.fillBlock(resource.values, this.unknowns.get(address) ?? false, raw, schema.block, [], ctx) as Record<string, Value>;
      this.done.set(address, attributes);
      return attributes;
    } finally {
      this.inProgress.delete(address);
    }
  }

  private resolver = (type: string, name: string): Value => this.attributes(`${type}.${name}`);

  /**
   * The root outputs a state of this configuration holds (state format 4: value, type, sensitive), each evaluated
   * from its configured expression against the simulated resources. Without them the check plan always "changes"
   * (every output to create) and costs a `terraform show`. An output the evaluator cannot compute, or whose value
   * holds a null, is left out: Terraform then plans it and the check plan shows it, as before.
   */
  outputs(): Record<string, StateOutput> {
    const out: Record<string, StateOutput> = {};
    const configured = (this.config.output ?? {}) as Record<string, { value?: unknown; sensitive?: boolean }>;
    for (const name of Object.keys(configured).sort()) {
      let value: Value;
      try {
        value = evaluateRaw(configured[name].value, this.resolver);
      } catch (error) {
        if (!(error instanceof UnsupportedExpression)) throw error;
        continue;
      }
      const type = ctyTypeOf(value);
      if (type === undefined) continue;
      out[name] = { value, type, ...(configured[name].sensitive ? { sensitive: true } : {}) };
    }
    return out;
  }

  /** Evaluates a configured expression; on failure records it and returns undefined. */
  private evaluate(raw: unknown, path: string[], ctx: FillContext): Value | undefined {
    try {
      return evaluateRaw(raw, this.resolver);
    } catch (error) {
      if (!(error instanceof UnsupportedExpression)) throw error;
      this.unresolved.push(`${ctx.address}: ${path.join('.')} (${error.message})`);
      return undefined;
    }
  }

  private fillBlock(value: Value | undefined, unknown: Unknown, raw: unknown, block: SchemaBlock, path: string[], ctx: FillContext): Value {
    const known = isObject(value) ? value : {};
    const rawObject = isObject(raw as Value) ? (raw as Record<string, unknown>) : {};
    const out: Record<string, Value> = {};
    for (const [name, attribute] of Object.entries(block.attributes ?? {})) {
      const u = unknown === true ? ALL_UNKNOWN : isObject(unknown) ? (unknown as Record<string, Unknown>)[name] : undefined;
      out[name] = this.fillAttribute(known[name], u ?? false, rawObject[name], attribute, [...path, name], ctx);
    }
    for (const [name, blockType] of Object.entries(block.block_types ?? {})) {
      const u = unknown === true ? ALL_UNKNOWN : isObject(unknown) ? (unknown as Record<string, Unknown>)[name] : undefined;
      out[name] = this.fillNestedBlock(known[name], u ?? false, rawObject[name], blockType, [...path, name], ctx);
    }
    return out;
  }

  private fillAttribute(value: Value | undefined, unknown: Unknown, raw: unknown, attribute: SchemaAttribute, path: string[], ctx: FillContext): Value {
    if (attribute.nested_type) {
      const asBlock: SchemaBlockType = { nesting_mode: attribute.nested_type.nesting_mode as SchemaBlockType['nesting_mode'], block: { attributes: attribute.nested_type.attributes } };
      return this.fillNestedBlock(value, unknown, raw, asBlock, path, ctx);
    }
    if (unknown === true) {
      if (raw !== undefined) {
        const evaluated = this.evaluate(raw, path, ctx);
        if (evaluated !== undefined) return conform(evaluated, attribute.type);
      }
      if (!attribute.computed && raw === undefined) return null;
      return placeholder(attribute.type, path, ctx, Boolean(attribute.optional) && raw === undefined);
    }
    if (unknown && typeof unknown === 'object') return this.fillTyped(value, unknown, raw, attribute.type, path, ctx);
    return value === undefined ? null : value;
  }

  /** A partially unknown value of a cty type (a list with an unknown element, an object with an unknown attribute). */
  private fillTyped(value: Value | undefined, unknown: Unknown, raw: unknown, type: CtyType | undefined, path: string[], ctx: FillContext): Value {
    if (unknown === true) {
      if (raw !== undefined) {
        const evaluated = this.evaluate(raw, path, ctx);
        if (evaluated !== undefined) return conform(evaluated, type);
      }
      return placeholder(type, path, ctx);
    }
    if (!unknown || typeof unknown !== 'object') return value === undefined ? null : value;
    const [kind, inner] = Array.isArray(type) ? (type as [string, unknown]) : ['', undefined];
    if (Array.isArray(unknown)) {
      const items = Array.isArray(value) ? value : [];
      const rawItems = Array.isArray(raw) ? raw : [];
      return unknown.map((u, i) => this.fillTyped(items[i], u, rawItems[i], kind === 'tuple' ? (inner as CtyType[])[i] : (inner as CtyType), [...path, String(i)], ctx));
    }
    const object = isObject(value) ? value : {};
    const rawObject = isObject(raw as Value) ? (raw as Record<string, unknown>) : {};
    const keys = new Set([...Object.keys(object), ...Object.keys(unknown)]);
    const out: Record<string, Value> = {};
    for (const key of keys) {
      const t = kind === 'object' ? (inner as Record<string, CtyType>)[key] : (inner as CtyType);
      out[key] = this.fillTyped(object[key], (unknown as Record<string, Unknown>)[key] ?? false, rawObject[key], t, [...path, key], ctx);
    }
    return out;
  }

  private fillNestedBlock(value: Value | undefined, unknown: Unknown, raw: unknown, blockType: SchemaBlockType, path: string[], ctx: FillContext): Value {
    const single = blockType.nesting_mode === 'single' || blockType.nesting_mode === 'group';
    if (unknown === true) {
      // The whole block is unknown: build it from the configuration when there is one, else leave it empty.
      if (raw === undefined || raw === null) return single ? null : blockType.nesting_mode === 'map' ? {} : [];
      const rawItems = single ? [raw] : Array.isArray(raw) ? raw : [raw];
      const items = rawItems.map((item, i) => this.fillBlock(undefined, ALL_UNKNOWN, item, blockType.block, single ? path : [...path, String(i)], ctx));
      return single ? items[0] : items;
    }
    if (single) {
      if (value === null || value === undefined) return null;
      return this.fillBlock(value, unknown, raw, blockType.block, path, ctx);
    }
    if (blockType.nesting_mode === 'map') return value ?? {};
    const items = Array.isArray(value) ? value : [];
    const unknownItems = Array.isArray(unknown) ? unknown : [];
    const rawItems = Array.isArray(raw) ? raw : raw !== undefined && raw !== null ? [raw] : [];
    return items.map((item, i) => this.fillBlock(item, unknownItems[i] ?? false, rawItems[i], blockType.block, [...path, String(i)], ctx));
  }
}

const isObject = (value: Value | Unknown | undefined): value is Record<string, Value> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Coerces an evaluated value to the attribute's type the way Terraform converts config values (numbers from strings, objects get every attribute). */
function conform(value: Value, type: CtyType | undefined): Value {
  if (type === undefined || value === null) return value;
  if (type === 'string') return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
  if (type === 'number') return typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)) ? Number(value) : value;
  if (type === 'bool') return value === 'true' ? true : value === 'false' ? false : value;
  const [kind, inner] = type as [string, unknown];
  if ((kind === 'list' || kind === 'set') && Array.isArray(value)) return value.map((v) => conform(v, inner as CtyType));
  if (kind === 'map' && isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, conform(v, inner as CtyType)]));
  if (kind === 'object' && isObject(value)) {
    return Object.fromEntries(Object.entries(inner as Record<string, CtyType>).map(([k, t]) => [k, conform(value[k] ?? null, t)]));
  }
  return value;
}

/** One step of a state path, as Terraform 1.x writes `sensitive_attributes`. */
type PathStep = { type: 'get_attr'; value: string } | { type: 'index'; value: { value: string | number; type: 'string' | 'number' } };

/**
 * The paths Terraform marks sensitive from the schema (attributes with
 * `sensitive: true`, inside nested blocks per element). The state must list
 * them: a prior state without the marks plans as an in-place "update" of the
 * sensitivity, with no value changing.
 */
export function sensitivePaths(block: SchemaBlock, value: Value, prefix: PathStep[] = []): PathStep[][] {
  const paths: PathStep[][] = [];
  const object = isObject(value) ? value : {};
  for (const [name, attribute] of Object.entries(block.attributes ?? {})) {
    if (attribute.sensitive) paths.push([...prefix, { type: 'get_attr', value: name }]);
  }
  for (const [name, blockType] of Object.entries(block.block_types ?? {})) {
    const nested = object[name];
    const at: PathStep[] = [...prefix, { type: 'get_attr', value: name }];
    if (blockType.nesting_mode === 'single' || blockType.nesting_mode === 'group') {
      if (isObject(nested)) paths.push(...sensitivePaths(blockType.block, nested, at));
    } else if (blockType.nesting_mode === 'list' && Array.isArray(nested)) {
      nested.forEach((item, i) => paths.push(...sensitivePaths(blockType.block, item, [...at, { type: 'index', value: { value: i, type: 'number' } }])));
    } else if (blockType.nesting_mode === 'map' && isObject(nested)) {
      for (const [key, item] of Object.entries(nested)) paths.push(...sensitivePaths(blockType.block, item, [...at, { type: 'index', value: { value: key, type: 'string' } }]));
    }
    // Set elements are addressed by value; Terraform does not record marks inside sets this way.
  }
  return paths;
}

/** Region of each provider configuration key ("aws", "aws.us_east_1") from the provider blocks. */
function providerRegions(config: TerraformJsonConfig): Map<string, string> {
  const regions = new Map<string, string>();
  for (const block of providerBlocks(config)) {
    const region = typeof block.region === 'string' ? block.region : 'us-east-1';
    regions.set(typeof block.alias === 'string' ? `aws.${block.alias}` : 'aws', region);
  }
  return regions;
}

/** Address without the instance key: `aws_x.y[0]` → `aws_x.y`. */
function baseAddress(r: { type: string; name: string }): string {
  return `${r.type}.${r.name}`;
}

/** The resource's block in cdk.tf.json, or undefined (resources from modules). */
function rawConfigOf(config: TerraformJsonConfig, r: PlannedResource): Record<string, unknown> | undefined {
  // count/for_each instances would need count.index / each.key: not evaluated.
  return r.index === undefined ? config.resource?.[r.type]?.[r.name] : undefined;
}

/** The state's provider address for a configuration key: `provider["registry.terraform.io/hashicorp/aws"].us_east_1`. */
export function stateProviderAddress(providerName: string, providerKey: string): string {
  const alias = providerKey.includes('.') ? providerKey.slice(providerKey.indexOf('.') + 1) : undefined;
  return `provider["${providerName}"]${alias ? `.${alias}` : ''}`;
}

/** The AWS resource schemas of `terraform providers schema -json`. */
export function awsResourceSchemas(schema: ProvidersSchema): Record<string, ResourceSchema> {
  const provider = schema.provider_schemas[AWS_PROVIDER] ?? Object.values(schema.provider_schemas)[0];
  if (!provider?.resource_schemas) throw new Error(`the provider schema has no ${AWS_PROVIDER} resource schemas`);
  return provider.resource_schemas;
}

/**
 * Builds the simulated state: every managed resource of the plan, with
 * unknown values filled (see the file comment). `lineageSeed` makes the
 * lineage deterministic (e.g. the stack name).
 */
export function simulateState(plan: FullPlanJson, config: TerraformJsonConfig, schemas: Record<string, ResourceSchema>, lineageSeed: string): SimulatedState {
  const simulator = new Simulator(plan, config, schemas);
  const byResource = new Map<string, StateResource>();
  for (const address of simulator.addresses().sort()) {
    const r = simulator.plannedResource(address);
    const key = `${r.type}.${r.name}`;
    let entry = byResource.get(key);
    if (!entry) {
      entry = { mode: 'managed', type: r.type, name: r.name, provider: stateProviderAddress(r.provider_name, simulator.providerKey(address)), instances: [] };
      byResource.set(key, entry);
    }
    const attributes = simulator.attributes(address);
    entry.instances.push({
      ...(r.index !== undefined ? { index_key: r.index } : {}),
      schema_version: simulator.schemaVersion(address),
      attributes,
      sensitive_attributes: sensitivePaths(schemas[r.type].block, attributes),
    });
  }
  const h = hash(`simulated:${lineageSeed}`, 32);
  return {
    state: {
      version: 4,
      // `terraform show -json` always names its version; a state needs it.
      terraform_version: plan.terraform_version ?? '0.0.0',
      serial: 1,
      lineage: `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`,
      outputs: simulator.outputs(),
      resources: [...byResource.values()],
      check_results: null,
    },
    unresolved: simulator.unresolved,
  };
}

/** Merges Terraform's planned `after` into an old value: known parts from `after`, unknown parts kept from `old`. */
function mergeKnown(after: Value | undefined, unknown: Unknown | undefined, old: Value | undefined): Value {
  if (unknown === true) return old === undefined ? null : old;
  if (Array.isArray(unknown) && Array.isArray(after)) {
    const oldItems = Array.isArray(old) ? old : [];
    return after.map((item, i) => mergeKnown(item, unknown[i], oldItems[i]));
  }
  if (isObject(unknown as Value) && isObject(after)) {
    const oldObject = isObject(old) ? old : {};
    const keys = new Set([...Object.keys(after), ...Object.keys(unknown as object)]);
    return Object.fromEntries([...keys].map((k) => [k, mergeKnown(after[k], (unknown as Record<string, Unknown>)[k], oldObject[k])]));
  }
  return after === undefined ? (old ?? null) : after;
}

/**
 * One step of the fixpoint: takes a plan of the *same* configuration against
 * the simulated state and writes what Terraform computed (the known parts of
 * each changed resource's `after`) back into the state. Returns the new state
 * (serial + 1) and the addresses that changed; an empty list means the state
 * already matches the configuration.
 */
export function foldPlanIntoState(state: TerraformState, plan: FullPlanJson): { state: TerraformState; changed: string[] } {
  const changes = new Map((plan.resource_changes ?? []).filter((c) => c.mode === 'managed').map((c) => [c.address, c]));
  const changed: string[] = [];
  const resources = state.resources.map((resource) => ({
    ...resource,
    instances: resource.instances.map((instance) => {
      const key = instance.index_key === undefined ? '' : typeof instance.index_key === 'number' ? `[${instance.index_key}]` : `[${JSON.stringify(instance.index_key)}]`;
      const address = `${resource.type}.${resource.name}${key}`;
      const change = changes.get(address);
      if (!change || change.change.actions.every((a) => a === 'no-op' || a === 'read') || !change.change.after) return instance;
      changed.push(address);
      return { ...instance, attributes: mergeKnown(change.change.after, change.change.after_unknown, instance.attributes) as Record<string, Value> };
    }),
  }));
  return { state: { ...state, serial: state.serial + 1, resources }, changed };
}
