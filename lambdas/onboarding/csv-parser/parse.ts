/**
 * Streaming CSV reader for vendor product files: bytes in, one row at a time out, never the
 * whole file in memory.
 *
 * Structure problems that make the file unusable throw {@link UploadRejectedError} with a reason
 * naming the line (or byte offset): not UTF-8, UTF-16, no header, header only, missing or
 * duplicated required columns, an unclosed quote, a record longer than the limit. A row that is
 * malformed on its own (more or fewer fields than the header) is yielded with `problem` set; the
 * rest of the file is still usable.
 *
 * Accepted: a UTF-8 byte-order mark, CRLF / LF / CR line ends (also mixed), quoted fields with
 * commas, quotes ("") and line breaks, blank lines (skipped), a quote inside an unquoted field
 * (kept literally, e.g. 27" monitor), header names in any case with spaces or hyphens.
 */
import { Readable, Transform, type TransformCallback, pipeline } from 'node:stream';
import { parse, CsvError } from 'csv-parse';
import { LIMITS, PRODUCT_COLUMNS, REQUIRED_COLUMNS, charLength, firstControlCharacter, normalizeHeader, type ProductColumn } from '../shared/catalog';

/** The upload cannot be processed at all; `reason` is what the vendor is told. */
export class UploadRejectedError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'UploadRejectedError';
  }
}

export interface HeaderInfo {
  /** Column per field position: a known product column, or null (ignored). */
  readonly columns: readonly (ProductColumn | null)[];
  /** Header names that are not product columns (ignored). */
  readonly ignored: readonly string[];
}

export interface CsvRow {
  /** 1-based data row. */
  readonly rowNumber: number;
  /** Line of the file where the row starts (header = line 1). */
  readonly line: number;
  /** Trimmed non-empty values of the known columns. */
  readonly values: Partial<Record<ProductColumn, string>>;
  /** Why the row is malformed, if it is. */
  readonly problem?: string;
}

export interface CsvSummary {
  readonly header: HeaderInfo;
  readonly rows: number;
  readonly malformedRows: number;
  /** Blank lines and rows whose fields are all empty (skipped, not counted as rows). */
  readonly skippedBlank: number;
  readonly bytes: number;
}

/** Validates the header row; throws UploadRejectedError for missing or duplicated columns. */
export function analyzeHeader(fields: readonly string[], line = 1): HeaderInfo {
  for (let i = 0; i < fields.length; i++) {
    const ctl = firstControlCharacter(fields[i]!);
    if (ctl) {
      throw new UploadRejectedError(
        `column ${i + 1} of the header (line ${line}) contains the control character ${ctl.codePoint} at character ${ctl.index + 1}; ` +
          'header names must be text (is the file UTF-16, UTF-32 or binary?); save it as CSV UTF-8',
      );
    }
  }
  const normalized = fields.map(normalizeHeader);
  const seen = new Map<string, number>();
  const duplicates: string[] = [];
  normalized.forEach((name, i) => {
    if (name === '') return;
    const first = seen.get(name);
    if (first !== undefined) duplicates.push(`"${fields[i]!.trim()}" (columns ${first + 1} and ${i + 1})`);
    else seen.set(name, i);
  });
  if (duplicates.length > 0) throw new UploadRejectedError(`duplicated column ${duplicates.join(', ')} in the header (line ${line})`);
  const missing = REQUIRED_COLUMNS.filter((c) => !seen.has(c));
  if (missing.length > 0) {
    const shown = fields.map((f) => f.trim()).filter((f) => f !== '').slice(0, 20).join(', ');
    throw new UploadRejectedError(
      `missing required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} in the header (line ${line}); the header has: ${shown || '(nothing)'}`,
    );
  }
  const columns = normalized.map((n) => (n in PRODUCT_COLUMNS ? (n as ProductColumn) : null));
  const ignored = fields.filter((_, i) => columns[i] === null && normalized[i] !== '').map((f) => f.trim());
  return { columns, ignored };
}

/**
 * Result of scanning bytes for UTF-8 validity: index of the first invalid byte (or -1), and the
 * end of the last complete character (a sequence cut at the end of the buffer is left over).
 */
export function scanUtf8(buf: Uint8Array): { invalidAt: number; completeEnd: number; newlines: number } {
  let i = 0;
  let newlines = 0;
  const n = buf.length;
  while (i < n) {
    const b = buf[i]!;
    if (b < 0x80) {
      if (b === 0x0a) newlines++;
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b === 0xe0) { need = 2; lo = 0xa0; }
    else if ((b >= 0xe1 && b <= 0xec) || b === 0xee || b === 0xef) need = 2;
    else if (b === 0xed) { need = 2; hi = 0x9f; }
    else if (b === 0xf0) { need = 3; lo = 0x90; }
    else if (b >= 0xf1 && b <= 0xf3) need = 3;
    else if (b === 0xf4) { need = 3; hi = 0x8f; }
    else return { invalidAt: i, completeEnd: i, newlines };
    for (let k = 1; k <= need; k++) {
      if (i + k >= n) return { invalidAt: -1, completeEnd: i, newlines };
      const c = buf[i + k]!;
      const min = k === 1 ? lo : 0x80;
      const max = k === 1 ? hi : 0xbf;
      if (c < min || c > max) return { invalidAt: i, completeEnd: i, newlines };
    }
    i += need + 1;
  }
  return { invalidAt: -1, completeEnd: n, newlines };
}

