/**
 * kinesalite (the local Kinesis) spends most of its CPU in bignumber.js: every record put and every record read
 * converts a 56-digit sequence number between bases, and every put hashes its partition key into a BigNumber and
 * compares it with each shard's decimal hash-key range (a profile of `npm run bench:ingestion`: 40 % of
 * kinesalite's CPU in bignumber.js, on a 2-core machine where kinesalite, dynalite and the pipeline share the CPU).
 *
 * `speedUpKinesalite()` replaces those functions of kinesalite's `db` module (`parseSequence`,
 * `stringifySequence`, `incrementSequence`, `partitionKeyToHashKey`) with native-BigInt versions computing the
 * same values; any input the fast path cannot take (not an integer, a negative shard index, ...) goes to the
 * original function, so errors stay kinesalite's own.
 *
 * It also makes memdown's iterator (kinesalite's in-memory store) hand over each entry on the next tick instead of
 * on the next turn of the event loop (setImmediate): GetRecords reads a shard through that iterator one entry per
 * callback, so a read of 500 records took 500 event-loop turns, each one behind whatever other requests were
 * waiting (the producer's PutRecords): measured in the benchmark, GetRecords took 378 ms at p50 and 2.2 s at p90
 * while the API was writing. Its get, put and batch likewise (a PutRecords went through four such turns, holding
 * the stream's lock). The entries, their order and the callback's asynchrony are unchanged.
 * test/lambdas/ingestion/kinesalite-speedup.test.ts checks
 * fast against original on sequence numbers of a real kinesalite stream and on edge cases. This changes the
 * emulator's speed, not its behaviour, and nothing of the system under test; the benchmark can run without it
 * (`--stock-kinesalite`).
 */

interface SeqObj {
  shardCreateTime: number;
  seqIx?: string | number;
  byte1?: string;
  seqTime?: number;
  seqRand?: string;
  shardIx: number;
  version?: number | null;
}

interface KinesaliteDb {
  parseSequence(seq: string): SeqObj;
  stringifySequence(obj: Partial<SeqObj>): string;
  incrementSequence(seqObj: SeqObj | string, seqTime?: number): string;
  partitionKeyToHashKey(partitionKey: string): { comparedTo(other: unknown): number };
  shardIxToHex(shardIx: number): string;
  __speedUp?: Originals;
}

export interface Originals {
  readonly parseSequence: KinesaliteDb['parseSequence'];
  readonly stringifySequence: KinesaliteDb['stringifySequence'];
  readonly incrementSequence: KinesaliteDb['incrementSequence'];
  readonly partitionKeyToHashKey: KinesaliteDb['partitionKeyToHashKey'];
}

const POW_2_124 = 1n << 124n;
const POW_2_124_NEXT = (1n << 125n) * 16n;
const POW_2_185 = 1n << 185n;
const POW_2_185_NEXT = (1n << 185n) * 3n / 2n;

/** Decimal strings (shard hash-key bounds) parsed once. */
const decimals = new Map<string, bigint>();

function hex2dec(hex: string): string {
  if (!/^[0-9a-f]+$/.test(hex)) throw new RangeError(`not hex: ${hex}`);
  return BigInt(`0x${hex}`).toString();
}

export function fastParseSequence(seq: string): SeqObj {
  if (typeof seq !== 'string' || !/^\d+$/.test(seq)) throw new RangeError('not a decimal integer');
  let n = BigInt(seq);
  if (n < POW_2_124) n += POW_2_124;
  const hex = n.toString(16);
  const version = n < POW_2_124_NEXT ? 0 : n > POW_2_185 && n < POW_2_185_NEXT ? parseInt(hex.slice(hex.length - 1), 16) : null;
  if (version === 2) {
    const seqIxHex = hex.slice(11, 27);
    let shardIxHex = hex.slice(38, 46);
    if (parseInt(seqIxHex[0], 16) > 7) throw new Error('Sequence index too high');
    if (parseInt(shardIxHex[0], 16) > 7) shardIxHex = `-${shardIxHex}`;
    const shardCreateSecs = parseInt(hex.slice(1, 10), 16);
    if (shardCreateSecs >= 16025175000) throw new Error(`Date too large: ${shardCreateSecs}`);
    return { shardCreateTime: shardCreateSecs * 1000, seqIx: hex2dec(seqIxHex), byte1: hex.slice(27, 29), seqTime: parseInt(hex.slice(29, 38), 16) * 1000, shardIx: parseInt(shardIxHex, 16), version };
  }
  if (version === 1) {
    return { shardCreateTime: parseInt(hex.slice(1, 10), 16) * 1000, byte1: hex.slice(11, 13), seqTime: parseInt(hex.slice(13, 22), 16) * 1000, seqRand: hex.slice(22, 36), seqIx: parseInt(hex.slice(36, 38), 16), shardIx: parseInt(hex.slice(38, 46), 16), version };
  }
  if (version === 0) {
    const shardCreateSecs = parseInt(hex.slice(1, 10), 16);
    if (shardCreateSecs >= 16025175000) throw new Error(`Date too large: ${shardCreateSecs}`);
    return { shardCreateTime: shardCreateSecs * 1000, byte1: hex.slice(10, 12), seqRand: hex.slice(12, 28), shardIx: parseInt(hex.slice(28, 32), 16), version };
  }
  throw new Error(`Unknown version: ${version}`);
}

