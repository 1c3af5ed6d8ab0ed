/**
 * Checkpoints of the system's stream readers (the replicator per Kinesis shard, F1 per D5 stream shard): the last
 * sequence number handled, per key, in DynamoDB `ingestion-<env>-replicator-checkpoints` (partition key `shard`).
 */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Where each shard was handled up to. */
export interface CheckpointStore {
  get(shardKey: string): Promise<string | undefined>;
  put(shardKey: string, sequenceNumber: string): Promise<void>;
}

/** Checkpoints in a DynamoDB table: key `shard` (e.g. "<source stream>/<shard id>"), attribute `sequenceNumber`. */
export class DynamoCheckpointStore implements CheckpointStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(shardKey: string): Promise<string | undefined> {
    const res = await this.doc.send(new GetCommand({ TableName: this.table, Key: { shard: shardKey }, ConsistentRead: true }));
    return res.Item?.sequenceNumber as string | undefined;
  }

  async put(shardKey: string, sequenceNumber: string): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.table, Item: { shard: shardKey, sequenceNumber, updatedAt: Date.now() } }));
  }
}

/** In-memory checkpoints (tests). */
export class MemoryCheckpointStore implements CheckpointStore {
  readonly values = new Map<string, string>();

  async get(shardKey: string): Promise<string | undefined> {
    return this.values.get(shardKey);
  }

  async put(shardKey: string, sequenceNumber: string): Promise<void> {
    this.values.set(shardKey, sequenceNumber);
  }
}
