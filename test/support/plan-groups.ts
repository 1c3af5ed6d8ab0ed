/**
 * Plan groups for the Terraform tier (test/scripts/terraform.test.ts): several stacks planned by one
 * `terraform plan`, each stack a child module of a generated root, which Terraform supports for testing ("it's
 * sometimes convenient to temporarily call a root module as a child module for testing purposes", its own
 * warning about the stack's backend block says).
 *
 * Why: every Terraform process loads the AWS provider's schema and starts a provider per configuration before
 * it plans anything, some 4-8 CPU-seconds a stack on this machine. One plan of dev's five stacks took 87
 * CPU-seconds, five plans 118; the thirteen stage stacks 86 against 131 (2026-12-05, GOGC=400).
 *
 * What stays the same: each stack's own files (cdk.tf.json and its assets) with the offline override every
 * working copy gets, its own provider blocks (default and aliases), resources, data sources and outputs, and
 * the validation walk `plan` runs first. What a child module would skip, the root puts back: it re-exports
 * every output of every stack with the stack's own `sensitive` flag, so the root-only check (an output that
 * refers to a sensitive value must say so) still applies. The backend is the one thing not exercised, as in
 * every offline plan. The tier also plans one stack on its own, as `npm run plan` does, and requires the same
 * changes as inside its group. A member may bring its own configuration instead of its folder's: the stage
 * stacks do, with stand-ins for the WAF web ACLs an environment stack plans as they are (test/support/stand-ins.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { notCopied, writeOfflineOverride, type TerraformConfig } from '../../scripts/lib/terraform';
import type { ChangeDigest } from '../../scripts/lib/plan-summary';

/** One stack of a group: its module name in the generated root, and its synthesized folder. */
export interface GroupMember {
  /** Module name in the root (a Terraform identifier: letters, digits, `-`, `_`, starting with a letter). */
  readonly module: string;
  /** The stack folder (`<outdir>/stacks/<stack>`), only read. */
  readonly dir: string;
  /** The configuration to plan instead of the folder's cdk.tf.json (stand-ins, test/support/stand-ins.ts). */
  readonly config?: TerraformConfig;
}

const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_-]*$/;

/**
 * Writes the group's root into `groupDir` (a fresh folder): each member copied to `<groupDir>/<module>` with the
 * offline override, a root `cdk.tf.json` calling each as a module and re-exporting its outputs, and the root's
 * own offline override (local backend named `stateName`). The root requires what the members require; members
 * requiring different versions of one provider cannot share a root (an error naming both).
 */
export function writeGroupRoot(groupDir: string, members: readonly GroupMember[], stateName: string): void {
  const required: Record<string, { source?: string; version?: string }> = {};
  const owner: Record<string, string> = {};
  const modules: Record<string, { source: string }> = {};
  const outputs: Record<string, { value: string; sensitive?: boolean }> = {};
  for (const member of members) {
    if (!IDENTIFIER.test(member.module)) throw new Error(`plan group: module name "${member.module}" is not a Terraform identifier`);
    if (modules[member.module]) throw new Error(`plan group: module name "${member.module}" is used twice`);
    const config = member.config ?? (JSON.parse(fs.readFileSync(path.join(member.dir, 'cdk.tf.json'), 'utf8')) as TerraformConfig);
    for (const [name, requirement] of Object.entries(config.terraform?.required_providers ?? {})) {
      if (required[name] && JSON.stringify(required[name]) !== JSON.stringify(requirement)) {
        throw new Error(`plan group: ${member.module} requires ${name} ${JSON.stringify(requirement)}, ${owner[name]} ${JSON.stringify(required[name])}`);
      }
      required[name] = requirement;
      owner[name] ??= member.module;
    }
    const dest = path.join(groupDir, member.module);
    fs.mkdirSync(dest, { recursive: true });
    for (const entry of fs.readdirSync(member.dir)) {
      if (notCopied(entry) || (member.config && entry === 'cdk.tf.json')) continue;
      fs.cpSync(path.join(member.dir, entry), path.join(dest, entry), { recursive: true });
    }
    if (member.config) fs.writeFileSync(path.join(dest, 'cdk.tf.json'), JSON.stringify(member.config, null, 2));
    writeOfflineOverride(dest, member.module);
    modules[member.module] = { source: `./${member.module}` };
    const own = (config.output ?? {}) as Record<string, { sensitive?: boolean }>;
    for (const [name, output] of Object.entries(own)) {
      outputs[`${member.module}__${name}`] = { value: `\${module.${member.module}.${name}}`, ...(output.sensitive ? { sensitive: true } : {}) };
    }
  }
  const root = { terraform: { required_providers: required }, module: modules, ...(Object.keys(outputs).length > 0 ? { output: outputs } : {}) };
  fs.writeFileSync(path.join(groupDir, 'cdk.tf.json'), `${JSON.stringify(root, null, 2)}\n`);
  writeOfflineOverride(groupDir, stateName);
}

