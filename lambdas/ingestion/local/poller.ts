/**
 * A local stand-in for Lambda's Kinesis event source mapping (and, for the replicator, for an enhanced fan-out
 * subscription): one loop per shard reads GetRecords batches in order and hands them to a handler. The handler
 * answers with the lowest failed sequence number (a partial batch response): the rest of the batch from there is
 * retried, up to `maxRetries` times, then reported to `onExhausted` (Lambda's on-failure destination) and skipped.
 * A handler that throws is retried the same way, bisecting the batch (bisectBatchOnFunctionError).
 *
 * With `prefetch`, a shard's next GetRecords is sent as soon as a batch has been read, so it runs while the handler
 * works on that batch (an enhanced fan-out subscription pushes records while the function runs; still one batch
 * per shard in the handler at a time, in order).
 */
import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand, type KinesisClient, type ShardIteratorType } from '@aws-sdk/client-kinesis';
import { compareSequence, type StreamRecord } from '../shared/stream';

export interface PollerOptions {
  readonly client: KinesisClient;
  readonly streamName: string;
  /** Records per batch (GetRecords Limit). @default 500 */
  readonly batchSize?: number;
  /** Wait after an empty read, ms; doubled on each further empty read up to `maxIdleMs`, reset by a non-empty one. @default 50 */
  readonly idleMs?: number;
  /** Longest wait between reads of an idle shard, ms (Lambda polls an idle shard once a second). @default 250 */
  readonly maxIdleMs?: number;
  /** Read a shard's next batch while the handler processes the current one. @default false */
  readonly prefetch?: boolean;
  /** Retries of a failing batch before it goes to onExhausted. @default 3 */
  readonly maxRetries?: number;
  /** Where to start a shard: after this sequence number, or from the oldest record (TRIM_HORIZON). */
  readonly startAfter?: (shardId: string) => Promise<string | undefined>;
  /** Processes one batch of one shard; returns the lowest failed sequence number, if any. */
  readonly handle: (shardId: string, records: StreamRecord[]) => Promise<string | undefined>;
  /** A batch that kept failing (Lambda's on-failure destination). */
  readonly onExhausted?: (shardId: string, records: StreamRecord[], reason: string) => Promise<void>;
  readonly onError?: (error: Error) => void;
}

export class ShardPoller {
  private running = false;
  private loops: Promise<void>[] = [];
  /** Records handed to the handler and not failed (for progress checks). */
  delivered = 0;

  constructor(private readonly o: PollerOptions) {}

  async start(): Promise<void> {
    const shards = await this.o.client.send(new ListShardsCommand({ StreamName: this.o.streamName }));
    this.running = true;
    this.loops = (shards.Shards ?? []).map((s) => this.loop(s.ShardId!));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private async loop(shardId: string): Promise<void> {
    try {
      const after = await this.o.startAfter?.(shardId);
      const type: ShardIteratorType = after ? 'AFTER_SEQUENCE_NUMBER' : 'TRIM_HORIZON';
      const idleMs = this.o.idleMs ?? 50;
      const maxIdleMs = Math.max(idleMs, this.o.maxIdleMs ?? 250);
      let wait = idleMs;
      const read = (shardIterator: string) => {
        const p = this.o.client.send(new GetRecordsCommand({ ShardIterator: shardIterator, Limit: this.o.batchSize ?? 500 }));
        p.catch(() => undefined); // a read still pending at stop() may fail; an awaited one throws below
        return p;
      };
      let iterator = (await this.o.client.send(new GetShardIteratorCommand({ StreamName: this.o.streamName, ShardId: shardId, ShardIteratorType: type, StartingSequenceNumber: after }))).ShardIterator;
      let next = iterator ? read(iterator) : undefined;
      while (this.running && next) {
        const res = await next;
        next = undefined;
        iterator = res.NextShardIterator;
        const records: StreamRecord[] = (res.Records ?? []).map((r) => ({
          shardId,
          sequenceNumber: r.SequenceNumber!,
          partitionKey: r.PartitionKey!,
          data: Buffer.from(r.Data ?? new Uint8Array()).toString('base64'),
          approximateArrivalMs: r.ApproximateArrivalTimestamp?.getTime() ?? Date.now(),
        }));
        if (!records.length) {
          await new Promise((r) => setTimeout(r, wait));
          wait = Math.min(maxIdleMs, wait * 2);
          if (this.running && iterator) next = read(iterator);
          continue;
        }
        wait = idleMs;
        if (this.o.prefetch && iterator) next = read(iterator);
        await this.deliver(shardId, records);
        if (!next && this.running && iterator) next = read(iterator);
      }
    } catch (e) {
      if (this.running) this.o.onError?.(e as Error);
    }
  }

  private async deliver(shardId: string, batch: StreamRecord[]): Promise<void> {
    let pending = batch;
    const maxRetries = this.o.maxRetries ?? 3;
    for (let attempt = 0; pending.length; attempt++) {
      let failedFrom: string | undefined;
      let reason = 'partial batch failure';
      try {
        failedFrom = await this.o.handle(shardId, pending);
      } catch (e) {
        reason = (e as Error).message;
        if (pending.length > 1) {
          // Bisect: each half on its own, in order.
          const half = Math.ceil(pending.length / 2);
          await this.deliver(shardId, pending.slice(0, half));
          await this.deliver(shardId, pending.slice(half));
          return;
        }
        failedFrom = pending[0].sequenceNumber;
      }
      if (failedFrom === undefined) {
        this.delivered += pending.length;
        return;
      }
      const from = pending.findIndex((r) => compareSequence(r.sequenceNumber, failedFrom!) >= 0);
      this.delivered += from < 0 ? pending.length : from;
      pending = from < 0 ? [] : pending.slice(from);
      if (pending.length && attempt >= maxRetries) {
        await this.o.onExhausted?.(shardId, pending, reason);
        return;
      }
    }
  }
}
