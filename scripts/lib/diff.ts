/**
 * The synth diff for reviewers: compares two synthesized outputs
 * (`<outdir>/stacks/<stack>/cdk.tf.json`) and renders, per stack, the
 * resources added, removed and changed, with the changed attribute paths, as
 * Markdown.
 *
 * Compared like this:
 * - resources by address (`type.name`); other top-level blocks (provider,
 *   output, terraform, data, locals, variable) as "settings" paths;
 * - values deeply, paths like `ingress[0].cidr_blocks`; strings holding JSON
 *   (IAM policies, container definitions) are parsed and compared inside:
 *   `policy → Statement[3].Resource`;
 * - volatile values never count: CDKTF's `//` metadata, asset hashes
 *   (`source_code_hash`, `etag`, ...) and hashed asset paths
 *   (`assets/<id>/<hash>/archive.zip`). How many were ignored is reported.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { configuredResources, type TerraformConfig, type Value as Json } from './terraform/model';

/** Attributes whose values are content hashes of build artifacts: they change with every rebuild. */
export const VOLATILE_KEYS: ReadonlySet<string> = new Set([
  'source_code_hash',
  'source_hash',
  'etag',
  'content_base64sha256',
  'output_base64sha256',
  'output_md5',
  'output_sha',
  'asset_hash',
]);

/** CDKTF asset paths carry the asset's hash as a folder: `assets/<construct>/<HASH>/<file>`. */
const ASSET_PATH = /(^|\/)assets\/([^/]+)\/[A-Fa-f0-9]{16,64}(?=\/|$)/g;

/** Replaces the hash folder of CDKTF asset paths, so an asset rebuild is no change. */
export function normalizeVolatile(value: string): string {
  return value.replace(ASSET_PATH, '$1assets/$2/<hash>');
}

/** One changed leaf value. */
export interface ValueChange {
  /** Path below the resource, e.g. `policy → Statement[3].Resource`. */
  path: string;
  /** Top-level attribute the path starts with. */
  attribute: string;
  before?: Json;
  after?: Json;
  /** 'added' (only after), 'removed' (only before) or 'changed'. */
  kind: 'added' | 'removed' | 'changed';
}

export interface ResourceDiff {
  address: string;
  changes: ValueChange[];
}

export interface StackDiff {
  stack: string;
  /** 'added' / 'removed': the whole stack is new or gone. */
  status: 'added' | 'removed' | 'changed' | 'unchanged';
  added: string[];
  removed: string[];
  changed: ResourceDiff[];
  /** Changes outside resources (provider, outputs, backend, ...). */
  settings: ValueChange[];
  /** Differences ignored as volatile (asset hashes and paths). */
  ignored: number;
}

const isObject = (v: Json | undefined): v is { [key: string]: Json } => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A string that holds a JSON object or array (policy documents, container definitions), parsed; else undefined. */
function parseJsonString(value: string): Json | undefined {
  const trimmed = value.trim();
  if (!(trimmed.startsWith('{') && trimmed.endsWith('}')) && !(trimmed.startsWith('[') && trimmed.endsWith(']'))) return undefined;
  try {
    return JSON.parse(trimmed) as Json;
  } catch {
    return undefined;
  }
}

const joinPath = (base: string, key: string | number): string =>
  typeof key === 'number' ? `${base}[${key}]` : base === '' ? key : base.endsWith(' → ') ? `${base}${key}` : /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? `${base}.${key}` : `${base}[${JSON.stringify(key)}]`;

interface DiffContext {
  changes: ValueChange[];
  ignored: number;
  attribute: string;
}

/** Deep comparison of two values; records leaf changes into ctx. */
function compare(before: Json | undefined, after: Json | undefined, at: string, ctx: DiffContext): void {
  if (before === undefined && after === undefined) return;
  if (before === undefined) {
    ctx.changes.push({ path: at, attribute: ctx.attribute, after, kind: 'added' });
    return;
  }
  if (after === undefined) {
    ctx.changes.push({ path: at, attribute: ctx.attribute, before, kind: 'removed' });
    return;
  }
  if (typeof before === 'string' && typeof after === 'string') {
    if (before === after) return;
    if (normalizeVolatile(before) === normalizeVolatile(after)) {
      ctx.ignored += 1;
      return;
    }
    const a = parseJsonString(before);
    const b = parseJsonString(after);
    if (a !== undefined && b !== undefined) {
      compare(a, b, `${at} → `, ctx);
      return;
    }
    ctx.changes.push({ path: at, attribute: ctx.attribute, before, after, kind: 'changed' });
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    for (let i = 0; i < Math.max(before.length, after.length); i += 1) compare(before[i], after[i], joinPath(at, i), ctx);
    return;
  }
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => k !== '//').sort();
    for (const key of keys) {
      if (VOLATILE_KEYS.has(key)) {
        if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) ctx.ignored += 1;
        continue;
      }
      compare(before[key], after[key], joinPath(at, key), ctx);
    }
    return;
  }
  if (JSON.stringify(before) !== JSON.stringify(after)) ctx.changes.push({ path: at, attribute: ctx.attribute, before, after, kind: 'changed' });
}

