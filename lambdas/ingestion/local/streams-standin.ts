/**
 * A stand-in for DynamoDB Streams on 127.0.0.1 (dynalite has no streams and no other local emulator is installed
 * here): the service's JSON API (awsJson1_0, `DynamoDBStreams_20120810.*`) for DescribeStream (paged by
 * ExclusiveStartShardId / Limit), GetShardIterator (TRIM_HORIZON, LATEST, AT_ / AFTER_SEQUENCE_NUMBER) and
 * GetRecords (Limit, NextShardIterator absent once a closed shard is read to its end), so the real SDK client talks
 * to it. Semantics kept: shards with parent lineage (`rotate()` closes the open shard and opens its child, as the
 * service does every few hours), increasing sequence numbers, INSERT records with NEW_IMAGE, iterators that
 * expire (`expireIterators()`). Not modelled: retention trimming, MODIFY/REMOVE, several open shards at once.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { marshall } from '@aws-sdk/util-dynamodb';

interface StandInRecord {
  readonly sequenceNumber: string;
  readonly image: Record<string, unknown>;
  readonly keys: Record<string, unknown>;
  readonly at: number;
}

interface StandInShard {
  readonly shardId: string;
  readonly parentShardId?: string;
  readonly records: StandInRecord[];
  readonly startingSequenceNumber: string;
  endingSequenceNumber?: string;
}

interface Iterator {
  readonly shard: string;
  readonly pos: number;
  readonly generation: number;
}

export class StreamsStandIn {
  readonly shards: StandInShard[] = [];
  private sequence = 0n;
  private generation = 0;
  private server?: Server;
  /** Calls received, by action (tests check what the client did). */
  readonly calls: Record<string, number> = {};
  /** DescribeStream's shard order (the service promises none): newest first makes children come before parents. */
  listOrder: 'oldest-first' | 'newest-first' = 'oldest-first';

  constructor(
    readonly tableName: string,
    readonly keyAttribute = 'id',
    readonly region = 'us-east-1',
    /** Shards per DescribeStream page. */
    readonly pageSize = 100,
  ) {
    this.openShard();
  }

  get streamArn(): string {
    return `arn:aws:dynamodb:${this.region}:000000000000:table/${this.tableName}/stream/2026-01-01T00:00:00.000`;
  }

  private nextSequence(): string {
    this.sequence += 1n;
    return (10n ** 20n + this.sequence).toString();
  }

  private openShard(parent?: StandInShard): StandInShard {
    const shard: StandInShard = { shardId: `shardId-${String(this.shards.length + 1).padStart(20, '0')}-standin`, parentShardId: parent?.shardId, records: [], startingSequenceNumber: (10n ** 20n + this.sequence + 1n).toString() };
    this.shards.push(shard);
    return shard;
  }

  private get open(): StandInShard {
    return this.shards[this.shards.length - 1];
  }

  /** An INSERT of `item` (as E1 writes it) on the open shard; returns its sequence number. */
  put(item: Record<string, unknown>): string {
    const sequenceNumber = this.nextSequence();
    this.open.records.push({ sequenceNumber, image: marshall(item, { removeUndefinedValues: true }), keys: marshall({ [this.keyAttribute]: item[this.keyAttribute] }), at: Date.now() });
    return sequenceNumber;
  }

  /** Closes the open shard and opens its child. */
  rotate(): void {
    const closing = this.open;
    closing.endingSequenceNumber = closing.records.at(-1)?.sequenceNumber ?? closing.startingSequenceNumber;
    this.openShard(closing);
  }

  /** Every iterator handed out so far expires (ExpiredIteratorException on its next use). */
  expireIterators(): void {
    this.generation++;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((e: Error) => reply(res, 500, { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: e.message }));
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(0, '127.0.0.1', () => resolve());
    });
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const s = this.server;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const action = String(req.headers['x-amz-target'] ?? '').replace(/^DynamoDBStreams_20120810\./, '');
    this.calls[action] = (this.calls[action] ?? 0) + 1;
    const input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
    const fail = (type: string, message: string) => reply(res, 400, { __type: `com.amazonaws.dynamodb.v20120810#${type}`, message });
    if (action !== 'ListStreams' && input.StreamArn !== undefined && input.StreamArn !== this.streamArn) return fail('ResourceNotFoundException', `Requested resource not found: Stream: ${String(input.StreamArn)} not found`);
    switch (action) {
      case 'DescribeStream': {
        const limit = Math.min(Number(input.Limit ?? this.pageSize), this.pageSize);
        const listed = this.listOrder === 'newest-first' ? [...this.shards].reverse() : this.shards;
        const from = input.ExclusiveStartShardId ? listed.findIndex((s) => s.shardId === input.ExclusiveStartShardId) + 1 : 0;
        const page = listed.slice(from, from + limit);
        const more = from + limit < listed.length;
        return reply(res, 200, {
          StreamDescription: {
            StreamArn: this.streamArn,
            StreamLabel: '2026-01-01T00:00:00.000',
            StreamStatus: 'ENABLED',
            StreamViewType: 'NEW_IMAGE',
            TableName: this.tableName,
            KeySchema: [{ AttributeName: this.keyAttribute, KeyType: 'HASH' }],
            Shards: page.map((s) => ({ ShardId: s.shardId, ParentShardId: s.parentShardId, SequenceNumberRange: { StartingSequenceNumber: s.startingSequenceNumber, EndingSequenceNumber: s.endingSequenceNumber } })),
            LastEvaluatedShardId: more ? page.at(-1)?.shardId : undefined,
          },
        });
      }
      case 'GetShardIterator': {
        const shard = this.shards.find((s) => s.shardId === input.ShardId);
        if (!shard) return fail('ResourceNotFoundException', `Requested resource not found: Shard ${String(input.ShardId)} not found`);
        const type = String(input.ShardIteratorType);
        let pos: number;
        if (type === 'TRIM_HORIZON') pos = 0;
        else if (type === 'LATEST') pos = shard.records.length;
        else if (type === 'AT_SEQUENCE_NUMBER' || type === 'AFTER_SEQUENCE_NUMBER') {
          const i = shard.records.findIndex((r) => r.sequenceNumber === input.SequenceNumber);
          if (i < 0) return fail('ValidationException', `Invalid SequenceNumber ${String(input.SequenceNumber)} for shard ${shard.shardId}`);
          pos = type === 'AT_SEQUENCE_NUMBER' ? i : i + 1;
        } else return fail('ValidationException', `Invalid ShardIteratorType ${type}`);
        return reply(res, 200, { ShardIterator: this.iterator({ shard: shard.shardId, pos, generation: this.generation }) });
      }
      case 'GetRecords': {
        let it: Iterator;
        try {
          it = JSON.parse(Buffer.from(String(input.ShardIterator), 'base64url').toString('utf8')) as Iterator;
        } catch {
          return fail('ValidationException', 'Invalid ShardIterator');
        }
        if (it.generation < this.generation) return fail('ExpiredIteratorException', 'Iterator expired');
        const shard = this.shards.find((s) => s.shardId === it.shard);
        if (!shard) return fail('ResourceNotFoundException', 'Shard not found');
        const limit = Math.min(Number(input.Limit ?? 1000), 1000);
        const page = shard.records.slice(it.pos, it.pos + limit);
        const pos = it.pos + page.length;
        const ended = shard.endingSequenceNumber !== undefined && pos >= shard.records.length;
        return reply(res, 200, {
          Records: page.map((r) => ({
            eventID: `ev-${r.sequenceNumber}`,
            eventName: 'INSERT',
            eventVersion: '1.1',
            eventSource: 'aws:dynamodb',
            awsRegion: this.region,
            dynamodb: { ApproximateCreationDateTime: Math.floor(r.at / 1000), Keys: r.keys, NewImage: r.image, SequenceNumber: r.sequenceNumber, SizeBytes: JSON.stringify(r.image).length, StreamViewType: 'NEW_IMAGE' },
          })),
          NextShardIterator: ended ? undefined : this.iterator({ shard: shard.shardId, pos, generation: this.generation }),
        });
      }
      default:
        return fail('UnknownOperationException', `the stand-in does not implement ${JSON.stringify(action)}`);
    }
  }

  private iterator(it: Iterator): string {
    return Buffer.from(JSON.stringify(it), 'utf8').toString('base64url');
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'standin', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
