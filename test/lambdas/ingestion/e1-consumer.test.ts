/** E1's core against dynalite: idempotent writes, partial batch failures, poison records. */
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../../lambdas/lib/aws';
import { consumeBatch, type ConsumerDeps } from '../../../lambdas/ingestion/e1-consumer/core';
import { createConsumerHandler } from '../../../lambdas/ingestion/e1-consumer/handler';
import { encodeEnvelope } from '../../../lambdas/ingestion/shared/envelope';
import { MemoryFailureSink, type FailureSink } from '../../../lambdas/ingestion/shared/failures';
import { toLambdaEvent, type StreamRecord } from '../../../lambdas/ingestion/shared/stream';
import { createEventsTable, dynamoClient, startDynalite, type LocalServer } from '../../../lambdas/ingestion/local/servers';

let server: LocalServer;
let ddb: ReturnType<typeof dynamoClient>;
let doc: DynamoDBDocumentClient;
let tableNo = 0;

beforeAll(async () => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  server = await startDynalite();
  ddb = dynamoClient(server.endpoint);
  doc = documentClient(ddb);
});
afterAll(async () => {
  ddb.destroy();
  await server.stop();
});

async function freshTable(): Promise<string> {
  const name = `events-${++tableNo}`;
  await createEventsTable(ddb, name);
  return name;
}

async function items(table: string): Promise<Record<string, unknown>[]> {
  const res = await ddb.send(new ScanCommand({ TableName: table }));
  return res.Items ?? [];
}

let seq = 1000;
function record(id: string, data: unknown = { id }, partitionKey = 'pk'): StreamRecord {
  return { shardId: 'shardId-000000000000', sequenceNumber: String(++seq), partitionKey, data: encodeEnvelope({ id, receivedAt: 1_700_000_000_000, data }), approximateArrivalMs: Date.now() };
}

it('writes a redelivered batch once', async () => {
  const table = await freshTable();
  const failures = new MemoryFailureSink();
  const batch = Array.from({ length: 60 }, (_, i) => record(`e-${i}`));
  const first = await consumeBatch(batch, { doc, table, failures });
  expect(first).toEqual({ batchItemFailures: [], written: 60, duplicates: 0, poison: 0 });
  const again = await consumeBatch(batch, { doc, table, failures });
  expect(again).toEqual({ batchItemFailures: [], written: 0, duplicates: 60, poison: 0 });
  // Same id twice inside one batch (the replicator's at-least-once copy): one item.
  const twice = await consumeBatch([record('dup'), record('dup')], { doc, table, failures });
  expect(twice.written).toBe(1);
  expect(twice.duplicates).toBe(1);
  expect(await items(table)).toHaveLength(61);
});

it('reports the records whose writes failed, lowest sequence number first, and stores the rest', async () => {
  const table = await freshTable();
  // DynamoDB leaves the items of ids starting "slow-" unprocessed on every attempt (throttling).
  const throttling = {
    send: async (command: unknown) => {
      if (command instanceof BatchWriteCommand) {
        const requests = command.input.RequestItems![table];
        const keep = requests.filter((r) => !String(r.PutRequest!.Item!.id).startsWith('slow-'));
        const refused = requests.filter((r) => String(r.PutRequest!.Item!.id).startsWith('slow-'));
        const res = keep.length ? await doc.send(new BatchWriteCommand({ RequestItems: { [table]: keep } })) : {};
        return { ...res, UnprocessedItems: refused.length ? { [table]: refused } : {} };
      }
      return doc.send(command as never);
    },
  } as unknown as DynamoDBDocumentClient;
  const batch = [record('ok-1'), record('slow-1'), record('ok-2'), record('slow-2'), record('ok-3')];
  const result = await consumeBatch(batch, { doc: throttling, table, failures: new MemoryFailureSink(), maxAttempts: 2, sleep: async () => undefined });
  expect(result.batchItemFailures).toEqual([{ itemIdentifier: batch[1].sequenceNumber }, { itemIdentifier: batch[3].sequenceNumber }]);
  expect(result.written).toBe(3);
  expect((await items(table)).map((i) => (i.id as { S: string }).S).sort()).toEqual(['ok-1', 'ok-2', 'ok-3']);
  // Lambda retries from the lowest failed record: the retry stores the rest without rewriting ok-2 / ok-3.
  const retry = await consumeBatch(batch.slice(1), { doc, table, failures: new MemoryFailureSink() });
  expect(retry).toMatchObject({ batchItemFailures: [], written: 2, duplicates: 2 });
});

it('sends poison records to the on-failure destination with the reason and goes on', async () => {
  const table = await freshTable();
  const failures = new MemoryFailureSink();
  const poison: StreamRecord = { ...record('x'), data: Buffer.from('{"id": 5}').toString('base64') };
  const huge = record('huge', 'y'.repeat(400_000));
  const result = await consumeBatch([record('good-1'), poison, huge, record('good-2')], { doc, table, failures });
  expect(result).toEqual({ batchItemFailures: [], written: 2, duplicates: 0, poison: 2 });
  expect(failures.messages.map((m) => m.reason)).toEqual([expect.stringMatching(/"id" must be a non-empty string \(received 5\)/), expect.stringMatching(/over DynamoDB's 400 KB item limit/)]);
  expect(failures.messages[0]).toMatchObject({ source: 'e1-consumer', sequenceNumber: poison.sequenceNumber, partitionKey: 'pk', truncated: false });
});

it('retries poison records with the batch when the destination is down', async () => {
  const table = await freshTable();
  const down: FailureSink = { send: async () => Promise.reject(new Error('SQS unavailable')) };
  const poison: StreamRecord = { ...record('p'), data: 'bm90IGpzb24=' };
  const result = await consumeBatch([record('fine'), poison], { doc, table, failures: down });
  expect(result.batchItemFailures).toEqual([{ itemIdentifier: poison.sequenceNumber }]);
});

it('the Lambda handler answers a partial batch response from a Kinesis event', async () => {
  const table = await freshTable();
  const deps: ConsumerDeps = { doc, table, failures: new MemoryFailureSink() };
  const handler = createConsumerHandler(async () => deps);
  const event = toLambdaEvent([record('h-1'), record('h-2')], 'arn:aws:kinesis:us-east-1:111111111111:stream/s', 'us-east-1');
  await expect(handler(event)).resolves.toEqual({ batchItemFailures: [] });
  expect(await items(table)).toHaveLength(2);
});
