/**
 * Plan summary: Terraform JSON plans (`terraform show -json`) of one or more stacks → one Markdown report
 * for a pull-request comment, an issue or a job summary.
 *
 * - counts per action (add / change / replace / destroy) overall and a table per stack;
 * - replacements and deletions of stateful resources (STATEFUL_RESOURCE_TYPES) at the top;
 * - per stack a collapsible section with the counts per resource type and every changed address
 *   (a `diff` block: `+` add, `~` change, `-/+` replace, `-` destroy), with the attributes that changed
 *   or force the replacement (names only, never values);
 * - always shorter than GitHub's 65,536-character comment limit (or the budget given): when the details
 *   do not fit, address lines are cut (destroys and replacements last) and the report says what was cut.
 *
 * Pure functions. {@link digestPlan} reduces a JSON plan to what the report needs (no attribute values:
 * plans hold secrets), so CI jobs can pass digests around as artifacts.
 */
import { STATEFUL_RESOURCE_TYPES } from './stateful';
import { actionOf, attributesOf, managedChanges, type ChangeAction, type PlanJson, type ResourceChange } from './terraform/model';

/** GitHub rejects issue and pull-request comments (and issue bodies) longer than this. */
export const GITHUB_COMMENT_LIMIT = 65_536;

/** One changed resource, without values. */
export interface ChangeDigest {
  readonly address: string;
  readonly type: string;
  readonly action: Exclude<ChangeAction, 'no-op' | 'read'>;
  /** Terraform's action_reason, when it gives one. */
  readonly reason?: string;
  /** Replacements: attribute paths that force it. Updates and drift: top-level attributes that change. */
  readonly attributes?: readonly string[];
}

/** What the report needs from one stack's plan. */
export interface StackDigest {
  readonly stack: string;
  /** Changes of managed resources, no-ops left out, in plan order. */
  readonly changes: readonly ChangeDigest[];
  /** Managed resources that stay as they are. */
  readonly unchanged: number;
  /** Resources changed outside Terraform (found by the refresh). */
  readonly drift: readonly ChangeDigest[];
  /** The stack could not be planned: the error, shortened. */
  readonly error?: string;
}

/** Options of {@link renderPlanSummary}. */
export interface RenderOptions {
  /** Heading of the report. @default "Terraform plan" */
  readonly title?: string;
  /** One line under the heading, e.g. how the plan was made ("offline: no refresh, every resource is new"). */
  readonly note?: string;
  /** Maximum length of the report in characters. @default GITHUB_COMMENT_LIMIT - 1 */
  readonly maxChars?: number;
  /** Markdown heading level of the title. @default 2 */
  readonly headingLevel?: number;
}

const ACTION_ORDER: ReadonlyArray<Exclude<ChangeAction, 'no-op' | 'read'>> = ['replace', 'delete', 'update', 'create', 'forget'];
const SYMBOL: Record<Exclude<ChangeAction, 'no-op' | 'read'>, string> = { replace: '-/+', delete: '-', update: '~', create: '+', forget: '#' };
const COUNTED: ReadonlyArray<[Exclude<ChangeAction, 'no-op' | 'read'>, string]> = [
  ['create', 'add'],
  ['update', 'change'],
  ['replace', 'replace'],
  ['delete', 'destroy'],
];
const MAX_ATTRIBUTES = 8;
const MAX_ERROR_CHARS = 2_000;
const MAX_STATEFUL_ROWS = 60;

// ---------------------------------------------------------------------------
// Digest
// ---------------------------------------------------------------------------

function digestChange(change: ResourceChange): ChangeDigest | undefined {
  const action = actionOf(change.change.actions);
  if (action === 'no-op' || action === 'read') return undefined;
  const attributes = attributesOf(change);
  return {
    address: change.address,
    type: change.type,
    action,
    ...(change.action_reason ? { reason: change.action_reason } : {}),
    ...(attributes.length > 0 ? { attributes } : {}),
  };
}

