/**
 * The worker's `serve` mode (the EC2 instance behind the ALB, under /reports): merges F1's per-minute summaries
 * (read from S1 `summaries/`) into a report written to S1 `reports/`. Pure parts: request validation and the merge.
 */
import { createHash } from 'node:crypto';
import type { Summary } from './core';

export type SummaryBody = Omit<Summary, 'key'>;

export interface Report {
  readonly minutes: readonly string[];
  readonly events: number;
  readonly byPartitionKey: Readonly<Record<string, number>>;
  /** The summaries it was made of. */
  readonly sources: readonly string[];
}

export interface ReportRequest {
  readonly keys: readonly string[];
  readonly name?: string;
}

export const MAX_REPORT_KEYS = 100;
const SUMMARY_KEY = /^summaries\/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}\/[0-9A-Za-z._-]{1,200}\.json$/;
const REPORT_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** `POST /reports` body: `{ "keys": ["summaries/<minute>/<seq>.json", ...] (1-100), "name"?: "a-z0-9-" }`. */
export function parseReportRequest(body: unknown): { ok: true; value: ReportRequest } | { ok: false; message: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, message: `body must be a JSON object (received ${show(body)})` };
  const b = body as Record<string, unknown>;
  const extra = Object.keys(b).filter((k) => k !== 'keys' && k !== 'name');
  if (extra.length) return { ok: false, message: `unknown field ${JSON.stringify(extra[0])}` };
  if (!Array.isArray(b.keys) || b.keys.length < 1 || b.keys.length > MAX_REPORT_KEYS) return { ok: false, message: `keys must be an array of 1-${MAX_REPORT_KEYS} summary keys (received ${show(b.keys)})` };
  const bad = b.keys.findIndex((k) => typeof k !== 'string' || !SUMMARY_KEY.test(k));
  if (bad >= 0) return { ok: false, message: `keys[${bad}] must be a summary key like "summaries/2026-12-04T14:05/123.json" (received ${show(b.keys[bad])})` };
  if (b.name !== undefined && (typeof b.name !== 'string' || !REPORT_NAME.test(b.name))) return { ok: false, message: `name must be 1-64 of a-z, 0-9 and "-" (received ${show(b.name)})` };
  return { ok: true, value: { keys: b.keys as string[], name: b.name as string | undefined } };
}

/** Sums summaries; keys sorted so the report's bytes depend only on its inputs. */
export function mergeSummaries(sources: readonly { key: string; summary: SummaryBody }[]): Report {
  const counts: Record<string, number> = {};
  let events = 0;
  const minutes = new Set<string>();
  for (const { summary } of sources) {
    minutes.add(summary.minute);
    events += summary.events;
    for (const [k, n] of Object.entries(summary.byPartitionKey)) counts[k] = (counts[k] ?? 0) + n;
  }
  return {
    minutes: [...minutes].sort(),
    events,
    byPartitionKey: Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b))),
    sources: sources.map((s) => s.key).sort(),
  };
}

/** `reports/<name>.json`, or a name from the sorted keys (the same request writes the same object). */
export function reportKey(request: ReportRequest): string {
  const name = request.name ?? createHash('sha256').update([...request.keys].sort().join('\n')).digest('hex').slice(0, 16);
  return `reports/${name}.json`;
}

/** A stored summary's body, checked; throws naming the key. */
export function parseSummary(key: string, text: string): SummaryBody {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new Error(`${key} is not JSON`);
  }
  const s = v as Partial<SummaryBody>;
  if (typeof s?.minute !== 'string' || typeof s.events !== 'number' || typeof s.byPartitionKey !== 'object' || s.byPartitionKey === null) throw new Error(`${key} is not a summary (minute, events, byPartitionKey)`);
  return { minute: s.minute, events: s.events, byPartitionKey: s.byPartitionKey };
}

function show(v: unknown): string {
  const t = JSON.stringify(v);
  return t === undefined ? String(v) : t.length > 80 ? `${t.slice(0, 77)}...` : t;
}
