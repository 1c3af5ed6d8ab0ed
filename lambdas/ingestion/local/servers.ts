/**
 * Local servers of the ingestion system, in-process on 127.0.0.1: kinesalite (Kinesis, memory store) and dynalite
 * (DynamoDB), plus clients for them. @aws-sdk/client-kinesis speaks HTTP/2 by default, which kinesalite does not:
 * the clients use NodeHttpHandler (HTTP/1.1).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateStreamCommand, DescribeStreamSummaryCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { speedUpKinesalite } from './kinesalite-speedup';

// Neither package ships type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kinesalite = require('kinesalite') as (opts: { createStreamMs?: number; deleteStreamMs?: number; updateStreamMs?: number; shardLimit?: number }) => Server;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (opts: { createTableMs?: number; deleteTableMs?: number; updateTableMs?: number }) => Server;

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

export interface LocalServer {
  readonly endpoint: string;
  stop(): Promise<void>;
}

async function listen(server: Server, port = 0): Promise<LocalServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: actual } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${actual}`,
    stop: () =>
      new Promise<void>((resolve) => {
        (server as Server & { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** kinesalite's options here: no CREATING/DELETING delays, room for the streams of tests and the benchmark. */
export const KINESALITE_OPTIONS = { createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 100 } as const;

/** kinesalite in this process, its sequence-number arithmetic sped up (same values: see kinesalite-speedup.ts). */
export const startKinesalite = (): Promise<LocalServer> => {
  speedUpKinesalite();
  return listen(kinesalite(KINESALITE_OPTIONS));
};
export const startDynalite = (): Promise<LocalServer> => listen(dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }));

export function kinesisClient(endpoint: string): KinesisClient {
  return new KinesisClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, requestHandler: new NodeHttpHandler({ connectionTimeout: 2000 }), maxAttempts: 3 });
}

export function dynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, requestHandler: new NodeHttpHandler({ connectionTimeout: 2000 }) });
}

/** Creates a stream and waits until it is ACTIVE. */
export async function createStream(client: KinesisClient, streamName: string, shardCount: number): Promise<void> {
  await client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shardCount }));
  for (let i = 0; i < 100; i++) {
    const s = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    if (s.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`stream ${streamName} did not become ACTIVE`);
}

/** D5's layout (partition key `id`), as systems/ingestion/stack.ts declares it. */
export async function createEventsTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(new CreateTableCommand({ TableName: tableName, BillingMode: 'PAY_PER_REQUEST', KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }] }));
}

/** The replicator's checkpoint table (partition key `shard`). */
export async function createCheckpointTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(new CreateTableCommand({ TableName: tableName, BillingMode: 'PAY_PER_REQUEST', KeySchema: [{ AttributeName: 'shard', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'shard', AttributeType: 'S' }] }));
}
