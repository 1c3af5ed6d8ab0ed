/** BatchWriteItem in groups of 25, with bounded parallelism and retry of unprocessed items. */
import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

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

/** BatchGetItem's limit of keys per call. */
export const DYNAMO_BATCH_GET_SIZE = 100;

/**
 * Which of these keys (two string attributes) exist in the table: BatchGetItem in groups of 100,
 * projecting only the keys, unprocessed keys retried. Returns `${hash}\u0000${range}` strings.
 * Needs dynamodb:BatchGetItem.
 */
export async function existingKeys(
  doc: DynamoDBDocumentClient,
  table: string,
  keys: readonly Record<string, string>[],
  opts: Pick<BatchWriteOptions, 'maxAttempts' | 'baseDelayMs' | 'sleep'> = {},
): Promise<Set<string>> {
  const found = new Set<string>();
  if (keys.length === 0) return found;
  const names = Object.keys(keys[0]!);
  if (names.length !== 2) throw new Error(`existingKeys: keys must have two attributes, got ${names.join(', ')}`);
  const sleep = opts.sleep ?? defaultSleep;
  for (let i = 0; i < keys.length; i += DYNAMO_BATCH_GET_SIZE) {
    let pending: Record<string, unknown>[] = keys.slice(i, i + DYNAMO_BATCH_GET_SIZE);
    for (let attempt = 1; pending.length > 0; attempt++) {
      const res = await doc.send(
        new BatchGetCommand({
          RequestItems: {
            [table]: { Keys: pending, ProjectionExpression: '#a, #b', ExpressionAttributeNames: { '#a': names[0]!, '#b': names[1]! } },
          },
        }),
      );
      for (const item of res.Responses?.[table] ?? []) found.add(`${String(item[names[0]!])}\u0000${String(item[names[1]!])}`);
      pending = (res.UnprocessedKeys?.[table]?.Keys ?? []) as Record<string, unknown>[];
      if (pending.length === 0) break;
      if (attempt >= (opts.maxAttempts ?? 8)) throw new Error(`DynamoDB ${table}: ${pending.length} keys still unprocessed after ${attempt} BatchGetItem attempts`);
      await sleep(Math.random() * Math.min(2000, (opts.baseDelayMs ?? 25) * 2 ** attempt));
    }
  }
  return found;
}
