/**
 * L1: D5's stream -> S1. One NDJSON object per stream batch, `events/<yyyy>/<mm>/<dd>/<hh>/<first sequence>-<count>.ndjson`
 * (hour of the first event's arrival). The key depends only on the batch, so a retried batch overwrites the same
 * object: exports stay exactly-once per batch.
 */
import type { StoredEvent } from '../shared/items';

export interface ExportObject {
  readonly key: string;
  readonly body: string;
  readonly count: number;
}

export function exportObject(events: readonly StoredEvent[]): ExportObject | undefined {
  if (!events.length) return undefined;
  const first = events[0];
  const d = new Date(first.receivedAt);
  const pad = (n: number) => String(n).padStart(2, '0');
  const hour = `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${pad(d.getUTCHours())}`;
  const body = events.map((e) => JSON.stringify({ id: e.id, receivedAt: e.receivedAt, partitionKey: e.partitionKey, data: e.data })).join('\n') + '\n';
  return { key: `events/${hour}/${first.streamSequence}-${events.length}.ndjson`, body, count: events.length };
}
