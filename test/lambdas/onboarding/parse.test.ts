/** The csv-parser's streaming reader and key handling: pure, no servers. */
import { Readable } from 'node:stream';
import { analyzeHeader, readProductCsv, scanUtf8, UploadRejectedError, type CsvRow, type CsvSummary } from '../../../lambdas/onboarding/csv-parser/parse';
import { decodeS3Key, parseUploadKey } from '../../../lambdas/onboarding/csv-parser/core';
import { uploadIdFor } from '../../../lambdas/onboarding/shared/staging';

const H = 'vendor_product_id,product_name,category,sku,price,stock_quantity';

async function read(chunks: (string | Buffer)[]): Promise<{ rows: CsvRow[]; summary: CsvSummary }> {
  const gen = readProductCsv(Readable.from(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c, 'utf8') : c))));
  const rows: CsvRow[] = [];
  for (;;) {
    const r = await gen.next();
    if (r.done) return { rows, summary: r.value };
    rows.push(r.value);
  }
}

async function rejection(chunks: (string | Buffer)[]): Promise<string> {
  try {
    await read(chunks);
  } catch (err) {
    expect(err).toBeInstanceOf(UploadRejectedError);
    return (err as UploadRejectedError).reason;
  }
  throw new Error('expected the file to be rejected');
}

describe('readProductCsv: files that cannot be processed', () => {
  test.each<[string, (string | Buffer)[], RegExp]>([
    ['0-byte object', [], /^the file is empty \(0 bytes\)$/],
    ['only blank lines', ['\r\n\n   \n'], /no header row/],
    ['header only', [`${H}\r\n`], /header but no data rows/],
    ['header only, then blank lines', [`${H}\n\n,,,,,\n`], /header but no data rows/],
    ['missing required columns', ['vendor_product_id,product_name,sku\nP1,Mouse,S1\n'], /missing required columns category, price, stock_quantity in the header \(line 1\)/],
    ['no header (data in line 1)', ['P1,Mouse,Electronics,S1,19.99,5\n'], /missing required columns vendor_product_id, product_name/],
    ['duplicated column (case and spaces differ)', [`${H},Product Name\nP1,a,Electronics,S1,1,1,b\n`], /duplicated column "Product Name" \(columns 2 and 7\)/],
    ['Latin-1 byte', [`${H}\nP1,Caf`, Buffer.from([0xe9]), ',Electronics,S1,1,1\n'], /not valid UTF-8: byte 0xE9 at offset 71 \(line 2\)/],
    ['overlong encoding', [`${H}\nP1,`, Buffer.from([0xc0, 0xaf]), ',E,S,1,1\n'], /not valid UTF-8: byte 0xC0/],
    ['UTF-16 with BOM', [Buffer.from('\ufeffvendor_product_id', 'utf16le')], /UTF-16 encoded/],
    ['ends inside a multi-byte character', [`${H}\nP1,Caf`, Buffer.from([0xc3])], /ends inside a multi-byte character/],
    ['unclosed quote', [`${H}\nP1,ok,E,S1,1,1\nP2,"Mouse,E,S2,1,1\nP3,x,E,S3,1,1\n`], /unclosed quote: a quoted field in the record starting at line 3/],
  ])('%s', async (_name, chunks, reason) => {
    expect(await rejection(chunks)).toMatch(reason);
  });

  test('a record longer than the limit (runaway quote) names its line', async () => {
    const gen = readProductCsv(Readable.from([Buffer.from(`${H}\nP1,"${'x'.repeat(1000)}\n`)]), { maxRecordChars: 200 });
    await expect(gen.next()).rejects.toThrow(/record starting at line 2 is longer than 200 characters/);
  });

  test('the record limit counts characters, not bytes: 200 CJK characters (600 bytes) pass a 220-character limit, 230 do not', async () => {
    const ok = readProductCsv(Readable.from([Buffer.from(`${H}\nP1,${'字'.repeat(200)},E,S1,1,1\n`)]), { maxRecordChars: 220 });
    expect((await ok.next()).value).toMatchObject({ rowNumber: 1, values: { product_name: '字'.repeat(200) } });
    const tooLong = readProductCsv(Readable.from([Buffer.from(`${H}\nP1,${'字'.repeat(230)},E,S1,1,1\n`)]), { maxRecordChars: 220 });
    await expect(tooLong.next()).rejects.toThrow(/record starting at line 2 is longer than 220 characters/);
  });

  test('a 40,000-character CJK description (120,000 bytes) is within the default 100,000-character limit', async () => {
    const { rows } = await read([`${H},description\nP1,Mouse,E,S1,1,1,${'説'.repeat(40_000)}\n`]);
    expect(rows[0]!.values.description).toHaveLength(40_000);
  });
});

