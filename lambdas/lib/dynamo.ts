/** BatchWriteItem in groups of 25, with bounded parallelism and retry of unprocessed items. */
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export const DYNAMO_BATCH_SIZE = 25;

export interface BatchWriteOptions {
  /** Batches in flight at once. */
  readonly concurrency?: number;
  /** Attempts per batch (the first included) before giving up on unprocessed items. */
  readonly maxAttempts?: number;
  readonly baseDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Writes one batch of ≤ 25 puts; unprocessed items are retried with jittered exponential backoff. */
export async function writeBatch(
  doc: DynamoDBDocumentClient,
  table: string,
  items: readonly Record<string, unknown>[],
  opts: BatchWriteOptions = {},
): Promise<{ attempts: number }> {
  const maxAttempts = opts.maxAttempts ?? 8;
  const base = opts.baseDelayMs ?? 25;
  const sleep = opts.sleep ?? defaultSleep;
  let requests = items.map((Item) => ({ PutRequest: { Item } }));
  for (let attempt = 1; ; attempt++) {
    const res = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
    const left = (res.UnprocessedItems?.[table] ?? []) as typeof requests;
    if (left.length === 0) return { attempts: attempt };
    if (attempt >= maxAttempts) {
      throw new Error(`DynamoDB ${table}: ${left.length} of ${items.length} items still unprocessed after ${attempt} attempts`);
    }
    requests = left;
    await sleep(Math.random() * Math.min(2000, base * 2 ** attempt));
  }
}

/** Collects items and writes them in batches of 25, at most `concurrency` batches in flight. */
export class BatchWriter {
  private buffer: Record<string, unknown>[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private failure?: Error;
  written = 0;
  batches = 0;
  retries = 0;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly opts: BatchWriteOptions = {},
  ) {}

  /** Adds an item; resolves once there is room for more (back-pressure for the caller's stream). */
  async add(item: Record<string, unknown>): Promise<void> {
    if (this.failure) throw this.failure;
    this.buffer.push(item);
    if (this.buffer.length >= DYNAMO_BATCH_SIZE) await this.launch();
  }

  async flush(): Promise<void> {
    if (this.buffer.length > 0) await this.launch();
    await Promise.allSettled([...this.inFlight]);
    if (this.failure) throw this.failure;
  }

  private async launch(): Promise<void> {
    const batch = this.buffer;
    this.buffer = [];
    const p: Promise<void> = writeBatch(this.doc, this.table, batch, this.opts)
      .then(({ attempts }) => {
        this.written += batch.length;
        this.batches++;
        this.retries += attempts - 1;
      })
      .catch((err: Error) => {
        this.failure ??= err;
      })
      .finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
    if (this.inFlight.size >= (this.opts.concurrency ?? 8)) await Promise.race(this.inFlight);
    if (this.failure) throw this.failure;
  }
}
