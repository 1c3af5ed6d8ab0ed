/**
 * The one sticky pull-request comment of plan.yml: a hidden marker (to find and update it in place), the
 * promotion warnings, the monthly cost change, the plan summary of every touched environment and the synth diff. The whole comment
 * always fits GitHub's 65,536-character limit: the plan summary is rendered with the room the other
 * sections leave, and the other sections are cut at a line (with a note) when they are too long.
 */
import { closeOpenBlocks, GITHUB_COMMENT_LIMIT, renderPlanSummary, type StackDigest } from './plan-summary';

/** First line of the sticky comment; the workflow finds the comment by it. */
export const STICKY_MARKER = '<!-- classifyhub:plan-comment -->';

/** Input of {@link renderPrComment}. */
export interface PrCommentInput {
  /** Digests of every planned stack (from `npm run plan -- --digest`). */
  readonly stacks: readonly StackDigest[];
  /** Whether the stacks were planned offline. */
  readonly offline?: boolean;
  /** Markdown of the promotion check, if it ran (`undefined`: not available). */
  readonly promotion?: string;
  /** Markdown of the synth diff, if it ran. */
  readonly synthDiff?: string;
  /** Markdown of the monthly cost change per environment (`npm run diff -- --cost-out`), if it ran. */
  readonly cost?: string;
  /** Link to the workflow run, for "full output" notes. */
  readonly runUrl?: string;
  /** Commit the comment describes. */
  readonly sha?: string;
  /** Total budget. @default GITHUB_COMMENT_LIMIT - 1 */
  readonly maxChars?: number;
}

const PROMOTION_BUDGET = 12_000;
const DIFF_BUDGET = 20_000;
const COST_BUDGET = 8_000;

/**
 * Cuts Markdown to at most `maxChars` at a line boundary, closes a code fence or `<details>` left open and
 * says what was cut (`what` names the section).
 */
export function truncateMarkdown(text: string, maxChars: number, what: string, where = 'the job log'): string {
  if (text.length <= maxChars) return text;
  const totalLines = text.split('\n').length;
  const note = (shown: number) => `\n\n✂️ ${what} cut to ${shown} of ${totalLines} lines to stay under GitHub's ${GITHUB_COMMENT_LIMIT.toLocaleString('en-US')}-character comment limit; the whole of it is in ${where}.\n`;
  const reserve = note(totalLines).length + 40; // closing fences/details
  const cut = text.lastIndexOf('\n', Math.max(0, maxChars - reserve));
  const kept = closeOpenBlocks(text.slice(0, Math.max(0, cut)));
  return kept + note(kept.split('\n').length);
}

/** Renders the sticky comment. Never longer than `maxChars`. */
export function renderPrComment(input: PrCommentInput): string {
  const maxChars = input.maxChars ?? GITHUB_COMMENT_LIMIT - 1;
  const where = input.runUrl ? `the [workflow run](${input.runUrl})` : 'the job log';
  const header = [STICKY_MARKER, `## Infrastructure changes${input.sha ? ` at ${input.sha.slice(0, 7)}` : ''}`, ''].join('\n');
  const promotion = `### Promotion check\n\n${input.promotion?.trim() ? truncateMarkdown(input.promotion.trim(), PROMOTION_BUDGET, 'The promotion check', where) : '_not available (see the workflow run)_'}\n\n`;
  const cost = `### Monthly cost\n\n${input.cost?.trim() ? truncateMarkdown(input.cost.trim(), COST_BUDGET, 'The cost section', where) : '_not available (see the workflow run)_'}\n\n`;
  const diff = `### Synth diff\n\n${input.synthDiff?.trim() ? truncateMarkdown(input.synthDiff.trim(), DIFF_BUDGET, 'The synth diff', where) : '_not available (see the workflow run)_'}\n\n`;
  const footer = `\n---\n_Updated by plan.yml${input.runUrl ? ` ([run](${input.runUrl}))` : ''}. This comment is edited in place on every push._\n`;
  const planBudget = maxChars - header.length - promotion.length - cost.length - diff.length - footer.length;
  const note = input.offline ? '_Planned offline (no AWS credentials): every resource shows as new._' : undefined;
  const plan =
    input.stacks.length > 0
      ? renderPlanSummary(input.stacks, { title: 'Plan', headingLevel: 3, note, maxChars: planBudget })
      : '### Plan\n\n_No environment is touched by this change: nothing to plan._\n';
  return `${header}${promotion}${cost}${plan}\n${diff}${footer}`;
}
