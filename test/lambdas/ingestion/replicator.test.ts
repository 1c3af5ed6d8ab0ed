/**
 * The replicator against kinesalite + dynalite: copies every record once, and its checkpoint survives a restart;
 * batches larger than one PutRecords call go out in lanes that keep each partition key's order.
 */
import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand, PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { documentClient } from '../../../lambdas/lib/aws';
import { MemoryCheckpointStore } from '../../../lambdas/ingestion/shared/checkpoints';
import type { StreamRecord } from '../../../lambdas/ingestion/shared/stream';
import { DynamoCheckpointStore, PUT_RECORDS_MAX_BYTES, chunkForPutRecords, laneOf, replicateShardBatch, type ReplicatorDeps } from '../../../lambdas/ingestion/replicator/core';
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
    prefetch: true,
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

/** The records of one shard of a stream, in order (a fresh iterator, up to 10,000 per read). */
async function readShard(stream: string, shardId: string): Promise<{ key: string; data: string; seq: string }[]> {
  const out: { key: string; data: string; seq: string }[] = [];
  let it = (await kc.send(new GetShardIteratorCommand({ StreamName: stream, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
  for (;;) {
    const res = await kc.send(new GetRecordsCommand({ ShardIterator: it, Limit: 10_000 }));
    out.push(...(res.Records ?? []).map((r) => ({ key: r.PartitionKey!, data: Buffer.from(r.Data!).toString(), seq: r.SequenceNumber! })));
    if (!res.Records?.length) break;
    it = res.NextShardIterator;
  }
  return out;
}

it('copies a batch larger than one call in lanes, keeping every partition key in its source order', async () => {
  await Promise.all([createStream(kc, 'lanes-src', 1), createStream(kc, 'lanes-dst', 4)]);
  // 1,300 records, 23 keys: three PutRecords calls' worth, so three lanes (at most 4).
  const source = Array.from({ length: 1300 }, (_, i) => ({ PartitionKey: `k-${i % 23}`, Data: Buffer.from(`r-${String(i).padStart(5, '0')}`) }));
  for (let i = 0; i < source.length; i += 500) await kc.send(new PutRecordsCommand({ StreamName: 'lanes-src', Records: source.slice(i, i + 500) }));
  const shardId = (await kc.send(new ListShardsCommand({ StreamName: 'lanes-src' }))).Shards![0].ShardId!;
  const read = await readShard('lanes-src', shardId);
  const records: StreamRecord[] = read.map((r) => ({ shardId, sequenceNumber: r.seq, partitionKey: r.key, data: Buffer.from(r.data).toString('base64'), approximateArrivalMs: Date.now() }));
  const sent: number[] = [];
  const target = { send: (cmd: PutRecordsCommand) => (sent.push(cmd.input.Records!.length), kc.send(cmd)) } as unknown as KinesisClient;
  const checkpoints = new MemoryCheckpointStore();
  const result = await replicateShardBatch(shardId, [...records].reverse(), { target, targetStream: 'lanes-dst', sourceStream: 'lanes-src', checkpoints, lanes: 4 });
  expect(result).toMatchObject({ replicated: 1300, skipped: 0, checkpoint: read[read.length - 1].seq });
  expect(result.lagMs).toHaveLength(1300);
  expect(checkpoints.values.get(`lanes-src/${shardId}`)).toBe(read[read.length - 1].seq);
  // Three lanes (1,300 records = 3 calls' worth), each call at most 500 records.
  expect(new Set(Array.from({ length: 23 }, (_, i) => laneOf(`k-${i}`, 3))).size).toBeGreaterThan(1);
  expect(sent.every((n) => n <= 500)).toBe(true);
  expect(sent.reduce((a, b) => a + b, 0)).toBe(1300);
  // R1: every record once, and per key in the source's order.
  const dstShards = (await kc.send(new ListShardsCommand({ StreamName: 'lanes-dst' }))).Shards!;
  const copied = (await Promise.all(dstShards.map((s) => readShard('lanes-dst', s.ShardId!)))).flat();
  expect(copied.map((r) => r.data).sort()).toEqual(source.map((r) => r.Data.toString()).sort());
  const byKey = new Map<string, string[]>();
  for (const r of copied) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r.data]);
  for (const [key, values] of byKey) expect({ key, values }).toEqual({ key, values: source.filter((r) => r.PartitionKey === key).map((r) => r.Data.toString()) });
}, 60_000);

describe('without a stream', () => {
  const record = (i: number, bytes = 10): StreamRecord => ({ shardId: 'shardId-000000000000', sequenceNumber: String(1000 + i), partitionKey: `k-${i % 7}`, data: Buffer.alloc(bytes, i).toString('base64'), approximateArrivalMs: 0 });
  const outgoing = (r: StreamRecord) => ({ record: r, bytes: Buffer.from(r.data, 'base64') });

  it('splits calls at 500 records and at 5 MiB (data and partition keys), keeping the order', () => {
    const small = Array.from({ length: 1201 }, (_, i) => outgoing(record(i)));
    expect(chunkForPutRecords(small).map((c) => c.length)).toEqual([500, 500, 201]);
    expect(chunkForPutRecords(small).flat()).toEqual(small);
    expect(chunkForPutRecords(small, 100)).toHaveLength(13);
    // 1 MiB records: five fit only without their partition keys, so four per call.
    const big = Array.from({ length: 9 }, (_, i) => outgoing(record(i, 1024 * 1024)));
    const calls = chunkForPutRecords(big);
    expect(calls.map((c) => c.length)).toEqual([4, 4, 1]);
    for (const c of calls) expect(c.reduce((n, o) => n + o.bytes.length + o.record.partitionKey.length, 0)).toBeLessThanOrEqual(PUT_RECORDS_MAX_BYTES);
  });

  it('retries only the refused records, and a lane that keeps failing fails the batch without moving the checkpoint', async () => {
    const calls: string[][] = [];
    let refuse = true;
    const target = {
      send: async (cmd: PutRecordsCommand) => {
        const keys = cmd.input.Records!.map((r) => Buffer.from(r.Data!).toString('base64'));
        calls.push(keys);
        // First call: the second record is refused (throttled).
        const failIx = refuse ? 1 : -1;
        refuse = false;
        return { FailedRecordCount: failIx >= 0 ? 1 : 0, Records: keys.map((_, j) => (j === failIx ? { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'slow down' } : { SequenceNumber: '1', ShardId: 's' })) };
      },
    } as unknown as KinesisClient;
    const checkpoints = new MemoryCheckpointStore();
    const records = Array.from({ length: 3 }, (_, i) => record(i));
    const ok = await replicateShardBatch('shardId-000000000000', records, { target, targetStream: 't', sourceStream: 's', checkpoints, sleep: async () => undefined });
    expect(ok).toMatchObject({ replicated: 3, checkpoint: '1002' });
    expect(calls).toEqual([records.map((r) => r.data), [records[1].data]]);

    const failing = async () => ({ FailedRecordCount: 1, Records: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'down' }] });
    const more = Array.from({ length: 1000 }, (_, i) => record(10 + i));
    const both = {
      send: (cmd: PutRecordsCommand) => (cmd.input.Records!.some((r) => Buffer.from(r.Data!).toString('base64') === more[999].data) ? failing() : target.send(cmd)),
    } as unknown as KinesisClient;
    // Single-record calls so the failing record's lane fails alone; the others are accepted.
    await expect(replicateShardBatch('shardId-000000000000', more, { target: both, targetStream: 't', sourceStream: 's', checkpoints, maxAttempts: 2, maxRecordsPerCall: 1, sleep: async () => undefined })).rejects.toThrow(
      /1 records still refused after 2 attempts \(InternalFailure: down\)/,
    );
    expect(checkpoints.values.get('s/shardId-000000000000')).toBe('1002');
  });
});
