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

test("memdown's iterator (kinesalite's store) yields the same entries, in order, asynchronously, one per tick", async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const memdown = require(require.resolve('memdown', { paths: [require.resolve('kinesalite/db')] })) as (() => MemDb) & { MemIterator: { prototype: { _next: { toString(): string } } } };
  expect(memdown.MemIterator.prototype._next.toString()).toContain('nextTick');
  const db = memdown();
  await new Promise<void>((ok, fail) => db.open((e) => (e ? fail(e) : ok())));
  const keys = Array.from({ length: 50 }, (_, i) => `k/${String(i).padStart(3, '0')}`);
  await new Promise<void>((ok, fail) => db.batch([...keys].reverse().map((key) => ({ type: 'put', key, value: `v${key}` })), (e) => (e ? fail(e) : ok())));
  const read = (options: Record<string, unknown>) =>
    new Promise<string[]>((ok, fail) => {
      const it = db.iterator({ keyAsBuffer: false, valueAsBuffer: false, ...options });
      const out: string[] = [];
      const step = () => {
        let sync = true;
        it.next((e, key, value) => {
          if (sync) return fail(new Error('next() called back synchronously'));
          if (e) return fail(e);
          if (key === undefined) return it.end(() => ok(out));
          out.push(`${key}=${value}`);
          step();
        });
        sync = false;
      };
      step();
    });
  const entry = (k: string) => `${k}=v${k}`;
  expect(await read({})).toEqual(keys.map(entry));
  expect(await read({ gte: 'k/010', lt: 'k/020' })).toEqual(keys.slice(10, 20).map(entry));
  expect(await read({ gt: 'k/010', lte: 'k/020', limit: 3 })).toEqual(keys.slice(11, 14).map(entry));
  expect(await read({ reverse: true, lt: 'k/005' })).toEqual(keys.slice(0, 5).reverse().map(entry));
  // get / put / batch: the same results, called back asynchronously.
  const call = <T>(f: (cb: (e?: Error | null, v?: T) => void) => void) =>
    new Promise<{ error?: string; value?: T }>((ok) => {
      let sync = true;
      f((e, v) => ok(sync ? { error: 'called back synchronously' } : e ? { error: e.message } : { value: v }));
      sync = false;
    });
  expect(await call<string>((cb) => db.get('k/007', { asBuffer: false }, cb))).toEqual({ value: 'vk/007' });
  expect(await call<string>((cb) => db.get('nope', { asBuffer: false }, cb))).toEqual({ error: 'NotFound' });
  expect(await call((cb) => db.put('k/007', 'changed', cb))).toEqual({});
  expect(await call((cb) => db.batch([{ type: 'put', key: 'k/100', value: 'new' }, { type: 'del', key: 'k/000' }], cb))).toEqual({});
  expect(await call<string>((cb) => db.get('k/007', { asBuffer: false }, cb))).toEqual({ value: 'changed' });
  expect(await call<string>((cb) => db.get('k/000', { asBuffer: false }, cb))).toEqual({ error: 'NotFound' });
  expect(await read({ gte: 'k/049' })).toEqual(['k/049=vk/049', 'k/100=new']);
});

interface MemDb {
  open(cb: (e?: Error) => void): void;
  batch(ops: ({ type: 'put'; key: string; value: string } | { type: 'del'; key: string })[], cb: (e?: Error) => void): void;
  get(key: string, o: { asBuffer: boolean }, cb: (e?: Error | null, v?: string) => void): void;
  put(key: string, value: string, cb: (e?: Error | null) => void): void;
  iterator(o: Record<string, unknown>): { next(cb: (e: Error | null | undefined, key?: string, value?: string) => void): void; end(cb: () => void): void };
}
