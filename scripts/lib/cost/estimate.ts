/**
 * Monthly estimate of a synthesized stack (cdk.tf.json): each resource priced in its own region
 * (its provider alias), fixed costs from its configuration and usage-based costs from the usage
 * model. Resources with no price are listed as unpriced, never counted as zero.
 */
import { FREE_TYPES, PRICERS, type CostLine } from './pricers';
import { unitPrice, type PriceTable } from './prices';
import type { UsageModel } from './usage';

export interface ResourceEstimate {
  readonly address: string;
  readonly type: string;
  readonly region: string;
  readonly monthly_usd: number;
  readonly priced: boolean;
  /** Why a resource has no price (priced: false). */
  readonly reason?: string;
  readonly lines: readonly CostLine[];
}

export interface StackEstimate {
  readonly stack: string;
  readonly region: string;
  readonly monthly_usd: number;
  readonly resources: readonly ResourceEstimate[];
}

interface StackJson {
  provider?: { aws?: { alias?: string; region?: string }[] };
  resource?: Record<string, Record<string, Record<string, unknown>>>;
}

const REFERENCE = /^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.[A-Za-z0-9_.[\]"-]+\}$/;
const cents = (n: number) => Math.round(n * 100) / 100;

/** Regions of the stack's aws providers: alias (or "" for the default) → region. */
function providerRegions(json: StackJson, stack: string): Map<string, string> {
  const regions = new Map<string, string>();
  for (const p of json.provider?.aws ?? []) {
    if (typeof p.region !== 'string') throw new Error(`${stack}: aws provider ${p.alias ?? '(default)'} has no literal region; the estimate prices per region`);
    regions.set(p.alias ?? '', p.region);
  }
  if (!regions.has('')) throw new Error(`${stack}: no default aws provider`);
  return regions;
}

export function estimateStack(stack: string, json: StackJson, table: PriceTable, usage: UsageModel): StackEstimate {
  const regions = providerRegions(json, stack);
  const home = regions.get('') as string;
  const resources: ResourceEstimate[] = [];
  const byTypes = json.resource ?? {};
  for (const type of Object.keys(byTypes).sort()) {
    for (const name of Object.keys(byTypes[type]).sort()) {
      const config = byTypes[type][name];
      const address = `${type}.${name}`;
      const alias = typeof config.provider === 'string' ? config.provider.replace(/^aws\.?/, '') : '';
      const region = regions.get(alias);
      if (!region) throw new Error(`${stack}: ${address} uses provider "${String(config.provider)}", which the stack does not declare`);
      const pricer = PRICERS[type];
      if (!pricer) {
        const free = FREE_TYPES.has(type);
        resources.push({ address, type, region, monthly_usd: 0, priced: free, ...(free ? {} : { reason: `no price for ${type} in the price table` }), lines: [] });
        continue;
      }
      const result = pricer({
        hoursPerMonth: table.hoursPerMonth,
        config,
        usage: usage.forResource(type, address),
        price: (key) => unitPrice(table, key, region),
        resolve: (reference) => {
          const m = typeof reference === 'string' ? REFERENCE.exec(reference) : null;
          const target = m ? byTypes[m[1]]?.[m[2]] : undefined;
          return m && target ? { type: m[1], config: target } : undefined;
        },
      });
      if ('unpriced' in result) {
        resources.push({ address, type, region, monthly_usd: 0, priced: false, reason: result.unpriced, lines: [] });
      } else {
        resources.push({ address, type, region, monthly_usd: cents(result.reduce((n, l) => n + l.monthly_usd, 0)), priced: true, lines: result });
      }
    }
  }
  return { stack, region: home, monthly_usd: cents(resources.reduce((n, r) => n + r.monthly_usd, 0)), resources };
}

/** Cost per resource type of a stack, largest first (priced types only). */
export function byType(estimate: StackEstimate): { type: string; count: number; monthly_usd: number }[] {
  const types = new Map<string, { count: number; monthly_usd: number }>();
  for (const r of estimate.resources) {
    if (!r.priced || r.monthly_usd === 0) continue;
    const t = types.get(r.type) ?? { count: 0, monthly_usd: 0 };
    types.set(r.type, { count: t.count + 1, monthly_usd: t.monthly_usd + r.monthly_usd });
  }
  return [...types.entries()].map(([type, t]) => ({ type, count: t.count, monthly_usd: cents(t.monthly_usd) })).sort((a, b) => b.monthly_usd - a.monthly_usd || a.type.localeCompare(b.type));
}

export interface StackDelta {
  readonly stack: string;
  readonly before_usd: number | undefined;
  readonly after_usd: number | undefined;
  readonly delta_usd: number;
  /** Resources whose monthly cost changed most (added, removed or changed), largest change first. */
  readonly movers: readonly { address: string; before_usd: number; after_usd: number; delta_usd: number }[];
}

/** The monthly difference per stack between two sets of estimates (before → after). */
export function costDelta(before: readonly StackEstimate[], after: readonly StackEstimate[], topMovers = 5): StackDelta[] {
  const stacks = [...new Set([...before.map((s) => s.stack), ...after.map((s) => s.stack)])].sort();
  return stacks.map((stack) => {
    const b = before.find((s) => s.stack === stack);
    const a = after.find((s) => s.stack === stack);
    const costs = (s: StackEstimate | undefined) => new Map((s?.resources ?? []).map((r) => [r.address, r.monthly_usd]));
    const bc = costs(b);
    const ac = costs(a);
    const movers = [...new Set([...bc.keys(), ...ac.keys()])]
      .map((address) => ({ address, before_usd: bc.get(address) ?? 0, after_usd: ac.get(address) ?? 0, delta_usd: cents((ac.get(address) ?? 0) - (bc.get(address) ?? 0)) }))
      .filter((m) => m.delta_usd !== 0)
      .sort((x, y) => Math.abs(y.delta_usd) - Math.abs(x.delta_usd) || x.address.localeCompare(y.address))
      .slice(0, topMovers);
    return { stack, before_usd: b?.monthly_usd, after_usd: a?.monthly_usd, delta_usd: cents((a?.monthly_usd ?? 0) - (b?.monthly_usd ?? 0)), movers };
  });
}
