/**
 * A deterministic ZIP writer (no dependencies): the same files give the same
 * bytes on every run and every machine. Entries are sorted by name, every
 * timestamp is the DOS epoch (1980-01-01 00:00:00), every file is a regular
 * file with mode 0644, there are no extra fields, comments or data
 * descriptors, and the "version made by" is fixed (Unix, 2.0).
 *
 * Compression: `'store'` (the default) writes the bytes as they are, so the
 * archive depends only on the input. `'deflate'` uses Node's zlib, whose output
 * is only stable for one zlib build (`process.versions.zlib`): Node bundles
 * Chromium's zlib fork, and its compressed bytes have changed between releases.
 */
import { deflateRawSync } from 'node:zlib';

export type ZipCompression = 'store' | 'deflate';

/** One file of an archive. */
export interface ZipEntry {
  /** Path inside the archive, with forward slashes and no leading slash (e.g. "index.js"). */
  readonly name: string;
  readonly data: Buffer;
}

/** DOS date of 1980-01-01 (year 0 = 1980, month 1, day 1); DOS time 00:00:00. */
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const DOS_TIME = 0;
/** Version 2.0: what deflate and store need. */
const VERSION_NEEDED = 20;
/** Made by: Unix (3) << 8, spec version 2.0, so external attributes carry the Unix mode. */
const VERSION_MADE_BY = (3 << 8) | 20;
/** Regular file, rw-r--r--, in the high 16 bits of the external attributes. */
const EXTERNAL_ATTRIBUTES = (0o100644 << 16) >>> 0;
/** General-purpose flag bit 11: names are UTF-8. */
const FLAG_UTF8 = 0x0800;
const ZIP32_LIMIT = 0xffff_fffe;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb8_8320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE 802.3) as ZIP uses it. */
export function crc32(data: Buffer): number {
  let crc = 0xffff_ffff;
  for (let i = 0; i < data.length; i++) crc = CRC_TABLE[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffff_ffff) >>> 0;
}

/** Builds a ZIP archive of the entries (sorted by name; duplicate or unsafe names are refused). */
export function deterministicZip(entries: readonly ZipEntry[], compression: ZipCompression = 'store'): Buffer {
  const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  sorted.forEach((e, i) => {
    if (!e.name || e.name.startsWith('/') || e.name.includes('\\') || e.name.split('/').some((part) => part === '..' || part === '')) {
      throw new Error(`deterministicZip: entry name ${JSON.stringify(e.name)} must be a relative path with forward slashes`);
    }
    if (i > 0 && sorted[i - 1].name === e.name) throw new Error(`deterministicZip: entry ${JSON.stringify(e.name)} appears twice`);
  });

  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of sorted) {
    const name = Buffer.from(entry.name, 'utf8');
    const method = compression === 'deflate' ? 8 : 0;
    const body = method === 8 ? deflateRawSync(entry.data, { level: 9 }) : entry.data;
    const crc = crc32(entry.data);
    if (entry.data.length > ZIP32_LIMIT || offset > ZIP32_LIMIT) throw new Error(`deterministicZip: ${entry.name} does not fit a ZIP32 archive`);

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x0403_4b50, 0);
    local.writeUInt16LE(VERSION_NEEDED, 4);
    local.writeUInt16LE(FLAG_UTF8, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x0201_4b50, 0);
    central.writeUInt16LE(VERSION_MADE_BY, 4);
    central.writeUInt16LE(VERSION_NEEDED, 6);
    central.writeUInt16LE(FLAG_UTF8, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(entry.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(0, 30); // extra field length
    central.writeUInt16LE(0, 32); // comment length
    central.writeUInt16LE(0, 34); // disk number
    central.writeUInt16LE(0, 36); // internal attributes
    central.writeUInt32LE(EXTERNAL_ATTRIBUTES, 38);
    central.writeUInt32LE(offset, 42);

    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const centralDirectory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x0605_4b50, 0);
  end.writeUInt16LE(0, 4);
  end.writeUInt16LE(0, 6);
  end.writeUInt16LE(sorted.length, 8);
  end.writeUInt16LE(sorted.length, 10);
  end.writeUInt32LE(centralDirectory.length, 12);
  end.writeUInt32LE(offset, 16);
  end.writeUInt16LE(0, 20);
  return Buffer.concat([...locals, centralDirectory, end]);
}
