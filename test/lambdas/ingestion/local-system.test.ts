/**
 * The local ingestion system end to end: API (models + VTL) -> kinesalite (4 shards) -> E1's handler via the local
 * event source mapping -> dynalite. Malformed requests get 400 naming the field; a poison record reaches the
 * on-failure stand-in with the reason while the rest of the batch is stored; a repeated id is stored once.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { ListShardsCommand, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { startLocalSystem, type LocalSystem } from '../../../lambdas/ingestion/local/system';
import { dynamoClient, kinesisClient } from '../../../lambdas/ingestion/local/servers';
import { encodeEnvelope } from '../../../lambdas/ingestion/shared/envelope';

let system: LocalSystem;

beforeAll(async () => {
  system = await startLocalSystem();
});
afterAll(async () => {
  await system?.stop();
});

async function post(path: string, body: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${system.api.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

it('creates the stream with 4 shards', async () => {
  const kc = kinesisClient(system.kinesis.endpoint);
  const shards = await kc.send(new ListShardsCommand({ StreamName: system.stream }));
  expect(shards.Shards).toHaveLength(4);
  kc.destroy();
});

it('stores posted records once each, duplicates included', async () => {
  const one = await post('/record', JSON.stringify({ id: 'local-a', partitionKey: 'k', data: { text: 'quote " and ü' } }));
  expect(one.status).toBe(200);
  expect(one.json.shardId).toMatch(/^shardId-/);
  const many = await post('/v1/records', JSON.stringify({ records: [{ id: 'local-b', data: 1 }, { id: 'local-a', data: { text: 'quote " and ü' } }, { id: 'local-c', data: 'aGk=' }] }));
  expect(many.status).toBe(200);
  expect(many.json.failedRecordCount).toBe(0);
  expect((many.json.records as unknown[]).map((r) => (r as { index: number }).index)).toEqual([0, 1, 2]);
  const ddb = dynamoClient(system.dynamodb.endpoint);
  const item = await until('local-c in D5', async () => (await ddb.send(new GetItemCommand({ TableName: system.table, Key: { id: { S: 'local-c' } } }))).Item);
  expect(item.data).toEqual({ S: 'aGk=' });
  const a = await ddb.send(new GetItemCommand({ TableName: system.table, Key: { id: { S: 'local-a' } } }));
  expect(a.Item?.data).toEqual({ M: { text: { S: 'quote " and ü' } } });
  ddb.destroy();
}, 180_000);

it.each([
  ['not JSON', '/record', '{"data": ', /not JSON/],
  ['missing data', '/record', '{"partitionKey":"k"}', /required property 'data'/],
  ['missing data in a batch', '/records', '{"records":[{"data":1},{"id":"x"}]}', /\/records\/1 must have required property 'data'/],
  ['more than 500 records', '/records', JSON.stringify({ records: Array.from({ length: 501 }, () => ({ data: 1 })) }), /\/records must NOT have more than 500 items/],
  ['an unknown field', '/record', '{"data":1,"extra":true}', /additional properties \("extra"\)/],
  ['a null data', '/record', '{"data":null}', /\/data must be/],
])('answers 400 for %s, naming the field', async (_what, path, body, message) => {
  const r = await post(path, body);
  expect(r.status).toBe(400);
  expect(r.json.error).toBe('bad_request');
  expect(r.json.message).toMatch(message);
});

it('answers 400 from the stream for a record over 1 MB', async () => {
  const r = await post('/record', JSON.stringify({ data: 'x'.repeat(1_048_600) }));
  expect(r.status).toBe(400);
  expect(r.json.error).toBe('rejected_by_stream');
  expect(String(r.json.message)).toMatch(/1048576/);
});

it('sends a record E1 cannot parse to the on-failure destination and stores the rest of the batch', async () => {
  const kc = kinesisClient(system.kinesis.endpoint);
  // Same partition key: same shard, so the good records share the poison record's batch.
  await kc.send(new PutRecordCommand({ StreamName: system.stream, PartitionKey: 'poison', Data: Buffer.from('{not an envelope') }));
  await kc.send(new PutRecordCommand({ StreamName: system.stream, PartitionKey: 'poison', Data: Buffer.from(encodeEnvelope({ id: 'after-poison', receivedAt: 1, data: { ok: true } }), 'base64') }));
  const failure = await until('the poison record in the failure destination', async () => system.failures.messages.find((m) => m.partitionKey === 'poison'));
  expect(failure.reason).toMatch(/not JSON/);
  expect(Buffer.from(failure.data, 'base64').toString()).toBe('{not an envelope');
  const ddb = dynamoClient(system.dynamodb.endpoint);
  await until('after-poison in D5', async () => (await ddb.send(new GetItemCommand({ TableName: system.table, Key: { id: { S: 'after-poison' } } }))).Item);
  ddb.destroy();
  kc.destroy();
}, 180_000);
