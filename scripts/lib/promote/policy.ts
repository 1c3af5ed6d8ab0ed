/**
 * The safety decision of a promotion: a stateful resource (database, bucket, queue, ...) is replaced or
 * destroyed only when the user named it (`--allow-replace=<address>`, `--allow-destroy=<address>`) or
 * accepted every such loss (`--allow-data-loss`).
 */
import type { ResourceChangeInfo, StackPromotion } from './types';

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