/** Bytes looked at before decoding: enough to see a BOM and the NUL pattern of UTF-16/32 text. */
const ENCODING_SNIFF_BYTES = 512;

/**
 * Rejects UTF-16 and UTF-32 files, with or without a byte-order mark. Without a BOM, such text
 * is "valid UTF-8" (NUL is ASCII), so it is recognised by its NUL bytes: in UTF-16 every second
 * byte of Latin text is 0, in UTF-32 three of four. Returns the reason, or undefined.
 */
export function sniffEncoding(head: Uint8Array): string | undefined {
  const b = head;
  const hint = 'save it as CSV UTF-8';
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) return `the file is UTF-32 encoded (it starts with a UTF-32LE byte-order mark); ${hint}`;
  if (b.length >= 4 && b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff) return `the file is UTF-32 encoded (it starts with a UTF-32BE byte-order mark); ${hint}`;
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return `the file is UTF-16 encoded (it starts with a UTF-16LE byte-order mark); ${hint}`;
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return `the file is UTF-16 encoded (it starts with a UTF-16BE byte-order mark); ${hint}`;
  const n = Math.min(b.length, ENCODING_SNIFF_BYTES);
  if (n < 2) return undefined;
  const zerosAt = [0, 0, 0, 0];
  let zeros = 0;
  for (let i = 0; i < n; i++) {
    if (b[i] === 0) {
      zeros++;
      zerosAt[i % 4]!++;
    }
  }
  if (zeros * 4 < n) return undefined; // a NUL here and there is data, judged per row by the validator
  const quarter = n / 4;
  const full = (k: number) => zerosAt[k]! >= quarter * 0.9;
  let kind: string;
  if (full(1) && full(2) && full(3)) kind = 'UTF-32LE';
  else if (full(0) && full(1) && full(2)) kind = 'UTF-32BE';
  else if (full(1) && full(3)) kind = 'UTF-16LE';
  else if (full(0) && full(2)) kind = 'UTF-16BE';
  else kind = 'UTF-16 or UTF-32';
  return `the file looks ${kind} encoded without a byte-order mark (${zeros} of its first ${n} bytes are NUL); ${hint}`;
}

/** Bytes → strings, failing on the first byte that is not UTF-8 (with its offset and line). */
class Utf8Decode extends Transform {
  private carry: Buffer = Buffer.alloc(0);
  private offset = 0; // bytes before `carry`
  private newlines = 0;
  private first = true;
  bytes = 0;

  constructor() {
    super({ readableObjectMode: false, decodeStrings: true });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    let buf = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    if (this.first) {
      // Wait for enough bytes to tell the encoding (a UTF-32 BOM is 4 bytes).
      if (buf.length < ENCODING_SNIFF_BYTES) {
        this.carry = Buffer.from(buf);
        cb();
        return;
      }
      this.first = false;
      const problem = sniffEncoding(buf);
      if (problem) {
        cb(new UploadRejectedError(problem));
        return;
      }
    }
    const scan = scanUtf8(buf);
    if (scan.invalidAt >= 0) {
      const at = this.offset + scan.invalidAt;
      const hex = buf[scan.invalidAt]!.toString(16).toUpperCase().padStart(2, '0');
      cb(
        new UploadRejectedError(
          `the file is not valid UTF-8: byte 0x${hex} at offset ${at} (line ${this.newlines + scan.newlines + 1}); save it as CSV UTF-8`,
        ),
      );
      return;
    }
    this.newlines += scan.newlines;
    const out = buf.subarray(0, scan.completeEnd);
    this.carry = Buffer.from(buf.subarray(scan.completeEnd));
    this.offset += scan.completeEnd;
    buf = out;
    cb(null, buf);
  }

  override _flush(cb: TransformCallback): void {
    if (this.first && this.carry.length > 0) {
      // A file shorter than the sniffing window: check it now, then decode it as usual.
      this.first = false;
      const problem = sniffEncoding(this.carry);
      if (problem) {
        cb(new UploadRejectedError(problem));
        return;
      }
      const rest = this.carry;
      this.carry = Buffer.alloc(0);
      this.bytes -= rest.length;
      this._transform(rest, 'binary', (err, data) => {
        if (err) return cb(err);
        if (data) this.push(data);
        this._flush(cb);
      });
      return;
    }
    if (this.carry.length > 0) {
      cb(new UploadRejectedError(`the file is not valid UTF-8: it ends inside a multi-byte character at offset ${this.offset} (line ${this.newlines + 1})`));
      return;
    }
    cb();
  }
}

