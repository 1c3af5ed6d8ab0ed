/**
 * F1 (Fargate task, image from ECR): D5's stream -> per-minute summaries in S1,
 * `summaries/<yyyy-mm-ddThh:mm>/<first sequence>.json` = `{ minute, events, byPartitionKey: { key: count } }`.
 * The same image runs on the EC2 instance behind the ALB (serving the summaries); both write S1.
 */
import type { StoredEvent } from '../shared/items';

export interface Summary {
  readonly key: string;
  readonly minute: string;
  readonly events: number;
  readonly byPartitionKey: Readonly<Record<string, number>>;
}

export function summarize(events: readonly StoredEvent[]): Summary[] {
  const byMinute = new Map<string, StoredEvent[]>();
  for (const e of events) {
    const minute = new Date(Math.floor(e.receivedAt / 60_000) * 60_000).toISOString().slice(0, 16);
    (byMinute.get(minute) ?? byMinute.set(minute, []).get(minute)!).push(e);
  }
  return [...byMinute.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([minute, list]) => {
      const counts: Record<string, number> = {};
      for (const e of list) counts[e.partitionKey] = (counts[e.partitionKey] ?? 0) + 1;
      const sorted = Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
      return { key: `summaries/${minute}/${list[0].streamSequence}.json`, minute, events: list.length, byPartitionKey: sorted };
    });
}
