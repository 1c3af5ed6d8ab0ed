/** The DynamoDB idempotency store against dynalite (a local DynamoDB server on 127.0.0.1). */
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startDynalite, LOCAL_CREDENTIALS, LOCAL_REGION, type LocalServer } from '../../support/local-aws';
import { DynamoIdempotencyStore } from '../../../lambdas/recall/shared/idempotency';

let server: LocalServer;
let ddb: DynamoDBClient;
let now = 1_700_000_000_000;

beforeAll(async () => {
  server = await startDynalite();
  ddb = new DynamoDBClient({ endpoint: server.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  await ddb.send(new CreateTableCommand({ TableName: 'idem', AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' }));
});
afterAll(async () => {
  ddb.destroy();
  await server.stop();
});

test('claim, complete, duplicate; release lets a retry claim; an expired lease is taken over', async () => {
  const store = new DynamoIdempotencyStore(ddb, 'idem', { leaseSeconds: 60, retentionSeconds: 3600, now: () => now });
  expect(await store.claim('n-1')).toBe('claimed');
  expect(await store.claim('n-1')).toBe('in-progress');
  await store.complete('n-1', 'ses-123');
  expect(await store.claim('n-1')).toBe('completed');

  expect(await store.claim('n-2')).toBe('claimed');
  await store.release('n-2');
  expect(await store.claim('n-2')).toBe('claimed');
  now += 61_000; // the poller holding n-2 died: its lease ends
  expect(await store.claim('n-2')).toBe('claimed');
  // release never removes a completed record
  await store.release('n-1');
  expect(await store.claim('n-1')).toBe('completed');
  now += 3_600_000; // past retention
  expect(await store.claim('n-1')).toBe('claimed');
});

test('concurrent claims of one id: exactly one wins', async () => {
  const store = new DynamoIdempotencyStore(ddb, 'idem', { leaseSeconds: 60, retentionSeconds: 3600, now: () => now });
  const results = await Promise.all(Array.from({ length: 8 }, () => store.claim('race')));
  expect(results.filter((r) => r === 'claimed')).toHaveLength(1);
});
