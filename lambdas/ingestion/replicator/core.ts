/**
 * The replicator: copies the primary stream's records to R1 (the stream of region 2), shard by shard, with a
 * checkpoint per source shard (the last sequence number copied). Records at or below the checkpoint are skipped,
 * so a redelivered batch or a restart copies nothing twice; a crash between PutRecords and the checkpoint write can
 * copy a record twice, which E1 in region 2 absorbs (it deduplicates on the envelope id). Bytes and partition keys
 * are copied unchanged, so R1 shards by the same keys.
 *
 * A batch is copied in lanes: records are assigned to a lane by their partition key, every lane sends its records
 * in sequence order with one PutRecords in flight at a time (up to 500 records / 5 MiB per call), and the lanes run
 * concurrently (one lane per 500 records of the batch, at most `lanes`: a batch of up to 500 is a single call). Records of one partition key are therefore never in two calls at once: they reach R1 in the order
 * they had in the source shard. The checkpoint moves once per batch, after every lane has been accepted.
 *
 * In AWS it runs as a Lambda attached to an enhanced fan-out consumer of the primary stream (its own 2 MB/s per
 * shard, pushed over HTTP/2); locally a poller stands in for the fan-out push (kinesalite has no SubscribeToShard).
 */
import { PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { CheckpointStore } from '../shared/checkpoints';
import { compareSequence, type StreamRecord } from '../shared/stream';

export { DynamoCheckpointStore, type CheckpointStore } from '../shared/checkpoints';

/** PutRecords limits: records per call and bytes per call (data + partition keys). */
export const PUT_RECORDS_MAX_RECORDS = 500;
export const PUT_RECORDS_MAX_BYTES = 5 * 1024 * 1024;

export interface ReplicatorDeps {
  /** Client of region 2. */
  readonly target: KinesisClient;
  readonly targetStream: string;
  readonly checkpoints: CheckpointStore;
  /** Name of the source stream (part of the checkpoint key). */
  readonly sourceStream: string;
  /** Attempts for records PutRecords refuses (throttling). @default 8 */
  readonly maxAttempts?: number;
  /**
   * Lanes of a batch (PutRecords calls in flight at once per shard), at most one per `maxRecordsPerCall` records of
   * the batch; one partition key is always in one lane. @default 4
   */
  readonly lanes?: number;
  /** Records per PutRecords call (at most 500). @default 500 */
  readonly maxRecordsPerCall?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface ReplicationResult {
  readonly replicated: number;
  readonly skipped: number;
  /** Time R1 accepted the record's copy (the PutRecords call holding it returned) - its arrival in the source stream (ms). */
  readonly lagMs: number[];
  readonly checkpoint?: string;
}

interface Outgoing {
  readonly record: StreamRecord;
  readonly bytes: Buffer;
}

/** Lane of a partition key: FNV-1a of its UTF-16 code units, modulo the lane count. */
export function laneOf(partitionKey: string, lanes: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < partitionKey.length; i++) h = Math.imul(h ^ partitionKey.charCodeAt(i), 0x01000193);
  return (h >>> 0) % lanes;
}

/** Splits records (in order) into PutRecords calls of at most `maxRecords` records and PUT_RECORDS_MAX_BYTES bytes. */
export function chunkForPutRecords<T extends { readonly record: StreamRecord; readonly bytes: Buffer }>(items: readonly T[], maxRecords = PUT_RECORDS_MAX_RECORDS): T[][] {
  const calls: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const item of items) {
    const bytes = item.bytes.length + Buffer.byteLength(item.record.partitionKey, 'utf8');
    if (current.length && (current.length >= maxRecords || size + bytes > PUT_RECORDS_MAX_BYTES)) {
      calls.push(current);
      current = [];
      size = 0;
    }
    current.push(item);
    size += bytes;
  }
  if (current.length) calls.push(current);
  return calls;
}

/** Copies one shard's records (in sequence order) to the target stream and moves the checkpoint. */
export async function replicateShardBatch(shardId: string, records: readonly StreamRecord[], deps: ReplicatorDeps): Promise<ReplicationResult> {
  const key = `${deps.sourceStream}/${shardId}`;
  const checkpoint = await deps.checkpoints.get(key);
  const todo = records
    .filter((r) => r.shardId === shardId)
    .filter((r) => checkpoint === undefined || compareSequence(r.sequenceNumber, checkpoint) > 0)
    .sort((a, b) => compareSequence(a.sequenceNumber, b.sequenceNumber));
  if (!todo.length) return { replicated: 0, skipped: records.length, lagMs: [], checkpoint };
  const maxRecords = Math.min(PUT_RECORDS_MAX_RECORDS, Math.max(1, Math.floor(deps.maxRecordsPerCall ?? PUT_RECORDS_MAX_RECORDS)));
  // No more lanes than full calls: a batch that fits one call is one call (fewer, fuller calls cost less per record).
  const laneCount = Math.max(1, Math.min(Math.floor(deps.lanes ?? 4), Math.ceil(todo.length / maxRecords)));
  const lanes: Outgoing[][] = Array.from({ length: laneCount }, () => []);
  for (const record of todo) lanes[laneCount === 1 ? 0 : laneOf(record.partitionKey, laneCount)].push({ record, bytes: Buffer.from(record.data, 'base64') });
  const now = deps.now ?? Date.now;
  const lagMs: number[] = [];
  // Each lane: its calls one after the other (per-key order); the lanes at once. Any lane failing fails the batch
  // before the checkpoint moves (the retried batch copies again what was copied: at least once).
  const results = await Promise.allSettled(
    lanes
      .filter((lane) => lane.length)
      .map(async (lane) => {
        for (const call of chunkForPutRecords(lane, maxRecords)) {
          await putAll(call, deps);
          const t = now();
          for (const o of call) lagMs.push(t - o.record.approximateArrivalMs);
        }
      }),
  );
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  const last = todo[todo.length - 1].sequenceNumber;
  await deps.checkpoints.put(key, last);
  return { replicated: todo.length, skipped: records.length - todo.length, lagMs, checkpoint: last };
}

/** One PutRecords call, retrying just the refused records; throws when some are still refused. */
async function putAll(records: readonly Outgoing[], deps: ReplicatorDeps): Promise<void> {
  let pending = records;
  const maxAttempts = deps.maxAttempts ?? 8;
  for (let attempt = 1; pending.length; attempt++) {
    const res = await deps.target.send(
      new PutRecordsCommand({
        StreamName: deps.targetStream,
        Records: pending.map((o) => ({ PartitionKey: o.record.partitionKey, Data: o.bytes })),
      }),
    );
    const refused = pending.filter((_, j) => res.Records?.[j]?.ErrorCode);
    if (refused.length && attempt >= maxAttempts) {
      const first = res.Records?.find((x) => x.ErrorCode);
      throw new Error(`PutRecords to ${deps.targetStream}: ${refused.length} records still refused after ${attempt} attempts (${first?.ErrorCode}: ${first?.ErrorMessage})`);
    }
    pending = refused;
    if (pending.length) await (deps.sleep ?? ((ms) => new Promise<void>((r) => setTimeout(r, ms))))(Math.random() * Math.min(1000, 25 * 2 ** attempt));
  }
}
