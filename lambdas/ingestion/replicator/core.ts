/**
 * The replicator: copies the primary stream's records to R1 (the stream of region 2), shard by shard, with a
 * checkpoint per source shard (the last sequence number copied). Records at or below the checkpoint are skipped,
 * so a redelivered batch or a restart copies nothing twice; a crash between PutRecords and the checkpoint write can
 * copy a record twice, which E1 in region 2 absorbs (it deduplicates on the envelope id). Bytes and partition keys
 * are copied unchanged, so R1 shards by the same keys.
 *
 * In AWS it runs as a Lambda attached to an enhanced fan-out consumer of the primary stream (its own 2 MB/s per
 * shard, pushed over HTTP/2); locally a poller stands in for the fan-out push (kinesalite has no SubscribeToShard).
 */
import { PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { CheckpointStore } from '../shared/checkpoints';
import { compareSequence, type StreamRecord } from '../shared/stream';

export { DynamoCheckpointStore, type CheckpointStore } from '../shared/checkpoints';

export interface ReplicatorDeps {
  /** Client of region 2. */
  readonly target: KinesisClient;
  readonly targetStream: string;
  readonly checkpoints: CheckpointStore;
  /** Name of the source stream (part of the checkpoint key). */
  readonly sourceStream: string;
  /** Attempts for records PutRecords refuses (throttling). @default 8 */
  readonly maxAttempts?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface ReplicationResult {
  readonly replicated: number;
  readonly skipped: number;
  /** now - arrival in the source stream, per copied record (ms): the replication lag. */
  readonly lagMs: number[];
  readonly checkpoint?: string;
}

/** Copies one shard's records (in sequence order) to the target stream and moves the checkpoint. */
export async function replicateShardBatch(shardId: string, records: readonly StreamRecord[], deps: ReplicatorDeps): Promise<ReplicationResult> {
  const key = `${deps.sourceStream}/${shardId}`;
  const checkpoint = await deps.checkpoints.get(key);
  const todo = [...records]
    .filter((r) => r.shardId === shardId)
    .filter((r) => checkpoint === undefined || compareSequence(r.sequenceNumber, checkpoint) > 0)
    .sort((a, b) => compareSequence(a.sequenceNumber, b.sequenceNumber));
  const now = deps.now ?? Date.now;
  const lagMs: number[] = [];
  let last = checkpoint;
  for (let i = 0; i < todo.length; i += 500) {
    const chunk = todo.slice(i, i + 500);
    await putAll(chunk, deps);
    const t = now();
    for (const r of chunk) lagMs.push(t - r.approximateArrivalMs);
    last = chunk[chunk.length - 1].sequenceNumber;
    await deps.checkpoints.put(key, last);
  }
  return { replicated: todo.length, skipped: records.length - todo.length, lagMs, checkpoint: last };
}

/** PutRecords of up to 500 records, retrying just the refused ones; throws when some are still refused. */
async function putAll(records: readonly StreamRecord[], deps: ReplicatorDeps): Promise<void> {
  let pending = [...records];
  const maxAttempts = deps.maxAttempts ?? 8;
  for (let attempt = 1; pending.length; attempt++) {
    const res = await deps.target.send(
      new PutRecordsCommand({
        StreamName: deps.targetStream,
        Records: pending.map((r) => ({ PartitionKey: r.partitionKey, Data: Buffer.from(r.data, 'base64') })),
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