type StackJson = TerraformConfig & Record<string, Json | undefined>;

function resourcesOf(stack: StackJson): Map<string, Json> {
  return new Map(configuredResources(stack).map((r) => [r.address, r.body as Json]));
}

/** Diffs two cdk.tf.json documents of one stack (either may be undefined: stack added or removed). */
export function diffStack(stack: string, before: StackJson | undefined, after: StackJson | undefined): StackDiff {
  const a = resourcesOf(before ?? {});
  const b = resourcesOf(after ?? {});
  const result: StackDiff = {
    stack,
    status: before === undefined ? 'added' : after === undefined ? 'removed' : 'unchanged',
    added: [...b.keys()].filter((k) => !a.has(k)).sort(),
    removed: [...a.keys()].filter((k) => !b.has(k)).sort(),
    changed: [],
    settings: [],
    ignored: 0,
  };
  for (const address of [...a.keys()].filter((k) => b.has(k)).sort()) {
    const ctx: DiffContext = { changes: [], ignored: 0, attribute: '' };
    const x = a.get(address);
    const y = b.get(address);
    if (isObject(x!) && isObject(y!)) {
      for (const key of [...new Set([...Object.keys(x), ...Object.keys(y)])].filter((k) => k !== '//').sort()) {
        ctx.attribute = key;
        if (VOLATILE_KEYS.has(key)) {
          if (JSON.stringify(x[key]) !== JSON.stringify(y[key])) ctx.ignored += 1;
          continue;
        }
        compare(x[key], y[key], key, ctx);
      }
    } else {
      compare(x, y, '', ctx);
    }
    result.ignored += ctx.ignored;
    if (ctx.changes.length > 0) result.changed.push({ address, changes: ctx.changes });
  }
  if (before && after) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => k !== 'resource' && k !== '//').sort();
    for (const key of keys) {
      const ctx: DiffContext = { changes: [], ignored: 0, attribute: key };
      compare(before[key], after[key], key, ctx);
      result.settings.push(...ctx.changes);
      result.ignored += ctx.ignored;
    }
    if (result.added.length || result.removed.length || result.changed.length || result.settings.length) result.status = 'changed';
  }
  return result;
}

/** Diffs every stack of two synth output folders (`<outdir>/stacks/<stack>/cdk.tf.json`). */
export function diffOutdirs(beforeOut: string, afterOut: string): StackDiff[] {
  const read = (out: string): Map<string, StackJson> => {
    const dir = path.join(out, 'stacks');
    const stacks = new Map<string, StackJson>();
    if (!fs.existsSync(dir)) return stacks;
    for (const name of fs.readdirSync(dir).sort()) {
      const file = path.join(dir, name, 'cdk.tf.json');
      if (fs.existsSync(file)) stacks.set(name, JSON.parse(fs.readFileSync(file, 'utf8')) as StackJson);
    }
    return stacks;
  };
  const a = read(beforeOut);
  const b = read(afterOut);
  return [...new Set([...a.keys(), ...b.keys()])].sort().map((name) => diffStack(name, a.get(name), b.get(name)));
}

// ---------------------------------------------------------------------------
// Markdown
// ---------------------------------------------------------------------------

const code = (text: string): string => `\`${text.replace(/`/g, 'ˋ')}\``;

/** A value for the details block: JSON, one line, cut to `max` characters. */
function show(value: Json | undefined, max = 160): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The lines of a multi-line string that differ (longest common subsequence), at most `limit`. */
export function changedLines(before: string, after: string, limit = 30): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  if (a.length * b.length > 4_000_000) return [`- (${a.length} lines)`, `+ (${b.length} lines)`];
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i -= 1) for (let j = b.length - 1; j >= 0; j -= 1) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      i += 1;
      j += 1;
    } else if (i < a.length && (j === b.length || lcs[i + 1][j] >= lcs[i][j + 1])) {
      out.push(`- ${a[i]}`);
      i += 1;
    } else {
      out.push(`+ ${b[j]}`);
      j += 1;
    }
  }
  return out.length > limit ? [...out.slice(0, limit), `… ${out.length - limit} more changed lines`] : out;
}