/** Reduces a JSON plan to a {@link StackDigest}: managed resources only, names of attributes but no values. */
export function digestPlan(stack: string, plan: PlanJson): StackDigest {
  const managed = managedChanges(plan);
  const changes = managed.map(digestChange).filter((c): c is ChangeDigest => c !== undefined);
  const drift = managedChanges(plan, true).map(digestChange).filter((c): c is ChangeDigest => c !== undefined);
  return { stack, changes, unchanged: managed.length - changes.length, drift };
}

/** A stack whose plan failed, for the report. */
export function failedStack(stack: string, error: string): StackDigest {
  const text = error.length > MAX_ERROR_CHARS ? `${error.slice(0, MAX_ERROR_CHARS)}\n… (${error.length - MAX_ERROR_CHARS} more characters in the job log)` : error;
  return { stack, changes: [], unchanged: 0, drift: [], error: text };
}

// ---------------------------------------------------------------------------
// Counting
// ---------------------------------------------------------------------------

type Counts = Record<Exclude<ChangeAction, 'no-op' | 'read'>, number>;
const zero = (): Counts => ({ create: 0, update: 0, replace: 0, delete: 0, forget: 0 });

function count(changes: readonly ChangeDigest[]): Counts {
  const counts = zero();
  for (const c of changes) counts[c.action] += 1;
  return counts;
}

/** "3 to add, 1 to replace" or "no changes". */
export function describeCounts(counts: Counts): string {
  const parts = COUNTED.filter(([a]) => counts[a] > 0).map(([a, label]) => `${counts[a]} to ${label}`);
  if (counts.forget > 0) parts.push(`${counts.forget} to forget`);
  return parts.length > 0 ? parts.join(', ') : 'no changes';
}

/** True when any stack changes anything (or drifted, or failed). */
export function hasChanges(stacks: readonly StackDigest[]): boolean {
  return stacks.some((s) => s.changes.length > 0 || s.drift.length > 0 || s.error !== undefined);
}

// ---------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------

const code = (text: string): string => `\`${text.replace(/`/g, "'")}\``;
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function changeLine(c: ChangeDigest): string {
  const details: string[] = [];
  if (c.attributes && c.attributes.length > 0) {
    const shown = c.attributes.slice(0, MAX_ATTRIBUTES).join(', ');
    const more = c.attributes.length > MAX_ATTRIBUTES ? ` +${c.attributes.length - MAX_ATTRIBUTES} more` : '';
    details.push(c.action === 'replace' ? `forces replacement: ${shown}${more}` : `${shown}${more}`);
  }
  if (c.action === 'delete' && c.reason === 'delete_because_no_resource_config') details.push('removed from the configuration');
  if (STATEFUL_RESOURCE_TYPES[c.type] && (c.action === 'replace' || c.action === 'delete')) details.push('STATEFUL');
  return `${SYMBOL[c.action].padEnd(3)} ${c.address}${details.length > 0 ? `  (${details.join('; ')})` : ''}`;
}

