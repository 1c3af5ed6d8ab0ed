/** The replicator against kinesalite + dynalite: copies every record once, and its checkpoint survives a restart. */
import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand, PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { documentClient } from '../../../lambdas/lib/aws';
import { DynamoCheckpointStore, replicateShardBatch, type ReplicatorDeps } from '../../../lambdas/ingestion/replicator/core';
import { ShardPoller } from '../../../lambdas/ingestion/local/poller';
import { createCheckpointTable, createStream, dynamoClient, kinesisClient, startDynalite, startKinesalite, type LocalServer } from '../../../lambdas/ingestion/local/servers';

let kinesis: LocalServer;
let dynamo: LocalServer;
let kc: KinesisClient;
let ddb: ReturnType<typeof dynamoClient>;

beforeAll(async () => {
  [kinesis, dynamo] = await Promise.all([startKinesalite(), startDynalite()]);
  kc = kinesisClient(kinesis.endpoint);
  ddb = dynamoClient(dynamo.endpoint);
  await Promise.all([createStream(kc, 'primary', 4), createStream(kc, 'region2', 4), createCheckpointTable(ddb, 'checkpoints')]);
});
afterAll(async () => {
  kc.destroy();
  ddb.destroy();
  await Promise.all([kinesis.stop(), dynamo.stop()]);
});

const deps = (): ReplicatorDeps => ({ target: kc, targetStream: 'region2', sourceStream: 'primary', checkpoints: new DynamoCheckpointStore(documentClient(ddb), 'checkpoints') });

async function putSource(from: number, count: number): Promise<void> {
  const records = Array.from({ length: count }, (_, i) => ({ PartitionKey: `key-${(from + i) % 17}`, Data: Buffer.from(`record-${from + i}`) }));
  const res = await kc.send(new PutRecordsCommand({ StreamName: 'primary', Records: records }));
  expect(res.FailedRecordCount).toBe(0);
}

async function readAll(stream: string): Promise<string[]> {
  const out: string[] = [];
  const shards = await kc.send(new ListShardsCommand({ StreamName: stream }));
  for (const s of shards.Shards ?? []) {
    let it = (await kc.send(new GetShardIteratorCommand({ StreamName: stream, ShardId: s.ShardId, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
    for (;;) {
      const res = await kc.send(new GetRecordsCommand({ ShardIterator: it, Limit: 10_000 }));
      out.push(...(res.Records ?? []).map((r) => Buffer.from(r.Data!).toString()));
      if (!res.Records?.length) break;
      it = res.NextShardIterator;
    }
  }
  return out.sort();
}

function replicator(): ShardPoller {
  const d = deps();
  return new ShardPoller({
    client: kc,
    streamName: 'primary',
    batchSize: 100,
    idleMs: 20,
    startAfter: (shardId) => d.checkpoints.get(`primary/${shardId}`),
    handle: async (shardId, records) => {
      await replicateShardBatch(shardId, records, d);
      return undefined;
    },
  });
}

async function until(probe: () => Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

it('copies every record once across a restart, resuming from the checkpoint', async () => {
  await putSource(0, 300);
  const first = replicator();
  await first.start();
  await until(async () => (await readAll('region2')).length >= 300);
  await first.stop();

  // While the replicator is down, more records arrive; a new instance resumes after its checkpoints.
  await putSource(300, 200);
  const second = replicator();
  await second.start();
  await until(async () => (await readAll('region2')).length >= 500);
  await new Promise((r) => setTimeout(r, 300));
  await second.stop();

  const copied = await readAll('region2');
  expect(copied).toHaveLength(500);
  expect(copied).toEqual(await readAll('primary'));
  // The second instance started after the checkpoint: it delivered only the 200 new records.
  expect(second.delivered).toBe(200);
}, 240_000);

it('skips records at or below the checkpoint when a batch is redelivered', async () => {
  const shards = await kc.send(new ListShardsCommand({ StreamName: 'primary' }));
  const shardId = shards.Shards![0].ShardId!;
  const it0 = (await kc.send(new GetShardIteratorCommand({ StreamName: 'primary', ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
  const res = await kc.send(new GetRecordsCommand({ ShardIterator: it0, Limit: 50 }));
  const records = (res.Records ?? []).map((r) => ({ shardId, sequenceNumber: r.SequenceNumber!, partitionKey: r.PartitionKey!, data: Buffer.from(r.Data!).toString('base64'), approximateArrivalMs: Date.now() }));
  expect(records.length).toBeGreaterThan(0);
  const result = await replicateShardBatch(shardId, records, deps());
  expect(result).toMatchObject({ replicated: 0, skipped: records.length });
});
