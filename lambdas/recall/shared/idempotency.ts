/**
 * Idempotency records keyed by notification id: a notification is sent at most once per record
 * lifetime, whatever SQS redelivers. `claim` takes an IN_PROGRESS lease (expiring after the
 * function timeout, so a crashed poller's claim frees itself), `complete` marks it COMPLETED
 * (kept `retentionSeconds`), `release` drops a lease after a failed send so a retry may send.
 */
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';

export type ClaimResult = 'claimed' | 'completed' | 'in-progress';

export interface IdempotencyStore {
  claim(id: string): Promise<ClaimResult>;
  complete(id: string, result: string): Promise<void>;
  release(id: string): Promise<void>;
}

export interface IdempotencyTimes {
  /** Seconds an IN_PROGRESS claim holds (the poller's timeout). */
  readonly leaseSeconds: number;
  /** Seconds a COMPLETED record is kept (redeliveries within it send nothing). */
  readonly retentionSeconds: number;
  /** Clock, ms. */
  readonly now?: () => number;
}

export const DEFAULT_IDEMPOTENCY_TIMES = { leaseSeconds: 120, retentionSeconds: 14 * 24 * 3600 } as const;

type Entry = { status: 'IN_PROGRESS' | 'COMPLETED'; until: number; result?: string };

/** In-memory store (tests, local mode, benchmark): same rules as the DynamoDB one. */
export class MemoryIdempotencyStore implements IdempotencyStore {
  readonly records = new Map<string, Entry>();
  private readonly now: () => number;

  constructor(private readonly times: IdempotencyTimes = DEFAULT_IDEMPOTENCY_TIMES) {
    this.now = times.now ?? Date.now;
  }

  async claim(id: string): Promise<ClaimResult> {
    const now = this.now();
    const cur = this.records.get(id);
    if (cur && cur.until > now) return cur.status === 'COMPLETED' ? 'completed' : 'in-progress';
    this.records.set(id, { status: 'IN_PROGRESS', until: now + this.times.leaseSeconds * 1000 });
    return 'claimed';
  }

  async complete(id: string, result: string): Promise<void> {
    this.records.set(id, { status: 'COMPLETED', until: this.now() + this.times.retentionSeconds * 1000, result });
  }

  async release(id: string): Promise<void> {
    if (this.records.get(id)?.status === 'IN_PROGRESS') this.records.delete(id);
  }
}

/** DynamoDB store: partition key `id`, attributes `status`, `until_ms`, `result`, TTL on `expires_at` (s). */
export class DynamoIdempotencyStore implements IdempotencyStore {
  private readonly now: () => number;

  constructor(
    private readonly ddb: DynamoDBClient,
    private readonly tableName: string,
    private readonly times: IdempotencyTimes = DEFAULT_IDEMPOTENCY_TIMES,
  ) {
    this.now = times.now ?? Date.now;
  }

  async claim(id: string): Promise<ClaimResult> {
    const now = this.now();
    const until = now + this.times.leaseSeconds * 1000;
    try {
      await this.ddb.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: { id: { S: id }, status: { S: 'IN_PROGRESS' }, until_ms: { N: String(until) }, expires_at: { N: String(Math.ceil(until / 1000)) } },
          // New, or an expired record (a lease whose poller died, or a completed record past retention).
          ConditionExpression: 'attribute_not_exists(id) OR until_ms < :now',
          ExpressionAttributeValues: { ':now': { N: String(now) } },
        }),
      );
      return 'claimed';
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException) && (err as { name?: string }).name !== 'ConditionalCheckFailedException') throw err;
    }
    const cur = await this.ddb.send(new GetItemCommand({ TableName: this.tableName, Key: { id: { S: id } }, ConsistentRead: true }));
    return cur.Item?.status?.S === 'COMPLETED' ? 'completed' : 'in-progress';
  }

  async complete(id: string, result: string): Promise<void> {
    const until = this.now() + this.times.retentionSeconds * 1000;
    await this.ddb.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: { id: { S: id } },
        UpdateExpression: 'SET #s = :done, until_ms = :until, expires_at = :ttl, #r = :result',
        ExpressionAttributeNames: { '#s': 'status', '#r': 'result' },
        ExpressionAttributeValues: { ':done': { S: 'COMPLETED' }, ':until': { N: String(until) }, ':ttl': { N: String(Math.ceil(until / 1000)) }, ':result': { S: result } },
      }),
    );
  }

  async release(id: string): Promise<void> {
    try {
      await this.ddb.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: { id: { S: id } },
          ConditionExpression: '#s = :inprog',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':inprog': { S: 'IN_PROGRESS' } },
        }),
      );
    } catch (err) {
      if ((err as { name?: string }).name !== 'ConditionalCheckFailedException') throw err;
    }
  }
}