function sortedChanges(changes: readonly ChangeDigest[]): ChangeDigest[] {
  return [...changes].sort((a, b) => ACTION_ORDER.indexOf(a.action) - ACTION_ORDER.indexOf(b.action) || (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}

function typeTable(changes: readonly ChangeDigest[]): string[] {
  const byType = new Map<string, Counts>();
  for (const c of changes) {
    const counts = byType.get(c.type) ?? zero();
    counts[c.action] += 1;
    byType.set(c.type, counts);
  }
  const rows = [...byType.keys()].sort().map((type) => `| ${code(type)} | ${COUNTED.map(([a]) => (byType.get(type) as Counts)[a]).join(' | ')} |`);
  return ['| resource type | add | change | replace | destroy |', '|---|--:|--:|--:|--:|', ...rows];
}

/** The head: title, totals, stateful warnings, per-stack table, errors. */
function renderHead(stacks: readonly StackDigest[], options: RenderOptions): string[] {
  const level = '#'.repeat(options.headingLevel ?? 2);
  const all = stacks.flatMap((s) => s.changes);
  const totals = count(all);
  const unchanged = stacks.reduce((n, s) => n + s.unchanged, 0);
  const drifted = stacks.reduce((n, s) => n + s.drift.length, 0);
  const failed = stacks.filter((s) => s.error !== undefined);
  const lines: string[] = [`${level} ${options.title ?? 'Terraform plan'}`, ''];
  if (options.note) lines.push(options.note, '');
  const extras = [`${stacks.length} stack${stacks.length === 1 ? '' : 's'}`, `${unchanged} unchanged`];
  if (drifted > 0) extras.push(`${drifted} changed outside Terraform`);
  if (failed.length > 0) extras.push(`**${failed.length} failed**`);
  lines.push(`**${describeCounts(totals)}** (${extras.join(', ')})`, '');

  const stateful = stacks.flatMap((s) => s.changes.filter((c) => (c.action === 'replace' || c.action === 'delete') && STATEFUL_RESOURCE_TYPES[c.type]).map((c) => ({ stack: s.stack, c })));
  if (stateful.length > 0) {
    lines.push(
      `> [!CAUTION]`,
      `> **${stateful.length} stateful resource${stateful.length === 1 ? '' : 's'} would be replaced or destroyed.** Their data is lost unless it is migrated or snapshotted first.`,
      '',
      '| stack | resource | action | what is lost |',
      '|---|---|---|---|',
      ...stateful.slice(0, MAX_STATEFUL_ROWS).map(({ stack, c }) => {
        const why = c.action === 'replace' && c.attributes?.length ? ` (forced by ${c.attributes.slice(0, 3).join(', ')})` : '';
        return `| ${stack} | ${code(c.address)} | ${c.action === 'replace' ? 'replace' : 'destroy'}${cell(why)} | ${cell(STATEFUL_RESOURCE_TYPES[c.type])} |`;
      }),
    );
    if (stateful.length > MAX_STATEFUL_ROWS) lines.push(`| … | ${stateful.length - MAX_STATEFUL_ROWS} more, see the stacks below | | |`);
    lines.push('');
  }

  lines.push('| stack | add | change | replace | destroy | unchanged | drift |', '|---|--:|--:|--:|--:|--:|--:|');
  for (const s of stacks) {
    if (s.error !== undefined) {
      lines.push(`| ${s.stack} | ❌ plan failed | | | | | |`);
      continue;
    }
    const c = count(s.changes);
    lines.push(`| ${s.stack} | ${COUNTED.map(([a]) => c[a]).join(' | ')} | ${s.unchanged} | ${s.drift.length} |`);
  }
  lines.push('');
  for (const s of failed) {
    lines.push(`<details><summary>❌ <b>${s.stack}</b>: plan failed</summary>`, '', '```text', (s.error ?? '').replace(/```/g, "'''"), '```', '', '</details>', '');
  }
  return lines;
}

interface Section {
  stack: string;
  /** Lines before the address list (summary line, type table, drift header). */
  head: string[];
  /** Address lines in priority order. */
  body: string[];
  /** Counts of what `body` lines stand for, for the "cut" note. */
  actions: Array<ChangeDigest['action'] | 'drift'>;
}

function section(s: StackDigest): Section | undefined {
  if (s.error !== undefined || (s.changes.length === 0 && s.drift.length === 0)) return undefined;
  const changes = sortedChanges(s.changes);
  const headline = describeCounts(count(s.changes)) + (s.drift.length > 0 ? `; ${s.drift.length} changed outside Terraform` : '');
  const head = [`<details><summary><b>${s.stack}</b>: ${headline}</summary>`, ''];
  if (changes.length > 0) head.push(...typeTable(changes), '');
  const body = [...changes.map(changeLine), ...sortedChanges(s.drift).map((c) => `!   ${c.address}  (changed outside Terraform${c.attributes?.length ? `: ${c.attributes.slice(0, MAX_ATTRIBUTES).join(', ')}` : ''})`)];
  const actions = [...changes.map((c) => c.action), ...s.drift.map(() => 'drift' as const)];
  return { stack: s.stack, head, body, actions };
}

function renderSection(sec: Section, keep: number): string {
  const lines = [...sec.head];
  if (keep > 0) lines.push('```diff', ...sec.body.slice(0, keep), '```');
  const cut = sec.body.length - keep;
  if (cut > 0) {
    const counts = new Map<string, number>();
    for (const a of sec.actions.slice(keep)) counts.set(a, (counts.get(a) ?? 0) + 1);
    const what = [...counts].map(([a, n]) => `${n} ${a === 'drift' ? 'drifted' : a === 'create' ? 'to add' : a === 'update' ? 'to change' : a === 'delete' ? 'to destroy' : `to ${a}`}`).join(', ');
    lines.push('', `✂️ ${cut} of ${sec.body.length} resource lines cut here (${what}).`);
  }
  lines.push('', '</details>', '');
  return lines.join('\n');
}

/**
 * Renders the report for the given stacks (in the given order). Guaranteed to be at most `maxChars`
 * characters (default: under GitHub's 65,536-character limit). When the details do not fit, address lines
 * are cut, most from the largest sections, keeping replacements and destroys longest; each cut section
 * and the report's last line say how much was left out.
 */
export function renderPlanSummary(stacks: readonly StackDigest[], options: RenderOptions = {}): string {
  const maxChars = options.maxChars ?? GITHUB_COMMENT_LIMIT - 1;
  const head = `${renderHead(stacks, options).join('\n')}\n`;
  const sections = stacks.map(section).filter((s): s is Section => s !== undefined);
  const full = sections.map((sec) => renderSection(sec, sec.body.length));
  const complete = head + full.join('');
  if (complete.length <= maxChars) return complete;

  // Water-filling over the sections: each gets an equal share of what is left; small ones return the rest.
  const footerReserve = 400;
  let budget = maxChars - head.length - footerReserve;
  const keep = new Map<Section, number>();
  let pending = [...sections].sort((a, b) => renderSection(a, a.body.length).length - renderSection(b, b.body.length).length);
  while (pending.length > 0) {
    const share = Math.floor(budget / pending.length);
    const sec = pending[0];
    const size = renderSection(sec, sec.body.length).length;
    if (size <= share) {
      keep.set(sec, sec.body.length);
      budget -= size;
      pending = pending.slice(1);
      continue;
    }
    // Every remaining section is larger than its share: cut each to fit its share.
    for (const s of pending) keep.set(s, fitLines(s, share));
    pending = [];
  }
  const rendered = sections.map((sec) => renderSection(sec, keep.get(sec) ?? 0)).join('');
  const cutLines = sections.reduce((n, sec) => n + sec.body.length - (keep.get(sec) ?? 0), 0);
  const totalLines = sections.reduce((n, sec) => n + sec.body.length, 0);
  const cutStacks = sections.filter((sec) => (keep.get(sec) ?? 0) < sec.body.length).map((sec) => sec.stack);
  const footer =
    `\n---\n✂️ **Shortened** to stay under GitHub's ${GITHUB_COMMENT_LIMIT.toLocaleString('en-US')}-character comment limit: ` +
    `${cutLines} of ${totalLines} resource lines left out (${cutStacks.join(', ')}). The counts above are complete; ` +
    'the full list is in the job log (`npm run plan -- <env>`).\n';
  return hardLimit(head + rendered + footer, maxChars);
}

/** How many body lines of a section fit in `chars` (binary search; at least 0). */
function fitLines(sec: Section, chars: number): number {
  let lo = 0;
  let hi = sec.body.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (renderSection(sec, mid).length <= chars) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Last resort (a head longer than the budget, e.g. thousands of stacks): cut at a line and say so. */
function hardLimit(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const note = `\n\n✂️ **Cut** at ${maxChars.toLocaleString('en-US')} characters (GitHub's comment limit is ${GITHUB_COMMENT_LIMIT.toLocaleString('en-US')}): ${text.length - maxChars} more characters in the job log.\n`;
  return closeOpenBlocks(text.slice(0, text.lastIndexOf('\n', maxChars - note.length - 20))) + note;
}

/** Closes a code fence and `<details>` left open by a cut. */
export function closeOpenBlocks(text: string): string {
  let out = text;
  const fences = (out.match(/^```/gm) ?? []).length;
  if (fences % 2 === 1) out += '\n```';
  const open = (out.match(/<details>/g) ?? []).length - (out.match(/<\/details>/g) ?? []).length;
  for (let i = 0; i < open; i++) out += '\n\n</details>';
  return out;
}
