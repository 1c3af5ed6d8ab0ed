/** Text and Markdown renderings of estimates and deltas. */
import { byType, type StackDelta, type StackEstimate } from './estimate';

export const usd = (n: number): string => `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
export const signedUsd = (n: number): string => `${n < 0 ? '-' : '+'}${usd(Math.abs(n))}`;

/** A stack's estimate as a terminal table: cost per resource type, then unpriced resources. */
export function renderEstimate(estimate: StackEstimate & { stage?: string }, topTypes = 12): string {
  const types = byType(estimate);
  const unpriced = estimate.resources.filter((r) => !r.priced);
  const out = [`${estimate.stack}${estimate.stage ? ` at ${estimate.stage}` : ''} (${estimate.region}): ${usd(estimate.monthly_usd)} a month`];
  const width = Math.max(20, ...types.slice(0, topTypes).map((t) => t.type.length));
  out.push(`  ${'resource type'.padEnd(width)}  count      monthly`);
  for (const t of types.slice(0, topTypes)) out.push(`  ${t.type.padEnd(width)}  ${String(t.count).padStart(5)}  ${usd(t.monthly_usd).padStart(11)}`);
  const rest = types.slice(topTypes);
  if (rest.length) out.push(`  ${`(${rest.length} more types)`.padEnd(width)}  ${String(rest.reduce((n, t) => n + t.count, 0)).padStart(5)}  ${usd(rest.reduce((n, t) => n + t.monthly_usd, 0)).padStart(11)}`);
  if (unpriced.length) {
    out.push(`  unpriced (${unpriced.length}, not counted):`);
    for (const r of unpriced) out.push(`    ${r.address}: ${r.reason}`);
  }
  return out.join('\n');
}

/** The cost section of a pull-request comment or a promotion: before → after per stack, top movers. */
export function renderDeltaMarkdown(deltas: readonly StackDelta[], title = 'Monthly cost (list prices, usage assumptions of environments/usage)'): string {
  const changed = deltas.filter((d) => d.delta_usd !== 0 || d.before_usd === undefined || d.after_usd === undefined);
  const lines = [`### ${title}`, '', '| stack | before | after | change |', '| --- | ---: | ---: | ---: |'];
  for (const d of deltas) lines.push(`| ${d.stack} | ${d.before_usd === undefined ? '(new)' : usd(d.before_usd)} | ${d.after_usd === undefined ? '(removed)' : usd(d.after_usd)} | ${signedUsd(d.delta_usd)} |`);
  const total = deltas.reduce((n, d) => n + d.delta_usd, 0);
  lines.push('', `Total change: **${signedUsd(Math.round(total * 100) / 100)} a month**.`);
  const movers = changed.flatMap((d) => d.movers.map((m) => ({ stack: d.stack, ...m }))).sort((a, b) => Math.abs(b.delta_usd) - Math.abs(a.delta_usd)).slice(0, 10);
  if (movers.length) {
    lines.push('', '<details><summary>Top movers</summary>', '', '| stack | resource | before | after | change |', '| --- | --- | ---: | ---: | ---: |');
    for (const m of movers) lines.push(`| ${m.stack} | \`${m.address}\` | ${usd(m.before_usd)} | ${usd(m.after_usd)} | ${signedUsd(m.delta_usd)} |`);
    lines.push('', '</details>');
  }
  return lines.join('\n');
}

/** The same delta as terminal lines (promote). */
export function renderDeltaText(deltas: readonly StackDelta[]): string {
  return deltas
    .map((d) => {
      const head = `${d.stack}: ${d.before_usd === undefined ? '(new)' : usd(d.before_usd)} → ${d.after_usd === undefined ? '(removed)' : usd(d.after_usd)} a month (${signedUsd(d.delta_usd)})`;
      return [head, ...d.movers.slice(0, 3).map((m) => `    ${signedUsd(m.delta_usd).padStart(12)}  ${m.address}`)].join('\n');
    })
    .join('\n');
}

/**
 * The cost section of a pull request: one table per environment whose monthly estimate changes
 * (before → after per stack, top movers), or a line saying nothing changes.
 */
export function renderCostSection(deltas: readonly StackDelta[], environmentOf: (stack: string) => string | undefined): string {
  const byEnv = new Map<string, StackDelta[]>();
  for (const d of deltas) {
    const env = environmentOf(d.stack) ?? '(no environment)';
    byEnv.set(env, [...(byEnv.get(env) ?? []), d]);
  }
  const parts = ['Monthly estimates of the base and of this change, with the same list prices (`pricing/`) and usage assumptions (`environments/usage/`).', ''];
  let any = false;
  for (const [env, own] of [...byEnv].sort(([a], [b]) => a.localeCompare(b))) {
    if (own.every((d) => d.delta_usd === 0 && d.before_usd !== undefined && d.after_usd !== undefined)) continue;
    any = true;
    parts.push(renderDeltaMarkdown(own, `${env}`).replace(/^### /, '#### '), '');
  }
  if (!any) parts.push('_No environment\'s monthly estimate changes._');
  return parts.join('\n').trim() + '\n';
}
