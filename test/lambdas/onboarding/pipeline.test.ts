/**
 * The onboarding pipeline end to end on real servers: PostgreSQL 15 (throwaway), DynamoDB
 * (dynalite), S3 (s3rver); SQS/SNS through aws-sdk-client-mock. The three Lambda handlers run as
 * AWS would call them (S3 event, stream batches of 100, SQS batches of 10).
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { parse as parseCsv } from 'csv-parse/sync';
import type { Pool } from 'pg';
import {
  addVendor,
  createHandlers,
  FakeMessaging,
  fakeContext,
  HEADER,
  pipelineCatalog,
  putUpload,
  readStaged,
  runPipeline,
  s3Event,
  seedExampleCsv,
  sqsEvent,
  startServers,
  streamEvent,
  type Handlers,
  type OnboardingServers,
  type Tables,
} from '../../support/onboarding';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
// ≈ 5–15 s on an idle 2-core machine; generous limits so a loaded CI runner does not time out.
const SLOW_MS = 180_000;

let servers: OnboardingServers;
beforeAll(async () => {
  servers = await startServers();
}, SLOW_MS);
afterAll(async () => {
  await servers?.stop();
});

interface Catalog {
  pool: Pool;
  tables: Tables;
  messaging: FakeMessaging;
  handlers: Handlers;
  /** A second set of handlers: another Lambda container on the same resources. */
  otherContainer: () => Handlers;
}

async function catalog(name: string): Promise<Catalog> {
  const { pool, tables, messaging, deps, handlers } = await pipelineCatalog(servers, name);
  return { pool, tables, messaging, handlers, otherContainer: () => createHandlers(servers, deps, tables) };
}

async function history(pool: Pool, uploadId: string) {
  return (await pool.query('SELECT * FROM upload_history WHERE upload_id = $1', [uploadId])).rows[0];
}

async function count(pool: Pool, sql: string, params: unknown[]): Promise<number> {
  return Number((await pool.query<{ n: string }>(sql, params)).rows[0]!.n);
}

async function s3Text(key: string): Promise<string> {
  const res = await servers.s3.send(new GetObjectCommand({ Bucket: 'ecommerce-product-uploads-test', Key: key }));
  return res.Body!.transformToString('utf8');
}