function makeStringify(shardIxToHex: (ix: number) => string) {
  const seqIxHex = (seqIx: string | number | undefined): string => {
    const v = seqIx || 0;
    if (typeof v === 'number' ? !Number.isSafeInteger(v) || v < 0 : !/^\d+$/.test(v)) throw new RangeError('seqIx');
    return BigInt(v).toString(16);
  };
  const secsHex = (ms: number): string => `00000000${Math.floor(ms / 1000).toString(16)}`.slice(-9);
  return (obj: Partial<SeqObj>): string => {
    let hex: string;
    if (obj.version == null || obj.version == 2) {
      hex = ['2', secsHex(obj.shardCreateTime!), (obj.shardIx || 0).toString(16).slice(-1), `0000000000000000${seqIxHex(obj.seqIx)}`.slice(-16), obj.byte1 || '00', secsHex(obj.seqTime || obj.shardCreateTime!), shardIxToHex(obj.shardIx!), '2'].join('');
    } else if (obj.version == 1) {
      hex = ['2', secsHex(obj.shardCreateTime!), (obj.shardIx || 0).toString(16).slice(-1), obj.byte1 || '00', secsHex(obj.seqTime || obj.shardCreateTime!), obj.seqRand || '00000000000000', `0${(obj.seqIx || 0).toString(16)}`.slice(-2), shardIxToHex(obj.shardIx!), '1'].join('');
    } else if (obj.version === 0) {
      hex = ['1', secsHex(obj.shardCreateTime!), obj.byte1 || '00', obj.seqRand || '0000000000000000', shardIxToHex(obj.shardIx!).slice(-4)].join('');
    } else {
      throw new Error(`Unknown version: ${obj.version}`);
    }
    return hex2dec(hex);
  };
}

/** What memdown 5's MemIterator keeps: a functional-red-black-tree iterator, a bound test, a limit and the encodings. */
interface MemIteratorState {
  _done: number;
  _limit: number;
  _tree: { valid: boolean; key: { toString(): string }; value: { toString(): string } } & Record<'next' | 'prev', () => void>;
  _incr: 'next' | 'prev';
  _test(key: unknown): boolean;
  keyAsBuffer: boolean;
  valueAsBuffer: boolean;
}
type NextCallback = (err?: null, key?: unknown, value?: unknown) => void;
interface MemIteratorProto {
  _next(this: MemIteratorState, callback: NextCallback): void;
}

/** memdown 5's store: a functional-red-black-tree. */
interface Tree {
  get(key: unknown): { toString(): string } | undefined;
  find(key: unknown): TreeIterator;
  insert(key: unknown, value: unknown): Tree;
}
interface TreeIterator {
  valid: boolean;
  update(value: unknown): Tree;
  remove(): Tree;
}
interface MemDownState {
  _store: Tree;
}
type Callback = (err?: Error | null, value?: unknown) => void;
interface MemDownProto {
  _get(this: MemDownState, key: unknown, options: { asBuffer?: boolean }, callback: Callback): void;
  _put(this: MemDownState, key: unknown, value: unknown, options: unknown, callback: Callback): void;
  _batch(this: MemDownState, ops: readonly { type: string; key: unknown; value?: unknown }[], options: unknown, callback: Callback): void;
}

/** memdown 5's MemDOWN#_get / _put / _batch, line for line, with process.nextTick where they had setImmediate. */
function nextTickGet(this: MemDownState, key: unknown, options: { asBuffer?: boolean }, callback: Callback): void {
  let value: unknown = this._store.get(key);
  if (typeof value === 'undefined') return process.nextTick(callback, new Error('NotFound'));
  if (!options.asBuffer) value = String(value);
  process.nextTick(callback, null, value);
}

function nextTickPut(this: MemDownState, key: unknown, value: unknown, _options: unknown, callback: Callback): void {
  const iter = this._store.find(key);
  this._store = iter.valid ? iter.update(value) : this._store.insert(key, value);
  process.nextTick(callback);
}

