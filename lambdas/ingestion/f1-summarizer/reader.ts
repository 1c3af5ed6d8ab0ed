/**
 * F1's DynamoDB Streams reader: a long-running consumer of D5's stream (what the Kinesis Client Library's
 * DynamoDB Streams adapter does, without a lease table: F1 runs as one task). Each pass lists the stream's shards,
 * reads every shard whose parent is finished (or gone: trimmed after 24 h) from its checkpoint (or TRIM_HORIZON) to
 * the end of what is there, hands each page of records to `handle`, then checkpoints the page's last sequence
 * number. A closed shard read to its end (no NextShardIterator) is checkpointed as finished, so its children
 * start after it: per-key order is kept across shard splits and rotations (a shard lives about 4 hours).
 *
 * At-least-once: a crash between `handle` and the checkpoint replays that page; F1's summaries are keyed by the
 * page, so the replay overwrites the same objects. The service-specific calls are behind {@link StreamsApi}
 * (the AWS SDK adapter is `sdkStreamsApi` in streams-api.ts).
 */
import type { CheckpointStore } from '../shared/checkpoints';
import type { TableStreamRecord } from '../shared/items';

export interface StreamShard {
  readonly shardId: string;
  readonly parentShardId?: string;
}

export interface StreamsPage {
  readonly records: readonly (TableStreamRecord & { readonly dynamodb?: { readonly SequenceNumber?: string } })[];
  /** Absent once a closed shard has been read to its end. */
  readonly nextIterator?: string;
}

/** The DynamoDB Streams calls the reader makes. */
export interface StreamsApi {
  /** Every shard of the stream (all DescribeStream pages). */
  listShards(streamArn: string): Promise<StreamShard[]>;
  /** TRIM_HORIZON when `afterSequence` is undefined, else AFTER_SEQUENCE_NUMBER. */
  shardIterator(streamArn: string, shardId: string, afterSequence?: string): Promise<string | undefined>;
  records(iterator: string, limit: number): Promise<StreamsPage>;
}

/** Checkpoint value of a shard read to its end. */
export const SHARD_END = 'SHARD_END';

export interface ReaderOptions {
  readonly api: StreamsApi;
  readonly streamArn: string;
  readonly checkpoints: CheckpointStore;
  /** Checkpoint keys are `<prefix><shard id>`. @default 'f1/<stream label>/' */
  readonly checkpointPrefix?: string;
  /** Handles one page of one shard; throwing stops the pass (the page is read again next pass). */
  readonly handle: (shardId: string, records: StreamsPage['records']) => Promise<void>;
  /** GetRecords Limit (the service's maximum is 1,000). @default 1000 */
  readonly limit?: number;
  /** Pause between passes that found nothing new, ms. @default 1000 */
  readonly idleMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly onError?: (error: Error) => void;
}

export interface PassResult {
  /** Records handed to `handle` in this pass. */
  readonly records: number;
  /** Shards read to their end in this pass. */
  readonly finished: readonly string[];
}

/** Errors after which a shard's iterator is thrown away and taken again from the checkpoint. */
const RENEW = new Set(['ExpiredIteratorException', 'TrimmedDataAccessException']);

export class StreamReader {
  private readonly iterators = new Map<string, string>();
  private readonly finished = new Set<string>();
  private running = false;
  private loop?: Promise<void>;

  constructor(private readonly o: ReaderOptions) {}

  private key(shardId: string): string {
    return `${this.o.checkpointPrefix ?? `f1/${this.o.streamArn.split('/').slice(-3).join('/')}/`}${shardId}`;
  }

  /** One pass over the stream's shards; parents before children. */
  async pass(): Promise<PassResult> {
    const shards = await this.o.api.listShards(this.o.streamArn);
    const known = new Set(shards.map((s) => s.shardId));
    let records = 0;
    const finished: string[] = [];
    // A child becomes readable when its parent finishes within this pass: repeat until no shard makes progress.
    for (let progress = true; progress; ) {
      progress = false;
      for (const shard of shards) {
        if (this.finished.has(shard.shardId)) continue;
        const checkpoint = await this.o.checkpoints.get(this.key(shard.shardId));
        if (checkpoint === SHARD_END) {
          this.finished.add(shard.shardId);
          progress = true;
          continue;
        }
        if (shard.parentShardId && known.has(shard.parentShardId) && !this.finished.has(shard.parentShardId)) continue;
        const read = await this.readShard(shard.shardId, checkpoint);
        records += read.records;
        if (read.finished) {
          finished.push(shard.shardId);
          progress = true;
        }
      }
    }
    return { records, finished };
  }

  /** Reads one shard until it has nothing more (or ends). */
  private async readShard(shardId: string, checkpoint: string | undefined): Promise<{ records: number; finished: boolean }> {
    let records = 0;
    let iterator = this.iterators.get(shardId) ?? (await this.o.api.shardIterator(this.o.streamArn, shardId, checkpoint));
    while (iterator) {
      let page: StreamsPage;
      try {
        page = await this.o.api.records(iterator, this.o.limit ?? 1000);
      } catch (e) {
        const name = (e as Error).name;
        if (!RENEW.has(name)) throw e;
        this.iterators.delete(shardId);
        const from = name === 'TrimmedDataAccessException' ? undefined : await this.o.checkpoints.get(this.key(shardId));
        iterator = await this.o.api.shardIterator(this.o.streamArn, shardId, from);
        continue;
      }
      if (page.records.length) {
        await this.o.handle(shardId, page.records);
        const last = page.records[page.records.length - 1].dynamodb?.SequenceNumber;
        if (last) await this.o.checkpoints.put(this.key(shardId), last);
        records += page.records.length;
      }
      if (!page.nextIterator) {
        await this.o.checkpoints.put(this.key(shardId), SHARD_END);
        this.iterators.delete(shardId);
        this.finished.add(shardId);
        return { records, finished: true };
      }
      iterator = page.nextIterator;
      this.iterators.set(shardId, iterator);
      if (!page.records.length) break;
    }
    return { records, finished: false };
  }

  /** Passes until stopped; a failed pass is reported and retried after the idle pause. */
  start(): void {
    if (this.running) return;
    this.running = true;
    const sleep = this.o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    this.loop = (async () => {
      while (this.running) {
        let found = 0;
        try {
          found = (await this.pass()).records;
        } catch (e) {
          this.iterators.clear();
          this.o.onError?.(e as Error);
        }
        if (this.running && !found) await sleep(this.o.idleMs ?? 1000);
      }
    })();
  }

  /** Stops after the current page (its checkpoint written). */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}
