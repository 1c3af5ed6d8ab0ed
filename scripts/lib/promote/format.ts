/** The text of a promotion: a headline per stack, the changes by action, and the refusal message. */
import type { Refusal } from './policy';
import type { PromotionAction, StackPromotion } from './types';

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