describe('readProductCsv: accepted files', () => {
  test('BOM, CRLF, quoted commas, quotes and line breaks, blank lines, header spelling', async () => {
    const { rows, summary } = await read([
      '\ufeffVendor Product ID, product-name ,CATEGORY,sku,price,stock_quantity,Color\r\n',
      'P1,"Mouse, wireless",Electronics,S1,19.99,5,red\r\n',
      '\r\n',
      'P2,"27"" monitor\r\nwith stand",Electronics,S2,199.00,3,black\r\n',
      ',,,,,,\r\n',
      'P3,12" ruler,Electronics,S3,1,1,\r\n',
    ]);
    expect(rows).toEqual([
      { rowNumber: 1, line: 2, values: { vendor_product_id: 'P1', product_name: 'Mouse, wireless', category: 'Electronics', sku: 'S1', price: '19.99', stock_quantity: '5' } },
      { rowNumber: 2, line: 4, values: { vendor_product_id: 'P2', product_name: '27" monitor\r\nwith stand', category: 'Electronics', sku: 'S2', price: '199.00', stock_quantity: '3' } },
      { rowNumber: 3, line: 7, values: { vendor_product_id: 'P3', product_name: '12" ruler', category: 'Electronics', sku: 'S3', price: '1', stock_quantity: '1' } },
    ]);
    expect(summary).toMatchObject({ rows: 3, malformedRows: 0, skippedBlank: 1, header: { ignored: ['Color'] } });
  });

  test('multi-byte characters split across chunks and bare CR line ends', async () => {
    const euro = Buffer.from('€', 'utf8');
    const { rows } = await read([`${H}\rP1,Caf`, Buffer.from([0xc3]), Buffer.from([0xa9]), ' ', euro.subarray(0, 1), euro.subarray(1), ',Electronics,S1,1,1\r']);
    expect(rows[0]).toMatchObject({ line: 2, values: { product_name: 'Café €' } });
  });

  test('a row with too many or too few fields is yielded with a problem naming the line', async () => {
    const { rows, summary } = await read([`${H}\nP1,Mouse, wireless,Electronics,S1,1,1\nP2,ok,Electronics,S2,1,1\nP3,short\n`]);
    expect(rows.map((r) => r.problem)).toEqual([
      'line 2 has 7 fields, the header has 6 (an unquoted comma?)',
      undefined,
      'line 4 has only 2 fields, the header has 6',
    ]);
    expect(summary.malformedRows).toBe(2);
  });

  test('streams: rows come out before the source has ended', async () => {
    let pushed = 0;
    const source = new Readable({
      read() {
        pushed++;
        if (pushed === 1) this.push(Buffer.from(`${H}\n`));
        else if (pushed <= 100_000) this.push(Buffer.from(`P${pushed},n,Electronics,S${pushed},1,1\n`));
        else this.push(null);
      },
    });
    const gen = readProductCsv(source);
    await gen.next();
    // ≈ 25 bytes per row: well under 1 MB of the 2.5 MB source has been read.
    expect(pushed).toBeLessThan(40_000);
    await gen.return(undefined as never);
  });
});

describe('header, bytes and keys', () => {
  test('analyzeHeader maps known columns and ignores the rest', () => {
    expect(analyzeHeader([...H.split(','), 'colour', ''])).toEqual({
      columns: ['vendor_product_id', 'product_name', 'category', 'sku', 'price', 'stock_quantity', null, null],
      ignored: ['colour'],
    });
  });

  test('scanUtf8 rejects surrogates and out-of-range code points, keeps a cut sequence for later', () => {
    expect(scanUtf8(Buffer.from([0x61, 0xed, 0xa0, 0x80])).invalidAt).toBe(1);
    expect(scanUtf8(Buffer.from([0xf4, 0x90, 0x80, 0x80])).invalidAt).toBe(0);
    expect(scanUtf8(Buffer.from([0x61, 0x0a, 0xe2, 0x82]))).toEqual({ invalidAt: -1, completeEnd: 2, newlines: 1 });
  });

  test('parseUploadKey accepts uploads/<vendor>/<file> only', () => {
    expect(parseUploadKey('uploads/VEND001/VEND001_20241221.csv')).toEqual({ vendorId: 'VEND001', fileName: 'VEND001_20241221.csv' });
    expect(parseUploadKey('incoming/VEND001/a.csv').problem).toBe(
      'the object key "incoming/VEND001/a.csv" is outside uploads/; upload to uploads/<vendor_id>/<file>.csv',
    );
    expect(parseUploadKey('uploads/a.csv').problem).toMatch(/has no vendor folder/);
    expect(parseUploadKey('uploads/VEND001/').problem).toMatch(/has no vendor folder/);
    expect(decodeS3Key('uploads/VEND001/my+file%C3%A9.csv')).toBe('uploads/VEND001/my fileé.csv');
  });

  test('upload IDs are deterministic per object version and event', () => {
    const a = { bucket: 'b', key: 'uploads/V/x.csv', sequencer: '01', eventTime: '2024-12-21T10:30:45.123Z' };
    expect(uploadIdFor(a)).toMatch(/^UPLOAD_20241221_103045_[0-9a-f]{12}$/);
    expect(uploadIdFor(a)).toBe(uploadIdFor({ ...a }));
    expect(uploadIdFor({ ...a, sequencer: '02' })).not.toBe(uploadIdFor(a));
    expect(uploadIdFor(a).length).toBeLessThanOrEqual(50);
  });
});

