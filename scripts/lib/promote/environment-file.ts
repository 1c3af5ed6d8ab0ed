/**
 * The environment-file side of `npm run promote`: which stage an environment
 * is at, which stage it may move to, and the minimal edit of its file (only
 * the `stage: '...'` value changes, written atomically).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { STAGES, stageBySlug, type StageDefinition } from '../../../systems/classifyhub/stages';

/** A stage step that promote refuses (skip, demotion, no-op, past the top), with the reason. */
export class PromotionRefused extends Error {}

/**
 * The target stage of a promotion from `current`. `requested` is a slug or a
 * stage number (`--to 12`); without it, the next stage. Refuses a skip, a
 * demotion, staying put, and anything past the last (implemented) stage.
 */
export function targetStage(current: string, requested?: string): StageDefinition {
  const from = stageBySlug(current);
  const ladder = STAGES as readonly StageDefinition[];
  const next = ladder.find((s) => s.number === from.number + 1);
  if (requested === undefined) {
    if (!next) throw new PromotionRefused(`already at the last stage ${from.slug}; there is nothing to promote to`);
    if (!next.implemented) throw new PromotionRefused(`the next stage ${next.slug} is not implemented yet`);
    return next;
  }
  const to = /^\d+$/.test(requested) ? ladder.find((s) => s.number === Number(requested)) : ladder.find((s) => s.slug === requested);
  if (!to) throw new PromotionRefused(`--to: unknown stage "${requested}"; expected a slug or number of: ${ladder.map((s) => s.slug).join(', ')}`);
  if (to.number === from.number) throw new PromotionRefused(`already at ${from.slug}; --to must name the next stage${next ? ` (${next.slug})` : ''}`);
  if (to.number < from.number) {
    throw new PromotionRefused(`refusing to demote from ${from.slug} to ${to.slug}: promote only moves up, one stage at a time (demoting removes what the later stages built; edit the environment file deliberately and plan it instead)`);
  }
  if (to.number > from.number + 1) {
    throw new PromotionRefused(`refusing to skip ${to.number - from.number - 1} stage${to.number - from.number - 1 === 1 ? '' : 's'}: ${from.slug} → ${to.slug}; promote to ${next!.slug} first (one stage at a time, each one deployed and checked)`);
  }
  if (!to.implemented) throw new PromotionRefused(`stage ${to.slug} is not implemented yet`);
  return to;
}

/** Location of the ClassifyHub stage value in an environment file. */
export interface StageLocation {
  /** Offset of the slug (without quotes). */
  readonly start: number;
  readonly end: number;
  /** 1-based line number. */
  readonly line: number;
}

const STAGE_LITERAL = /\bstage\s*:\s*(['"`])([0-9]{2}-[a-z0-9-]+)\1/g;

/**
 * Finds `stage: '<slug>'` of the `classifyhub` block in an environment file's
 * text. When the file has several `stage:` literals with that value (another
 * system with its own stage), the one after `classifyhub:` wins. Throws,
 * naming the file, when there is none, so the user edits it by hand.
 */
export function findStage(text: string, slug: string, file: string): StageLocation {
  const matches = [...text.matchAll(STAGE_LITERAL)].filter((m) => m[2] === slug);
  const classifyhub = text.search(/\bclassifyhub\s*:/);
  const chosen = matches.length === 1 ? matches[0] : matches.find((m) => classifyhub >= 0 && m.index! > classifyhub);
  if (!chosen) {
    throw new Error(`${file}: cannot find the literal \`stage: '${slug}'\` of classifyhub to edit (found ${matches.length}); set classifyhub.stage by hand`);
  }
  const start = chosen.index! + chosen[0].length - 1 - slug.length;
  return { start, end: start + slug.length, line: text.slice(0, start).split('\n').length };
}

/** The file text with the ClassifyHub stage changed from `from` to `to`, and nothing else. */
export function replaceStage(text: string, from: string, to: string, file: string): { text: string; line: number } {
  const at = findStage(text, from, file);
  return { text: text.slice(0, at.start) + to + text.slice(at.end), line: at.line };
}

/** A unified diff of a one-line edit, as `git diff` would print it (without the index line). */
export function lineDiff(file: string, before: string, after: string): string {
  const a = before.split('\n');
  const b = after.split('\n');
  const changed = a.map((line, i) => (line !== b[i] ? i : -1)).filter((i) => i >= 0);
  if (changed.length === 0) return '';
  const first = changed[0];
  const last = changed[changed.length - 1];
  const from = Math.max(0, first - 2);
  const to = Math.min(a.length - 1, last + 2);
  const [a1, b1] = file.startsWith('/') ? [file, file] : [`a/${file}`, `b/${file}`];
  const out = [`--- ${a1}`, `+++ ${b1}`, `@@ -${from + 1},${to - from + 1} +${from + 1},${to - from + 1} @@`];
  for (let i = from; i <= to; i += 1) {
    if (a[i] === b[i]) out.push(` ${a[i]}`);
    else out.push(`-${a[i]}`, `+${b[i]}`);
  }
  return out.join('\n');
}

/** Writes a file atomically: a temp file in the same folder, then rename (readers never see half a file). */
export function writeFileAtomic(file: string, text: string): void {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.promote-${process.pid}.tmp`);
  try {
    fs.writeFileSync(temp, text);
    fs.renameSync(temp, file);
  } finally {
    fs.rmSync(temp, { force: true });
  }
}