describe('seed example: 1,000 rows with 50 bad ones', () => {
  let c: Catalog;
  let uploadId: string;
  let staged: Awaited<ReturnType<typeof readStaged>>;
  const key = 'uploads/VEND001/VEND001_products.csv';
  const event = s3Event(key, 0, { sequencer: '0062A8B2C3D4E5F601', eTag: 'e1' });

  beforeAll(async () => {
    c = await catalog('seed_example');
    await addVendor(c.pool, 'VEND001');
    const size = await putUpload(servers.s3, key, seedExampleCsv('VEND001', 1000));
    event.Records[0]!.s3.object.size = size;
    const parsed = await c.handlers.csvParser(event, fakeContext('csv-parser'));
    expect(parsed.uploads[0]).toMatchObject({ status: 'staged', total_records: 1000 });
    uploadId = parsed.uploads[0]!.upload_id;
    staged = await readStaged(servers.doc, c.tables.uploadTable, uploadId);
    for (let i = 0; i < staged.length; i += 100) {
      const res = await c.handlers.validator(streamEvent(staged.slice(i, i + 100)), fakeContext('product-validator'));
      expect(res.batchItemFailures).toEqual([]);
    }
    for (let batch = c.messaging.take(10); batch.length > 0; batch = c.messaging.take(10)) {
      const res = await c.handlers.errorProcessor(sqsEvent(batch), fakeContext('error-processor'));
      expect(res.batchItemFailures).toEqual([]);
    }
  }, SLOW_MS);
  afterAll(async () => c?.pool.end());

  test('950 products, 50 validation_errors, upload_history partial with the totals', async () => {
    expect(staged).toHaveLength(1000);
    expect(staged[0]).toMatchObject({ record_id: 'REC_00001', row_number: 1, line_number: 2, status: 'pending_validation', vendor_id: 'VEND001' });
    expect(await count(c.pool, 'SELECT count(*) AS n FROM products WHERE upload_id = $1', [uploadId])).toBe(950);
    expect(await count(c.pool, 'SELECT count(*) AS n FROM validation_errors WHERE upload_id = $1', [uploadId])).toBe(50);
    const types = await c.pool.query('SELECT error_type, count(*)::int AS n FROM validation_errors WHERE upload_id = $1 GROUP BY 1 ORDER BY 1', [uploadId]);
    expect(Object.fromEntries(types.rows.map((r) => [r.error_type, r.n]))).toEqual({
      DUPLICATE_SKU: 7,
      DUPLICATE_VENDOR_PRODUCT_ID: 7,
      FIELD_LENGTH_EXCEEDED: 7,
      INVALID_CATEGORY: 7,
      INVALID_PRICE: 7,
      INVALID_STOCK_QUANTITY: 7,
      MISSING_REQUIRED_FIELDS: 8,
    });
    expect(await history(c.pool, uploadId)).toMatchObject({
      vendor_id: 'VEND001',
      file_name: 'VEND001_products.csv',
      total_records: 1000,
      valid_records: 950,
      error_records: 50,
      status: 'partial',
      error_file_s3_key: `errors/VEND001/${uploadId}_errors.csv`,
    });
    const product = (await c.pool.query("SELECT * FROM products WHERE vendor_product_id = 'PROD000001'")).rows[0];
    expect(product).toMatchObject({ description: 'Ergonomic, 2.4 GHz "silent" mouse #1', price: '11.99', stock_quantity: 1, source_record_id: 'REC_00001' });
  });

  test('an error CSV of 50 rows at errors/<vendor>/<upload>_errors.csv, reachable by its 7-day URL', async () => {
    const csv = await s3Text(`errors/VEND001/${uploadId}_errors.csv`);
    const rows = parseCsv(csv, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(50);
    expect(rows[1]).toEqual({
      Row: '40',
      Line: '41',
      'Vendor Product ID': 'PROD000040',
      SKU: 'VEND001-SKU-000040',
      'Error Type': 'INVALID_PRICE',
      Field: 'price',
      Message: 'price must be >= 0.01, got -10.00',
    });
    const url = /Download Errors: (\S+)/.exec(c.messaging.published[0]!.Message!)![1]!;
    expect(url).toContain('X-Amz-Expires=604800');
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(csv);
  });

  test('exactly one notification, at 95 %', () => {
    expect(c.messaging.published).toHaveLength(1);
    const [note] = c.messaging.published;
    expect(note!.Subject).toBe('Upload Complete (95%)');
    expect(note!.Message).toContain('Total: 1000\nValid: 950 (95%)\nInvalid: 50 (5%)\nStatus: PARTIAL');
    expect(note!.MessageAttributes?.vendor_id).toEqual({ DataType: 'String', StringValue: 'VEND001' });
  });

  test('DynamoDB statuses: 950 validated, 50 error with the reason', async () => {
    const after = await readStaged(servers.doc, c.tables.uploadTable, uploadId);
    const by = (s: string) => after.filter((r) => r.status === s);
    expect(by('validated')).toHaveLength(950);
    expect(by('error')).toHaveLength(50);
    expect(after.find((r) => r.row_number === 40)).toMatchObject({ status: 'error', error_reason: 'INVALID_PRICE', error_details: 'price must be >= 0.01, got -10.00' });
  });

  test('redelivery (same S3 event, stream batches split differently, queue again) duplicates nothing', async () => {
    const again = await c.handlers.csvParser(event, fakeContext('csv-parser'));
    expect(again.uploads[0]).toMatchObject({ upload_id: uploadId, status: 'staged' });
    for (let i = 0; i < staged.length; i += 37) {
      const res = await c.handlers.validator(streamEvent(staged.slice(i, i + 37)), fakeContext('product-validator'));
      expect(res.batchItemFailures).toEqual([]);
    }
    expect(c.messaging.queue.filter((m) => m.type === 'validation_error')).toHaveLength(50);
    for (let batch = c.messaging.take(10); batch.length > 0; batch = c.messaging.take(10)) {
      await c.handlers.errorProcessor(sqsEvent(batch), fakeContext('error-processor'));
    }
    expect(await count(c.pool, 'SELECT count(*) AS n FROM products WHERE upload_id = $1', [uploadId])).toBe(950);
    expect(await count(c.pool, 'SELECT count(*) AS n FROM validation_errors WHERE upload_id = $1', [uploadId])).toBe(50);
    expect(await history(c.pool, uploadId)).toMatchObject({ valid_records: 950, error_records: 50, status: 'partial' });
    expect(c.messaging.published).toHaveLength(1);
  }, SLOW_MS);
});

describe('bad input', () => {
  let c: Catalog;
  beforeAll(async () => {
    c = await catalog('bad_input');
    await addVendor(c.pool, 'VEND001');
    await addVendor(c.pool, 'VEND002', 'inactive');
  });
  afterAll(async () => c?.pool.end());

  const good = 'P1,Mouse,Electronics,,,S1,,19.99,5,piece';
  test.each<[string, string, Buffer | string, RegExp]>([
    ['0-byte object', 'uploads/VEND001/empty.csv', '', /^the file is empty \(0 bytes\)$/],
    ['header only', 'uploads/VEND001/header.csv', `${HEADER}\r\n`, /^the file has a header but no data rows$/],
    ['only blank lines', 'uploads/VEND001/blank.csv', '\n\n\n', /no header row/],
    ['missing column', 'uploads/VEND001/missing.csv', 'vendor_product_id,product_name,sku\nP1,Mouse,S1\n', /missing required columns category, price, stock_quantity/],
    ['duplicated column', 'uploads/VEND001/dup.csv', `${HEADER},SKU\n${good},S9\n`, /duplicated column "SKU" \(columns 6 and 11\)/],
    ['non-UTF-8 bytes', 'uploads/VEND001/latin1.csv', Buffer.concat([Buffer.from(`${HEADER}\n${good}\nP2,Caf`), Buffer.from([0xe9]), Buffer.from(',Electronics,,,S2,,1,1,piece\n')]), /not valid UTF-8: byte 0xE9 at offset \d+ \(line 3\)/],
    ['UTF-16', 'uploads/VEND001/utf16.csv', Buffer.from(`\ufeff${HEADER}\n${good}\n`, 'utf16le'), /UTF-16 encoded/],
    ['unclosed quote', 'uploads/VEND001/quote.csv', `${HEADER}\n${good}\nP2,"Mouse,Electronics,,,S2,,1,1,piece\n${good}\n`, /unclosed quote: .* line 3/],
    ['unknown vendor', 'uploads/VEND999/x.csv', `${HEADER}\n${good}\n`, /^unknown vendor "VEND999" \(from the key uploads\/VEND999\/x.csv\)$/],
    ['inactive vendor', 'uploads/VEND002/x.csv', `${HEADER}\n${good}\n`, /^vendor "VEND002" is inactive; only active vendors can upload$/],
    ['key outside uploads/', 'incoming/VEND001/x.csv', `${HEADER}\n${good}\n`, /is outside uploads\//],
    ['key without a vendor folder', 'uploads/x.csv', `${HEADER}\n${good}\n`, /has no vendor folder/],
  ])('%s: failed with the reason, one notification, nothing loaded', async (_name, key, body, reason) => {
    const before = c.messaging.published.length;
    const run = await runPipeline(servers, c.handlers, c.messaging, c.tables, key, body);
    const row = await history(c.pool, run.uploadId);
    expect(row).toMatchObject({ status: 'failed', total_records: 0, valid_records: 0, error_records: 0, s3_key: key });
    expect(row.failure_reason).toMatch(reason);
    expect(row.notified_at).not.toBeNull();
    expect(await readStaged(servers.doc, c.tables.uploadTable, run.uploadId)).toEqual([]);
    expect(await count(c.pool, 'SELECT count(*) AS n FROM products WHERE upload_id = $1', [run.uploadId])).toBe(0);
    const notes = c.messaging.published.slice(before);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.Subject).toBe('Upload Failed');
    expect(notes[0]!.Message).toContain(`Reason: ${row.failure_reason}`);
  });

  test('our own error reports under errors/ are ignored (no upload, no notification)', async () => {
    const before = c.messaging.published.length;
    const res = await c.handlers.csvParser(s3Event('errors/VEND001/UPLOAD_X_errors.csv', 10), fakeContext('csv-parser'));
    expect(res.uploads[0]).toMatchObject({ status: 'skipped' });
    expect(await history(c.pool, res.uploads[0]!.upload_id)).toBeUndefined();
    expect(c.messaging.published.length).toBe(before);
  });

  test('BOM, CRLF, quoted commas and newlines load; rows with too many / too few fields are rejected by line', async () => {
    const body =
      `\ufeff${HEADER}\r\n` +
      'Q1,"Mouse, wireless",Electronics,,"Two lines:\r\nsecond",QS1,,19.99,5,piece\r\n' +
      'Q2,Keyboard,Electronics,,plain, with a comma,QS2,,29.99,5,piece\r\n' +
      'Q3,Cable,Electronics,,,QS3,,4.99,100,piece\r\n' +
      'Q4,Short\r\n';
    const run = await runPipeline(servers, c.handlers, c.messaging, c.tables, 'uploads/VEND001/mixed.csv', body);
    expect(await history(c.pool, run.uploadId)).toMatchObject({ status: 'partial', total_records: 4, valid_records: 2, error_records: 2 });
    const products = await c.pool.query('SELECT vendor_product_id, product_name, description FROM products WHERE upload_id = $1 ORDER BY 1', [run.uploadId]);
    expect(products.rows).toEqual([
      { vendor_product_id: 'Q1', product_name: 'Mouse, wireless', description: 'Two lines:\r\nsecond' },
      { vendor_product_id: 'Q3', product_name: 'Cable', description: null },
    ]);
    const errors = await c.pool.query('SELECT row_number, line_number, error_type, error_message FROM validation_errors WHERE upload_id = $1 ORDER BY row_number, error_type', [run.uploadId]);
    expect(errors.rows.filter((e) => e.error_type === 'MALFORMED_ROW')).toEqual([
      { row_number: 2, line_number: 4, error_type: 'MALFORMED_ROW', error_message: 'line 4 has 11 fields, the header has 10 (an unquoted comma?)' },
      { row_number: 4, line_number: 6, error_type: 'MALFORMED_ROW', error_message: 'line 6 has only 2 fields, the header has 10' },
    ]);
    expect(c.messaging.published.at(-1)!.Subject).toBe('Upload Complete (50%)');
  });

  test('SKU taken by another vendor, vendor product ID re-used by the same vendor, every row invalid → failed (0 %)', async () => {
    await addVendor(c.pool, 'VEND003');
    await runPipeline(servers, c.handlers, c.messaging, c.tables, 'uploads/VEND003/first.csv', `${HEADER}\nA1,Lamp,Electronics,,,LAMP-1,,9.99,1,piece\n`);
    const run = await runPipeline(
      servers,
      c.handlers,
      c.messaging,
      c.tables,
      'uploads/VEND001/second.csv',
      `${HEADER}\nB1,Lamp copy,Electronics,,,LAMP-1,,9.99,1,piece\nQ1,Mouse again,Electronics,,,NEW-SKU,,1.00,1,piece\n`,
    );
    const errors = await c.pool.query('SELECT error_type, error_message FROM validation_errors WHERE upload_id = $1 ORDER BY row_number', [run.uploadId]);
    expect(errors.rows).toEqual([
      { error_type: 'DUPLICATE_SKU', error_message: "SKU 'LAMP-1' already exists in the catalog" },
      { error_type: 'DUPLICATE_VENDOR_PRODUCT_ID', error_message: "vendor_product_id 'Q1' already exists for vendor VEND001" },
    ]);
    expect(await history(c.pool, run.uploadId)).toMatchObject({ status: 'failed', failure_reason: 'none of the 2 rows passed validation' });
    expect(c.messaging.published.at(-1)!.Subject).toBe('Upload Failed (0%)');
    expect(c.messaging.published.at(-1)!.Message).toContain('Download Errors: ');
  });

  test('two error processors racing on one finished upload publish one notification', async () => {
    const run = await runPipeline(servers, c.handlers, c.messaging, c.tables, 'uploads/VEND001/race.csv', `${HEADER}\nR1,Race,Electronics,,,RACE-1,,1.00,1,piece\n`, {
      sqsBatch: 0,
    });
    const before = c.messaging.published.length;
    const msg = { type: 'upload_finished' as const, upload_id: run.uploadId };
    const results = await Promise.allSettled([
      c.handlers.errorProcessor(sqsEvent([msg]), fakeContext('error-processor')),
      c.otherContainer().errorProcessor(sqsEvent([msg]), fakeContext('error-processor')),
    ]);
    // The loser either saw the finished record, or Powertools idempotency told it the first one is
    // still in progress: its batch fails and SQS redelivers the message later.
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected.length).toBeLessThanOrEqual(1);
    for (const r of rejected) expect(`${r.reason.recordErrors?.[0]?.name}: ${r.reason.recordErrors?.[0]?.message}`).toMatch(/IdempotencyAlreadyInProgressError|already in progress/i);
    await c.handlers.errorProcessor(sqsEvent([msg]), fakeContext('error-processor'));
    expect(c.messaging.published.length - before).toBe(1);
    expect(c.messaging.published.at(-1)!.Subject).toBe('Upload Complete (100%)');
  });
});
