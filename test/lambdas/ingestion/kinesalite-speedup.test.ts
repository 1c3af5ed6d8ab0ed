/** kinesalite's sequence-number arithmetic on native BigInt computes what bignumber.js computed (same values, same errors). */
import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand, PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { speedUpKinesalite } from '../../../lambdas/ingestion/local/kinesalite-speedup';
import { createStream, kinesisClient, startKinesalite, type LocalServer } from '../../../lambdas/ingestion/local/servers';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const db = require('kinesalite/db') as ReturnType<typeof speedUpKinesalite> & Record<string, unknown>;
const original = speedUpKinesalite();
let server: LocalServer;
let kc: KinesisClient;

beforeAll(async () => {
  server = await startKinesalite();
  kc = kinesisClient(server.endpoint);
  await createStream(kc, 'speed', 4);
});
afterAll(async () => {
  kc.destroy();
  await server.stop();
});

test('the patch is installed once and keeps the originals', () => {
  expect(db.parseSequence).not.toBe(original.parseSequence);
  expect(speedUpKinesalite()).toBe(original);
});

test('sequence numbers of a real stream: parse, stringify and increment agree with bignumber.js', async () => {
  const keys = Array.from({ length: 120 }, (_, i) => `device-${i}-\u00e9`);
  const put = await kc.send(new PutRecordsCommand({ StreamName: 'speed', Records: keys.map((k) => ({ PartitionKey: k, Data: Buffer.from(k) })) }));
  const seqs = put.Records!.map((r) => r.SequenceNumber!);
  const shards = (await kc.send(new ListShardsCommand({ StreamName: 'speed' }))).Shards!;
  seqs.push(...shards.map((s) => s.SequenceNumberRange!.StartingSequenceNumber!));
  for (const seq of seqs) {
    const fast = db.parseSequence(seq);
    expect(fast).toEqual(original.parseSequence(seq));
    expect(db.stringifySequence(fast)).toBe(seq);
    expect(db.stringifySequence(fast)).toBe(original.stringifySequence(original.parseSequence(seq)));
    expect(db.incrementSequence(seq)).toBe(original.incrementSequence(seq));
    expect(db.incrementSequence(fast, 1_800_000_000_000)).toBe(original.incrementSequence(original.parseSequence(seq), 1_800_000_000_000));
  }
  // Records land on the shard whose hash-key range holds the key's MD5, as before the patch.
  for (const k of keys) {
    for (const s of shards) {
      for (const bound of [s.HashKeyRange!.StartingHashKey!, s.HashKeyRange!.EndingHashKey!]) {
        expect(db.partitionKeyToHashKey(k).comparedTo(bound)).toBe(original.partitionKeyToHashKey(k).comparedTo(bound));
      }
    }
  }
  // And the stream reads back in order through the patched GetRecords.
  const it = await kc.send(new GetShardIteratorCommand({ StreamName: 'speed', ShardId: shards[0].ShardId, ShardIteratorType: 'TRIM_HORIZON' }));
  const got = await kc.send(new GetRecordsCommand({ ShardIterator: it.ShardIterator }));
  expect(got.Records!.map((r) => r.SequenceNumber)).toEqual(put.Records!.filter((r) => r.ShardId === shards[0].ShardId).map((r) => r.SequenceNumber));
});

test('older sequence versions and edge cases agree; bad input fails as before', () => {
  const objs = [
    { version: 0, shardCreateTime: 1_500_000_000_000, byte1: '0a', seqRand: '0123456789abcdef', shardIx: 5 },
    { version: 1, shardCreateTime: 1_500_000_000_000, byte1: '01', seqTime: 1_500_000_100_000, seqRand: '00112233445566', seqIx: 7, shardIx: 2 },
    { shardCreateTime: 1_764_800_000_000, shardIx: 0 },
    { shardCreateTime: 1_764_800_000_000, shardIx: 3, seqIx: '9223372036854775807', seqTime: 1_764_800_001_000 },
    { shardCreateTime: 1_764_800_000_000, shardIx: -1, seqIx: 1 },
  ];
  const outcome = (f: () => unknown) => {
    try {
      return { value: f() };
    } catch (e) {
      return { error: (e as Error).message };
    }
  };
  for (const o of objs) {
    const seq = original.stringifySequence(o);
    expect(db.stringifySequence(o)).toBe(seq);
    // Some of these do not parse back even in kinesalite itself (e.g. version 1): the same outcome either way.
    expect(outcome(() => db.parseSequence(seq))).toEqual(outcome(() => original.parseSequence(seq)));
  }
  for (const bad of ['abc', '', '-5', '1.5', '1', '9'.repeat(80)]) {
    expect(outcome(() => db.parseSequence(bad))).toEqual(outcome(() => original.parseSequence(bad)));
  }
});
