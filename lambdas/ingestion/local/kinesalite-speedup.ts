/**
 * kinesalite (the local Kinesis) spends most of its CPU in bignumber.js: every record put and every record read
 * converts a 56-digit sequence number between bases, and every put hashes its partition key into a BigNumber and
 * compares it with each shard's decimal hash-key range (a profile of `npm run bench:ingestion`: 40 % of
 * kinesalite's CPU in bignumber.js, on a 2-core machine where kinesalite, dynalite and the pipeline share the CPU).
 *
 * `speedUpKinesalite()` replaces those functions of kinesalite's `db` module (`parseSequence`,
 * `stringifySequence`, `incrementSequence`, `partitionKeyToHashKey`) with native-BigInt versions computing the
 * same values; any input the fast path cannot take (not an integer, a negative shard index, ...) goes to the
 * original function, so errors stay kinesalite's own. test/lambdas/ingestion/kinesalite-speedup.test.ts checks
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
  db.__speedUp = originals;
  return originals;
}
