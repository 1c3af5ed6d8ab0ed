/**
 * E1: Kinesis records -> DynamoDB table D5, idempotently. Each record's envelope id is the item key: ids already
 * in the table (a redelivered batch, a replay, the replicator's at-least-once copy) are skipped after one
 * BatchGetItem per 100 ids, new ones are written with BatchWriteItem (25 per call); groups of 100 ids are checked
 * and written concurrently (up to 8 writes in flight). Items are built from the envelope alone, so even two writers
 * racing on one id store the same bytes.
 *
 * A record that is not an envelope, or too large for a DynamoDB item, goes to the on-failure destination with the
 * reason and counts as processed (the batch goes on). A record whose write fails (throttling after retries) is
 * reported in batchItemFailures: Lambda retries from the lowest failed sequence number (bisecting on errors).
 */
import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { decodeEnvelope } from '../shared/envelope';
import { failedRecord, type FailedRecord, type FailureSink } from '../shared/failures';
import { compareSequence, type StreamRecord } from '../shared/stream';

/** DynamoDB's item limit is 400 KB; envelopes above this go to the on-failure destination (R2 keeps them). */
export const MAX_ITEM_BYTES = 390_000;

export interface ConsumerDeps {
  readonly doc: DynamoDBDocumentClient;
  readonly table: string;
  readonly failures: FailureSink;
  /** Name of this consumer in failure messages, e.g. "e1-consumer". @default 'e1-consumer' */
  readonly source?: string;
  /** BatchWriteItem calls in flight (up to 4 per group of 100 ids, groups checked and written concurrently). @default 8 */
  readonly concurrency?: number;
  /** Attempts for unprocessed items. @default 6 */
  readonly maxAttempts?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface EventItem {
  readonly id: string;
  readonly receivedAt: number;
  readonly partitionKey: string;
  readonly data: unknown;
}

export interface BatchResult {
  readonly batchItemFailures: { itemIdentifier: string }[];
  readonly written: number;
  readonly duplicates: number;
  readonly poison: number;
}

export async function consumeBatch(records: readonly StreamRecord[], deps: ConsumerDeps): Promise<BatchResult> {
  const source = deps.source ?? 'e1-consumer';
  const poison: FailedRecord[] = [];
  const byId = new Map<string, { item: EventItem; records: StreamRecord[] }>();
  for (const r of records) {
    const decoded = decodeEnvelope(r.data);
    if (!decoded.ok) {
      poison.push(failedRecord(source, r, decoded.reason));
      continue;
    }
    const item: EventItem = { id: decoded.envelope.id, receivedAt: decoded.envelope.receivedAt, partitionKey: r.partitionKey, data: decoded.envelope.data };
    const size = Buffer.byteLength(JSON.stringify(item));
    if (size > MAX_ITEM_BYTES) {
      poison.push(failedRecord(source, r, `record ${item.id} is ${size} bytes as an item, over DynamoDB's 400 KB item limit (kept in the retention bucket R2)`));
      continue;
    }
    const seen = byId.get(item.id);
    if (seen) seen.records.push(r);
    else byId.set(item.id, { item, records: [r] });
  }

  const failed: StreamRecord[] = [];
  let duplicates = records.length - poison.length - byId.size;
  let written = 0;
  // Groups of 100 ids (one BatchGetItem each), a few groups at once; each group's new ids are written 25 per
  // BatchWriteItem right after its own check, so checks and writes of different groups overlap.
  const concurrency = deps.concurrency ?? 8;
  const writesPerGroup = Math.min(4, concurrency);
  await pool(chunks([...byId.keys()], 100), Math.max(1, Math.floor(concurrency / writesPerGroup)), async (group) => {
    let existing = new Set<string>();
    try {
      existing = new Set(await existingIds(deps, group));
    } catch {
      // Could not read: treat every id as new (the write of an existing id stores identical bytes).
    }
    for (const id of existing) duplicates += byId.get(id)?.records.length ?? 0;
    const fresh = group.filter((id) => !existing.has(id)).map((id) => byId.get(id)!);
    await pool(chunks(fresh, 25), writesPerGroup, async (chunk) => {
      const left = await writeChunk(deps, chunk.map((c) => c.item));
      written += chunk.length - left.size;
      for (const c of chunk) if (left.has(c.item.id)) failed.push(...c.records);
    });
  });

  if (poison.length) {
    try {
      await deps.failures.send(poison);
    } catch {
      // The destination is unreachable: retry those records with the batch.
      const bySeq = new Map(records.map((r) => [r.sequenceNumber, r]));
      for (const p of poison) failed.push(bySeq.get(p.sequenceNumber)!);
    }
  }
  failed.sort((a, b) => compareSequence(a.sequenceNumber, b.sequenceNumber));
  return {
    batchItemFailures: failed.map((r) => ({ itemIdentifier: r.sequenceNumber })),
    written,
    duplicates,
    poison: poison.length,
  };
}

async function existingIds(deps: ConsumerDeps, ids: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  let keys: Record<string, unknown>[] = ids.map((id) => ({ id }));
  for (let attempt = 1; keys.length; attempt++) {
    const res = await deps.doc.send(new BatchGetCommand({ RequestItems: { [deps.table]: { Keys: keys, ProjectionExpression: 'id' } } }));
    for (const item of res.Responses?.[deps.table] ?? []) found.push(item.id as string);
    keys = (res.UnprocessedKeys?.[deps.table]?.Keys ?? []) as Record<string, unknown>[];
    if (keys.length && attempt >= (deps.maxAttempts ?? 6)) throw new Error(`BatchGetItem ${deps.table}: ${keys.length} keys unprocessed`);
    if (keys.length) await (deps.sleep ?? sleep)(backoff(attempt));
  }
  return found;
}

/** Writes up to 25 items; returns the ids still unwritten after the retries. */
async function writeChunk(deps: ConsumerDeps, items: readonly EventItem[]): Promise<Set<string>> {
  let requests = items.map((Item) => ({ PutRequest: { Item: { ...Item } } }));
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await deps.doc.send(new BatchWriteCommand({ RequestItems: { [deps.table]: requests } }));
      requests = (res.UnprocessedItems?.[deps.table] ?? []) as typeof requests;
    } catch (e) {
      if (attempt >= (deps.maxAttempts ?? 6)) return new Set(requests.map((r) => r.PutRequest.Item.id));
      void e;
    }
    if (!requests.length) return new Set();
    if (attempt >= (deps.maxAttempts ?? 6)) return new Set(requests.map((r) => r.PutRequest.Item.id));
    await (deps.sleep ?? sleep)(backoff(attempt));
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Runs fn over items with at most `limit` calls at once. */
async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

const backoff = (attempt: number) => Math.random() * Math.min(1000, 20 * 2 ** attempt);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
