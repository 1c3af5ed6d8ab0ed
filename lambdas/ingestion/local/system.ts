/**
 * The whole local ingestion system in one process: kinesalite (the stream, 4 shards), dynalite (D5), the API
 * (models + VTL templates) in front, and E1's real handler fed by a local event source mapping. Records E1 cannot
 * parse go to an in-memory stand-in for the SQS on-failure queue (no local SQS server exists here).
 */
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { documentClient } from '../../lib/aws';
import { createConsumerHandler } from '../e1-consumer/handler';
import { failedRecord, MemoryFailureSink } from '../shared/failures';
import { toLambdaEvent } from '../shared/stream';
import { startLocalApi, type LocalApi } from './api';
import { ShardPoller } from './poller';
import { LOCAL_REGION, createEventsTable, createStream, dynamoClient, kinesisClient, startDynalite, startKinesalite, type LocalServer } from './servers';

export const LOCAL_NAMES = { stream: 'ingestion-local-events', table: 'ingestion-local-events' } as const;
export const LOCAL_SHARDS = 4;

export interface LocalSystemOptions {
  readonly port?: number;
  /** Records per E1 invocation. @default 500 */
  readonly batchSize?: number;
}

export interface LocalSystem {
  readonly api: LocalApi;
  readonly kinesis: LocalServer;
  readonly dynamodb: LocalServer;
  readonly table: string;
  readonly stream: string;
  readonly failures: MemoryFailureSink;
  readonly poller: ShardPoller;
  /** Items in D5 (a Scan count). */
  countItems(): Promise<number>;
  stop(): Promise<void>;
}

export async function startLocalSystem(o: LocalSystemOptions = {}): Promise<LocalSystem> {
  // Keep stdout for the system's own output: no EMF lines, only warnings from the handler's logger.
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  const kinesis = await startKinesalite();
  const dynamodb = await startDynalite();
  const kc = kinesisClient(kinesis.endpoint);
  const ddb = dynamoClient(dynamodb.endpoint);
  await createStream(kc, LOCAL_NAMES.stream, LOCAL_SHARDS);
  await createEventsTable(ddb, LOCAL_NAMES.table);
  const failures = new MemoryFailureSink();
  const handler = createConsumerHandler(async () => ({ doc: documentClient(ddb), table: LOCAL_NAMES.table, failures }));
  const arn = `arn:aws:kinesis:${LOCAL_REGION}:000000000000:stream/${LOCAL_NAMES.stream}`;
  const poller = new ShardPoller({
    client: kc,
    streamName: LOCAL_NAMES.stream,
    batchSize: o.batchSize ?? 500,
    handle: async (_shard, records) => (await handler(toLambdaEvent(records, arn, LOCAL_REGION))).batchItemFailures[0]?.itemIdentifier,
    onExhausted: (_shard, records, reason) => failures.send(records.map((r) => failedRecord('e1-consumer (retries exhausted)', r, reason))),
    onError: (e) => process.stderr.write(`e1 poller: ${e.message}\n`),
  });
  await poller.start();
  const api = await startLocalApi({ kinesisEndpoint: kinesis.endpoint, streamName: LOCAL_NAMES.stream, port: o.port, localRoutes: { '/_local/failures': () => failures.messages } });
  return {
    api,
    kinesis,
    dynamodb,
    table: LOCAL_NAMES.table,
    stream: LOCAL_NAMES.stream,
    failures,
    poller,
    countItems: async () => {
      let count = 0;
      let start: Record<string, never> | undefined;
      do {
        const res = await ddb.send(new ScanCommand({ TableName: LOCAL_NAMES.table, Select: 'COUNT', ExclusiveStartKey: start }));
        count += res.Count ?? 0;
        start = res.LastEvaluatedKey as typeof start;
      } while (start);
      return count;
    },
    stop: async () => {
      await api.close();
      await poller.stop();
      kc.destroy();
      ddb.destroy();
      await kinesis.stop();
      await dynamodb.stop();
    },
  };
}