function nextTickBatch(this: MemDownState, ops: readonly { type: string; key: unknown; value?: unknown }[], _options: unknown, callback: Callback): void {
  let tree = this._store;
  for (const op of ops) {
    const iter = tree.find(op.key);
    if (op.type === 'put') tree = iter.valid ? iter.update(op.value) : tree.insert(op.key, op.value);
    else tree = iter.remove();
  }
  this._store = tree;
  process.nextTick(callback);
}

/** memdown 5's MemIterator#_next, line for line, with process.nextTick where it had setImmediate. */
function nextTickNext(this: MemIteratorState, callback: NextCallback): void {
  if (this._done++ >= this._limit) return process.nextTick(callback);
  if (!this._tree.valid) return process.nextTick(callback);
  let key: unknown = this._tree.key;
  let value: unknown = this._tree.value;
  if (!this._test(key)) return process.nextTick(callback);
  if (!this.keyAsBuffer) key = String(key);
  if (!this.valueAsBuffer) value = String(value);
  this._tree[this._incr]();
  process.nextTick(callback, null, key, value);
}

type BigNumberCtor = new (v: string) => { comparedTo(other: unknown): number };

class HashKey {
  constructor(
    readonly value: bigint,
    private readonly BigNumber: BigNumberCtor,
  ) {}

  comparedTo(other: unknown): number {
    let y: bigint;
    if (typeof other === 'string' && /^\d+$/.test(other)) {
      y = decimals.get(other) ?? BigInt(other);
      if (decimals.size < 10_000) decimals.set(other, y);
    } else if (typeof other === 'number' && Number.isSafeInteger(other)) y = BigInt(other);
    else return new this.BigNumber(this.value.toString()).comparedTo(other);
    return this.value < y ? -1 : this.value > y ? 1 : 0;
  }
}

/** kinesalite's db module, patched once per process; returns the original functions (for the equivalence test). */
export function speedUpKinesalite(): Originals {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const db = require('kinesalite/db') as KinesaliteDb;
  if (db.__speedUp) return db.__speedUp;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createHash } = require('node:crypto') as typeof import('node:crypto');
  const originals: Originals = { parseSequence: db.parseSequence, stringifySequence: db.stringifySequence, incrementSequence: db.incrementSequence, partitionKeyToHashKey: db.partitionKeyToHashKey };
  const fastStringify = makeStringify(db.shardIxToHex);
  const withFallback =
    <A extends unknown[], R>(fast: (...a: A) => R, slow: (...a: A) => R) =>
    (...a: A): R => {
      try {
        return fast(...a);
      } catch {
        return slow(...a);
      }
    };
  const parseSequence = withFallback(fastParseSequence, originals.parseSequence);
  const stringifySequence = withFallback(fastStringify, originals.stringifySequence);
  db.parseSequence = parseSequence;
  db.stringifySequence = stringifySequence;
  db.incrementSequence = (seqObj, seqTime) => {
    const o = typeof seqObj === 'string' ? parseSequence(seqObj) : seqObj;
    return stringifySequence({ shardCreateTime: o.shardCreateTime, seqIx: o.seqIx, seqTime: seqTime || o.seqTime! + 1000, shardIx: o.shardIx });
  };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const BigNumber = require(require.resolve('bignumber.js', { paths: [require.resolve('kinesalite/db')] })) as BigNumberCtor;
  db.partitionKeyToHashKey = (partitionKey) => new HashKey(BigInt(`0x${createHash('md5').update(partitionKey, 'utf8').digest('hex')}`), BigNumber);
  // memdown's iterator: one entry per process.nextTick rather than per setImmediate (same entries, same order).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const memdown = require(require.resolve('memdown', { paths: [require.resolve('kinesalite/db')] })) as { prototype: MemDownProto; MemIterator?: { prototype: MemIteratorProto } };
  const iterator = memdown.MemIterator?.prototype;
  // Only the memdown this was written against (5.x: `_next` steps `this._tree[this._incr]()`); otherwise left as is.
  if (iterator && /this\._tree\[this\._incr\]\(\)/.test(String(iterator._next))) iterator._next = nextTickNext;
  // Its get / put / batch likewise: the tree changes at once (as before), the callback comes on the next tick.
  const store = memdown.prototype;
  if (/this\._store\.get\(key\)/.test(String(store._get)) && /setImmediate\(callback\)/.test(String(store._put)) && /setImmediate\(callback\)/.test(String(store._batch))) {
    store._get = nextTickGet;
    store._put = nextTickPut;
    store._batch = nextTickBatch;
  }
  db.__speedUp = originals;
  return originals;
}