describe('readProductCsv: encodings and control bytes (issue 14)', () => {
  const text = `${H}\nP1,Mouse,Electronics,S1,19.99,5\n`;
  const utf16be = (s: string) => Buffer.from(s, 'utf16le').swap16();
  const utf32 = (s: string, be: boolean) => {
    const out = Buffer.alloc(s.length * 4);
    [...s].forEach((ch, i) => (be ? out.writeUInt32BE(ch.codePointAt(0)!, i * 4) : out.writeUInt32LE(ch.codePointAt(0)!, i * 4)));
    return out;
  };
  test.each<[string, Buffer, RegExp]>([
    ['UTF-16LE with BOM', Buffer.from(`\ufeff${text}`, 'utf16le'), /UTF-16 encoded \(it starts with a UTF-16LE byte-order mark\)/],
    ['UTF-16BE with BOM', utf16be(`\ufeff${text}`), /UTF-16 encoded \(it starts with a UTF-16BE byte-order mark\)/],
    ['UTF-16LE without BOM', Buffer.from(text, 'utf16le'), /looks UTF-16LE encoded without a byte-order mark/],
    ['UTF-16BE without BOM', utf16be(text), /looks UTF-16BE encoded without a byte-order mark/],
    ['UTF-32LE with BOM', utf32(`\ufeff${text}`, false), /UTF-32 encoded \(it starts with a UTF-32LE byte-order mark\)/],
    ['UTF-32BE with BOM', utf32(`\ufeff${text}`, true), /UTF-32 encoded \(it starts with a UTF-32BE byte-order mark\)/],
    ['UTF-32LE without BOM', utf32(text, false), /looks UTF-32LE encoded without a byte-order mark/],
    ['UTF-32BE without BOM', utf32(text, true), /looks UTF-32BE encoded without a byte-order mark/],
    ['a tiny UTF-16 file (shorter than the sniffing window)', Buffer.from('a,b\n', 'utf16le'), /looks UTF-16LE encoded/],
    ['NUL in the header', Buffer.from(`vendor_product_id,prod\u0000uct_name,category,sku,price,stock_quantity\nP1,a,E,S1,1,1\n`), /column 2 of the header \(line 1\) contains the control character U\+0000 at character 5/],
    ['a control byte in a quoted header name', Buffer.from(`"vendor_product_id\u0007",product_name,category,sku,price,stock_quantity\nP1,a,E,S1,1,1\n`), /column 1 of the header .* U\+0007/],
  ])('%s is rejected with a reason', async (_name, body, reason) => {
    const why = await rejection([body]);
    expect(why).toMatch(reason);
    expect(why).not.toContain('\u0000');
  });

  test('NUL and other control bytes in data rows (also quoted, also a UTF-16 fragment) are rows, judged by the validator', async () => {
    const fragment = Buffer.from('Mouse', 'utf16le');
    const { rows } = await read([
      Buffer.from(`${H}\nP1,Mo\u0000use,Electronics,S1,19.99,5\nP2,"quoted\u0001, with comma",Electronics,S2,1,1\nP3,`),
      fragment,
      Buffer.from(',Electronics,S3,1,1\nP4,Fine,Electronics,S4,1,1\n'),
    ]);
    expect(rows.map((r) => r.values.product_name)).toEqual(['Mo\u0000use', 'quoted\u0001, with comma', 'M\u0000o\u0000u\u0000s\u0000e\u0000', 'Fine']);
    expect(rows.every((r) => r.problem === undefined)).toBe(true);
  });
});