function detailLines(change: ValueChange): string[] {
  const head = `  ${change.path}`;
  if (change.kind === 'added') return [`${head}`, `+   ${show(change.after)}`];
  if (change.kind === 'removed') return [`${head}`, `-   ${show(change.before)}`];
  if (typeof change.before === 'string' && typeof change.after === 'string' && (change.before.includes('\n') || change.after.includes('\n'))) {
    return [`${head} (multi-line text)`, ...changedLines(change.before, change.after).map((line) => `${line[0]}   ${line.slice(2)}`)];
  }
  return [head, `-   ${show(change.before)}`, `+   ${show(change.after)}`];
}

/** Top-level attributes of a resource diff with the number of paths below each: `policy (3)`. */
function attributeSummary(changes: readonly ValueChange[]): string {
  const counts = new Map<string, number>();
  for (const c of changes) counts.set(c.attribute, (counts.get(c.attribute) ?? 0) + 1);
  return [...counts.entries()].map(([attribute, n]) => (n > 1 ? `${code(attribute)} (${n} paths)` : code(changes.find((c) => c.attribute === attribute)!.path))).join(', ');
}

export interface MarkdownOptions {
  /** Shown in the title, e.g. "`main` (3f9c2e1)". */
  base: string;
  /** Shown in the title, e.g. "working tree". */
  head: string;
}

/** The whole report as GitHub-flavoured Markdown. */
export function formatMarkdown(diffs: readonly StackDiff[], options: MarkdownOptions): string {
  const lines: string[] = [`## Synth diff: ${options.base} → ${options.head}`, ''];
  const changedStacks = diffs.filter((d) => d.status !== 'unchanged');
  const ignored = diffs.reduce((n, d) => n + d.ignored, 0);
  if (changedStacks.length === 0) {
    lines.push(`No changes in ${diffs.length} stack${diffs.length === 1 ? '' : 's'} (${diffs.map((d) => code(d.stack)).join(', ')}).`);
    if (ignored) lines.push('', `_${ignored} volatile value${ignored === 1 ? '' : 's'} (asset hashes) ignored._`);
    return `${lines.join('\n')}\n`;
  }
  lines.push('| stack | added | removed | changed | settings |', '|---|---:|---:|---:|---:|');
  for (const d of diffs) {
    const note = d.status === 'added' ? ' (new stack)' : d.status === 'removed' ? ' (removed stack)' : d.status === 'unchanged' ? ' (no changes)' : '';
    lines.push(`| ${code(d.stack)}${note} | ${d.added.length} | ${d.removed.length} | ${d.changed.length} | ${d.settings.length} |`);
  }
  for (const d of changedStacks) {
    lines.push('', `### ${d.stack}`, '');
    if (d.status === 'added') lines.push(`New stack with ${d.added.length} resources.`, '');
    if (d.status === 'removed') lines.push(`Stack removed (${d.removed.length} resources).`, '');
    if (d.added.length) {
      lines.push(`**Added (${d.added.length})**`, '');
      if (d.added.length > 15) lines.push('<details><summary>show</summary>', '');
      lines.push(...d.added.map((a) => `- ${code(a)}`));
      if (d.added.length > 15) lines.push('', '</details>');
      lines.push('');
    }
    if (d.removed.length) {
      lines.push(`**Removed (${d.removed.length})**`, '');
      if (d.removed.length > 15) lines.push('<details><summary>show</summary>', '');
      lines.push(...d.removed.map((a) => `- ${code(a)}`));
      if (d.removed.length > 15) lines.push('', '</details>');
      lines.push('');
    }
    if (d.changed.length) {
      lines.push(`**Changed (${d.changed.length})**`, '', '| resource | changed attributes |', '|---|---|');
      for (const r of d.changed) lines.push(`| ${code(r.address)} | ${attributeSummary(r.changes)} |`);
      lines.push('', '<details><summary>changed values</summary>', '', '```diff');
      for (const r of d.changed) lines.push(r.address, ...r.changes.flatMap(detailLines));
      lines.push('```', '', '</details>', '');
    }
    if (d.settings.length) {
      lines.push(`**Stack settings (${d.settings.length})**`, '', '```diff', ...d.settings.flatMap(detailLines), '```', '');
    }
  }
  if (ignored) lines.push(`_${ignored} volatile value${ignored === 1 ? '' : 's'} (asset hashes, hashed asset paths) ignored._`);
  return `${lines.join('\n').replace(/\n+$/, '')}\n`;
}