/** Line breaks in text: LF, CRLF (once) and a lone CR. */
function lineBreaks(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) n++;
    else if (c === 13 && text.charCodeAt(i + 1) !== 10) n++;
  }
  return n;
}

/** Line breaks before the first other character (blank lines csv-parse skipped). */
function leadingBreaks(text: string): number {
  let i = 0;
  while (i < text.length && (text.charCodeAt(i) === 10 || text.charCodeAt(i) === 13)) i++;
  return lineBreaks(text.slice(0, i));
}

function recordTooLong(line: number, maxChars: number): UploadRejectedError {
  return new UploadRejectedError(`the record starting at line ${line} is longer than ${maxChars.toLocaleString('en-US')} characters (an unclosed quote?)`);
}

/** Characters of a record (code points of its fields plus the commas between them). */
function recordChars(record: readonly string[]): number {
  let n = record.length - 1;
  for (const f of record) n += charLength(f);
  return n;
}

function translateCsvError(err: CsvError, next: number, maxChars: number): UploadRejectedError {
  switch (err.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return new UploadRejectedError(`unclosed quote: a quoted field in the record starting at line ${next} is never closed`);
    case 'CSV_MAX_RECORD_SIZE':
      return recordTooLong(next, maxChars);
    default:
      return new UploadRejectedError(`line ${next}: ${err.message}`);
  }
}

export interface ReadOptions {
  readonly maxRecordChars?: number;
}

/**
 * Reads a product CSV as a stream. Yields data rows; returns the summary. Throws
 * UploadRejectedError when the file cannot be processed; other errors (network) pass through.
 */
export async function* readProductCsv(
  source: Readable | AsyncIterable<Uint8Array>,
  opts: ReadOptions = {},
): AsyncGenerator<CsvRow, CsvSummary, undefined> {
  const input = source instanceof Readable ? source : Readable.from(source, { objectMode: false });
  const decode = new Utf8Decode();
  const maxChars = opts.maxRecordChars ?? LIMITS.maxRecordChars;
  // csv-parse's own line counter miscounts CRLF inside quoted fields, so lines are counted here
  // from each record's raw text (which includes the blank lines skipped before it).
  let nextLine = 1;
  const parser = parse({
    bom: true,
    raw: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    record_delimiter: ['\r\n', '\n', '\r'],
    // csv-parse counts bytes; a character is at most 4 bytes, so this only stops a runaway quote
    // early. The limit itself is checked below in characters.
    max_record_size: maxChars * 4,
    // Runs as each record is parsed (ahead of the consumer), so an error names the right line.
    // (With raw: true the callback gets { record, raw }; csv-parse's types only know string[].)
    on_record: ((ext: { record: string[]; raw: string }) => {
      const line = nextLine + leadingBreaks(ext.raw);
      nextLine += lineBreaks(ext.raw);
      return { record: ext.record, line };
    }) as unknown as (record: string[]) => string[],
  });
  pipeline(input, decode, parser, () => {
    /* errors surface through the parser's async iterator */
  });

  let header: HeaderInfo | undefined;
  let rows = 0;
  let malformed = 0;
  let blank = 0;
  try {
    for await (const { record, line } of parser as AsyncIterable<{ record: string[]; line: number }>) {
      let chars = record.length - 1;
      for (const f of record) chars += f.length;
      if (chars > maxChars && recordChars(record) > maxChars) throw recordTooLong(line, maxChars);
      if (!header) {
        if (record.every((f) => f.trim() === '')) continue;
        header = analyzeHeader(record, line);
        continue;
      }
      if (record.every((f) => f.trim() === '')) {
        blank++;
        continue;
      }
      rows++;
      const values: Partial<Record<ProductColumn, string>> = {};
      const cols = header.columns;
      for (let i = 0; i < Math.min(record.length, cols.length); i++) {
        const col = cols[i];
        const v = record[i]!.trim();
        if (col && v !== '') values[col] = v;
      }
      let problem: string | undefined;
      if (record.length !== cols.length) {
        malformed++;
        problem =
          record.length > cols.length
            ? `line ${line} has ${record.length} fields, the header has ${cols.length} (an unquoted comma?)`
            : `line ${line} has only ${record.length} field${record.length === 1 ? '' : 's'}, the header has ${cols.length}`;
      }
      yield { rowNumber: rows, line, values, ...(problem ? { problem } : {}) };
    }
  } catch (err) {
    if (err instanceof UploadRejectedError) throw err;
    if (err instanceof CsvError) throw translateCsvError(err, nextLine, maxChars);
    throw err;
  } finally {
    if (!parser.destroyed) parser.destroy();
    if (!input.destroyed) input.destroy();
  }
  if (!header) {
    throw new UploadRejectedError(
      decode.bytes === 0 ? 'the file is empty (0 bytes)' : 'the file has no header row (it contains only blank lines)',
    );
  }
  if (rows === 0) throw new UploadRejectedError('the file has a header but no data rows');
  return { header, rows, malformedRows: malformed, skippedBlank: blank, bytes: decode.bytes };
}
