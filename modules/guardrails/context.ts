/**
 * The stack as rules see it: every synthesized resource by address, and
 * Terraform references ("${aws_s3_bucket.b.id}") resolved to the addresses
 * they point at, in both directions.
 */
import type { GuardrailsTier, ResourceView, RuleContext } from './types';

/** "${type.name" at the start of a reference; the type must be a resource type of the stack. */
const REFERENCE = /\$\{([a-z][a-z0-9]*_[a-z0-9_]+)\.([A-Za-z_][A-Za-z0-9_-]*)/g;
const WHOLE_REFERENCE = /^\$\{([a-z][a-z0-9]*_[a-z0-9_]+)\.([A-Za-z_][A-Za-z0-9_-]*)(?:[.[][^}]*)?\}$/;

/** Every resource of a synthesized stack (`stack.toTerraform()` or cdk.tf.json), sorted by address. */
export function resourcesOf(json: { resource?: Record<string, Record<string, Record<string, unknown>>> }, pathOf?: (address: string) => string | undefined): ResourceView[] {
  const list: ResourceView[] = [];
  for (const [type, byName] of Object.entries(json.resource ?? {})) {
    for (const [name, raw] of Object.entries(byName)) {
      const { ['//']: meta, ...config } = raw;
      const address = `${type}.${name}`;
      const metaPath = (meta as { metadata?: { path?: string } } | undefined)?.metadata?.path;
      list.push({ type, name, address, path: pathOf?.(address) ?? metaPath ?? address, config });
    }
  }
  return list.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}

export class StackIndex implements RuleContext {
  private readonly byAddress = new Map<string, ResourceView>();
  private readonly byType = new Map<string, ResourceView[]>();
  private reverse?: Map<string, ResourceView[]>;

  constructor(
    readonly stack: string,
    readonly tier: GuardrailsTier,
    private readonly all: readonly ResourceView[],
  ) {
    for (const r of all) {
      this.byAddress.set(r.address, r);
      const list = this.byType.get(r.type) ?? [];
      list.push(r);
      this.byType.set(r.type, list);
    }
  }

  resources(type?: string): readonly ResourceView[] {
    return type === undefined ? this.all : this.byType.get(type) ?? [];
  }

  get(address: string): ResourceView | undefined {
    return this.byAddress.get(address);
  }

  target(value: unknown): string | undefined {
    if (typeof value !== 'string') return undefined;
    const m = WHOLE_REFERENCE.exec(value);
    const address = m ? `${m[1]}.${m[2]}` : undefined;
    return address !== undefined && this.byAddress.has(address) ? address : undefined;
  }

  referencing(address: string, type?: string): readonly ResourceView[] {
    if (!this.reverse) {
      this.reverse = new Map();
      for (const r of this.all) {
        for (const to of referencesIn(r.config)) {
          const list = this.reverse.get(to) ?? [];
          if (!list.includes(r)) list.push(r);
          this.reverse.set(to, list);
        }
      }
    }
    const list = this.reverse.get(address) ?? [];
    return type === undefined ? list : list.filter((r) => r.type === type);
  }
}

/** Addresses referenced anywhere in a value (strings inside objects and lists, JSON documents included). */
export function referencesIn(value: unknown, into = new Set<string>()): Set<string> {
  if (typeof value === 'string') {
    for (const m of value.matchAll(REFERENCE)) into.add(`${m[1]}.${m[2]}`);
  } else if (Array.isArray(value)) {
    value.forEach((v) => referencesIn(v, into));
  } else if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach((v) => referencesIn(v, into));
  }
  return into;
}