/** One event of `terraform plan -json`, with the parts the tier reads. */
export interface PlanEvent {
  type: string;
  diagnostic?: { severity: string; summary: string; detail?: string; address?: string; range?: { filename?: string } };
  changes?: { add: number; change: number; import: number; remove: number };
  change?: { action: string; resource: { addr: string; resource_type: string; module?: string } };
}

export const parseEvents = (stdout: string): PlanEvent[] => stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as PlanEvent);

/** A member's share of a group plan. */
export interface MemberPlan {
  /** Its error diagnostics (summary: detail). */
  readonly errors: string[];
  /** Its planned managed-resource changes, at the addresses they have in the stack itself (no module prefix). */
  readonly changes: ChangeDigest[];
}

/** The plan of a group, split by member; errors no member can be named for are `unattributed`. */
export interface GroupPlan {
  readonly members: ReadonlyMap<string, MemberPlan>;
  readonly unattributed: string[];
  readonly exitCode: number;
}

/** The member a diagnostic belongs to: by its address (`module.<m>.…`), else by its file (`<m>/…`). */
function memberOf(event: PlanEvent, modules: ReadonlySet<string>): string | undefined {
  const address = event.diagnostic?.address ?? '';
  const byAddress = /^module\.([A-Za-z][A-Za-z0-9_-]*)[.[]/.exec(address)?.[1];
  if (byAddress && modules.has(byAddress)) return byAddress;
  const file = event.diagnostic?.range?.filename?.split(/[\\/]/)[0];
  return file && modules.has(file) ? file : undefined;
}

/**
 * Where a planned change belongs: its module (the first `module.<m>.` step, `''` at the root), its address inside
 * that module, and whether it is a managed resource (data sources are read, not managed: digests leave them out).
 */
function locate(addr: string): { module: string; address: string; managed: boolean } {
  const m = /^module\.([A-Za-z][A-Za-z0-9_-]*)\.(.+)$/.exec(addr);
  const [module, address] = m ? [m[1], m[2]] : ['', addr];
  return { module, address, managed: !address.startsWith('data.') && !address.includes('.data.') };
}

/** The planned managed-resource changes of a root planned on its own (a stack, not a group). */
export function rootChanges(events: readonly PlanEvent[]): ChangeDigest[] {
  return events.flatMap((event) => {
    if (event.type !== 'planned_change' || !event.change) return [];
    const { module, address, managed } = locate(event.change.resource.addr);
    return module === '' && managed ? [{ address, type: event.change.resource.resource_type, action: event.change.action as ChangeDigest['action'] }] : [];
  });
}

/** Splits the `-json` stream of a group plan by member. */
export function splitGroupPlan(events: readonly PlanEvent[], moduleNames: readonly string[], exitCode: number): GroupPlan {
  const modules = new Set(moduleNames);
  const members = new Map<string, { errors: string[]; changes: ChangeDigest[] }>(moduleNames.map((m) => [m, { errors: [], changes: [] }]));
  const unattributed: string[] = [];
  for (const event of events) {
    if (event.type === 'diagnostic' && event.diagnostic?.severity === 'error') {
      const text = `${event.diagnostic.summary}: ${event.diagnostic.detail ?? ''}`;
      const member = memberOf(event, modules);
      if (member) members.get(member)!.errors.push(text);
      else unattributed.push(text);
    }
    if (event.type === 'planned_change' && event.change) {
      const { addr, resource_type: type } = event.change.resource;
      const { module, address, managed } = locate(addr);
      if (!members.has(module)) unattributed.push(`a planned change outside every stack: ${addr}`);
      else if (managed) members.get(module)!.changes.push({ address, type, action: event.change.action as ChangeDigest['action'] });
    }
  }
  return { members, unattributed, exitCode };
}
