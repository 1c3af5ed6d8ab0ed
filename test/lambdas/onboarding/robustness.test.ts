/**
 * Issue 14 on real servers (PostgreSQL 15, dynalite, s3rver; SQS/SNS fakes): every failure ends in
 * a final state with one notification, exactly once under concurrency (two pools on the same
 * database, injected crashes), the streamed error report, and the documented limits.
 */
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { PublishCommand } from '@aws-sdk/client-sns';
import { Pool } from 'pg';
import { processUpload, type CsvParserDeps } from '../../../lambdas/onboarding/csv-parser/core';
import { decideInDatabase } from '../../../lambdas/onboarding/product-validator/core';
import { publishCompletion, writeErrorReport } from '../../../lambdas/onboarding/error-processor/core';
import {
  addVendor,
  BUCKET,
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
  type PipelineDeps,
  type Tables,
} from '../../support/onboarding';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
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
  deps: PipelineDeps;
  handlers: Handlers;
  url: string;
}

async function catalog(name: string): Promise<Catalog> {
  const made = await pipelineCatalog(servers, name);
  await addVendor(made.pool, 'VEND001');
  return { ...made, url: servers.pg.url(name) };
}

const one = async (pool: Pool, sql: string, params: unknown[] = []) => (await pool.query(sql, params)).rows[0];
const n = async (pool: Pool, sql: string, params: unknown[] = []) => Number((await pool.query<{ n: string }>(sql, params)).rows[0]!.n);

/** Drives the queue until it is empty. */
async function drainQueue(c: Catalog): Promise<void> {
  for (let batch = c.messaging.take(10); batch.length > 0; batch = c.messaging.take(10)) {
    await c.handlers.errorProcessor(sqsEvent(batch), fakeContext('error-processor'));
  }
}

describe('every failure ends in a final state with one notification', () => {
  let c: Catalog;
  beforeAll(async () => {
    c = await catalog('robust_files');
  });
  afterAll(async () => c?.pool.end());

  const good = 'P1,Mouse,Electronics,,,S1,,19.99,5,piece';
  const utf16be = (s: string) => Buffer.from(s, 'utf16le').swap16();
  test.each<[string, string, Buffer, RegExp]>([
    ['NUL in the header', 'uploads/VEND001/nul-header.csv', Buffer.from(`vendor_product_id,product_name\u0000,category,subcategory,description,sku,brand,price,stock_quantity,unit\n${good}\n`), /column 2 of the header .* U\+0000/],
    ['UTF-16LE without BOM', 'uploads/VEND001/utf16le.csv', Buffer.from(`${HEADER}\n${good}\n`, 'utf16le'), /looks UTF-16LE encoded without a byte-order mark/],
    ['UTF-16BE without BOM', 'uploads/VEND001/utf16be.csv', utf16be(`${HEADER}\n${good}\n`), /looks UTF-16BE encoded/],
    ['UTF-16BE with BOM', 'uploads/VEND001/utf16be-bom.csv', utf16be(`\ufeff${HEADER}\n${good}\n`), /UTF-16BE byte-order mark/],
    ['UTF-32LE with BOM', 'uploads/VEND001/utf32.csv', Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), Buffer.from('a\u0000\u0000\u0000')]), /UTF-32LE byte-order mark/],
  ])('%s: failed with a storable reason, one notification, nothing staged', async (_name, key, body, reason) => {
    const before = c.messaging.published.length;
    const run = await runPipeline(servers, c.handlers, c.messaging, c.tables, key, body);
    const row = await one(c.pool, 'SELECT * FROM upload_history WHERE upload_id = $1', [run.uploadId]);
    expect(row).toMatchObject({ status: 'failed', total_records: 0 });
    expect(row.failure_reason).toMatch(reason);
    expect(row.notified_at).not.toBeNull();
    expect(await readStaged(servers.doc, c.tables.uploadTable, run.uploadId)).toEqual([]);
    expect(c.messaging.published.length - before).toBe(1);
  });

  test('a vendor folder with a NUL byte (s3rver cannot store such a key; the event alone): failed, one notification', async () => {
    const before = c.messaging.published.length;
    const res = await c.handlers.csvParser(s3Event('uploads/VE\u0000ND/x.csv', 10), fakeContext('csv-parser'));
    expect(res.uploads[0]).toMatchObject({ status: 'failed', reason: 'unknown vendor "VE\\u0000ND" (from the key uploads/VE\\u0000ND/x.csv)' });
    await drainQueue(c);
    expect(c.messaging.published.length - before).toBe(1);
    expect(await one(c.pool, 'SELECT status, s3_key FROM upload_history WHERE upload_id = $1', [res.uploads[0]!.upload_id])).toEqual({
      status: 'failed',
      s3_key: 'uploads/VE\\u0000ND/x.csv',
    });
  });

  test('NUL / control bytes in data rows, quoted fields and a UTF-16 fragment (mixed encodings) become row errors; the upload completes', async () => {
    const body = Buffer.concat([
      Buffer.from(`${HEADER}\r\nN1,Mo\u0000use,Electronics,,,NS1,,19.99,5,piece\r\nN2,"quoted\u0000, and comma",Electronics,,"desc\u0007",NS2,,1.00,1,piece\r\nN3,`),
      Buffer.from('Mouse', 'utf16le'),
      Buffer.from(',Electronics,,,NS3,,1.00,1,piece\r\nN4,Fine,Electronics,,,NS4,,1.00,1,piece\r\n'),
    ]);
    const before = c.messaging.published.length;
    const run = await runPipeline(servers, c.handlers, c.messaging, c.tables, 'uploads/VEND001/control.csv', body);
    expect(await one(c.pool, 'SELECT status, total_records, valid_records, error_records FROM upload_history WHERE upload_id = $1', [run.uploadId])).toEqual({
      status: 'partial',
      total_records: 4,
      valid_records: 1,
      error_records: 3,
    });
    const errors = await c.pool.query('SELECT row_number, error_type, error_message, original_data FROM validation_errors WHERE upload_id = $1 ORDER BY row_number', [run.uploadId]);
    expect(errors.rows.map((e) => [e.row_number, e.error_type])).toEqual([
      [1, 'INVALID_FIELD_FORMAT'],
      [2, 'INVALID_FIELD_FORMAT'],
      [3, 'INVALID_FIELD_FORMAT'],
    ]);
    expect(errors.rows[1].error_message).toBe(
      'product_name contains the control character U+0000 at character 7; description contains the control character U+0007 at character 5 (is the file partly UTF-16 or binary?)',
    );
    expect(errors.rows[0].original_data.product_name).toBe('Mo\\u0000use');
    expect(c.messaging.published.length - before).toBe(1);
    const staged = await readStaged(servers.doc, c.tables.uploadTable, run.uploadId);
    expect(staged.map((s) => s.status)).toEqual(['error', 'error', 'error', 'validated']);
  });

  test('.CSV / .Csv keys are processed; other suffixes are skipped without an upload', async () => {
    const upper = await runPipeline(servers, c.handlers, c.messaging, c.tables, 'uploads/VEND001/UPPER.CSV', `${HEADER}\nU1,Upper,Electronics,,,UP-1,,1.00,1,piece\n`);
    expect(await one(c.pool, 'SELECT status FROM upload_history WHERE upload_id = $1', [upper.uploadId])).toEqual({ status: 'completed' });
    const res = await c.handlers.csvParser(s3Event('uploads/VEND001/notes.txt', 10), fakeContext('csv-parser'));
    expect(res.uploads[0]).toMatchObject({ status: 'skipped', reason: 'uploads/VEND001/notes.txt does not end in .csv' });
  });

  test('a row PostgreSQL refuses for a data reason is isolated by bisection and becomes a validation error (no retry loop)', async () => {
    await c.pool.query("ALTER TABLE products ADD CONSTRAINT products_test_refuse CHECK (product_name <> 'REFUSED BY DB')");
    try {
      const rows = Array.from({ length: 9 }, (_, i) => `B${i},${i === 6 ? 'REFUSED BY DB' : `Item ${i}`},Electronics,,,BIS-${i},,1.00,1,piece`);
      const run = await runPipeline(servers, c.handlers, c.messaging, c.tables, 'uploads/VEND001/bisect.csv', `${HEADER}\n${rows.join('\n')}\n`);
      expect(await one(c.pool, 'SELECT status, valid_records, error_records FROM upload_history WHERE upload_id = $1', [run.uploadId])).toEqual({
        status: 'partial',
        valid_records: 8,
        error_records: 1,
      });
      const e = await one(c.pool, 'SELECT row_number, error_type, error_message FROM validation_errors WHERE upload_id = $1', [run.uploadId]);
      expect(e).toMatchObject({ row_number: 7, error_type: 'INVALID_FIELD_FORMAT' });
      expect(e.error_message).toMatch(/^the row cannot be stored: new row for relation "products" violates check constraint "products_test_refuse"/);
    } finally {
      await c.pool.query('ALTER TABLE products DROP CONSTRAINT products_test_refuse');
    }
  });
});

describe('exactly once under failures and concurrency', () => {
  test('a parser retry after a partial staging write stages only the missing rows; none stays pending_validation', async () => {
    const c = await catalog('robust_retry');
    try {
      const key = 'uploads/VEND001/retry.csv';
      const size = await putUpload(servers.s3, key, seedExampleCsv('VEND001', 150));
      const ref = { bucket: BUCKET, key, size, sequencer: 'RETRY1', eventTime: '2024-12-21T10:30:45.000Z' };
      let batches = 0;
      const flaky = {
        send: (cmd: unknown) => {
          if (cmd instanceof BatchWriteCommand && ++batches > 4) return Promise.reject(new Error('injected: the process died mid-staging'));
          return servers.doc.send(cmd as never);
        },
      } as unknown as DynamoDBDocumentClient;
      const deps: CsvParserDeps = { ...c.deps.parser, doc: flaky, writeConcurrency: 1 };
      await expect(processUpload(deps, ref)).rejects.toThrow(/injected/);
      const partial = await readStaged(servers.doc, c.tables.uploadTable, (await one(c.pool, 'SELECT upload_id FROM upload_history')).upload_id);
      expect(partial.length).toBe(100);
      // The stream delivers the first attempt's rows; the validator handles them.
      await c.handlers.validator(streamEvent(partial), fakeContext('product-validator'));
      // The retry (S3 / Lambda redelivery).
      const retry = await processUpload(c.deps.parser, ref);
      expect(retry).toMatchObject({ status: 'staged', total_records: 150 });
      const all = await readStaged(servers.doc, c.tables.uploadTable, retry.upload_id);
      expect(all).toHaveLength(150);
      // Rows 1–100 were not re-put (they keep their validator status); 101–150 are new INSERTs.
      expect(all.slice(0, 100).every((r) => r.status !== 'pending_validation')).toBe(true);
      await c.handlers.validator(streamEvent(all.slice(100)), fakeContext('product-validator'));
      await drainQueue(c);
      const after = await readStaged(servers.doc, c.tables.uploadTable, retry.upload_id);
      expect(after.filter((r) => r.status === 'pending_validation')).toEqual([]);
      expect(await one(c.pool, 'SELECT status, valid_records, error_records FROM upload_history WHERE upload_id = $1', [retry.upload_id])).toEqual({
        status: 'partial',
        valid_records: 143,
        error_records: 7,
      });
      // The parser's duplicate marks were the same on both attempts (row 120 duplicates row 119's SKU).
      expect(after.find((r) => r.row_number === 120)).toMatchObject({ duplicate_sku_of_row: 119 });
      expect(c.messaging.published).toHaveLength(1);
      expect(await n(c.pool, 'SELECT count(*) AS n FROM upload_row_keys')).toBe(0);
    } finally {
      await c.pool.end();
    }
  }, SLOW_MS);

  test('the same records delivered to two validators at once (two pools on one database): loaded once, never also an error', async () => {
    const c = await catalog('robust_concurrent');
    const other = new Pool({ connectionString: c.url, max: 4 });
    try {
      const key = 'uploads/VEND001/concurrent.csv';
      const size = await putUpload(servers.s3, key, seedExampleCsv('VEND001', 120));
      const staged = await processUpload(c.deps.parser, { bucket: BUCKET, key, size, sequencer: 'CONC1' });
      const records = await readStaged(servers.doc, c.tables.uploadTable, staged.upload_id);
      // Overlapping, differently cut batches in both "containers" at the same time (the SQL path,
      // where the outcome is decided; the queue and the status updates follow it).
      const runs: Promise<unknown>[] = [];
      for (let i = 0; i < records.length; i += 40) runs.push(decideInDatabase(c.pool, records.slice(i, i + 40), new Date()));
      for (let i = 0; i < records.length; i += 25) runs.push(decideInDatabase(other, records.slice(i, i + 25), new Date()));
      await Promise.all(runs);
      expect(await n(c.pool, 'SELECT count(*) AS n FROM products WHERE upload_id = $1', [staged.upload_id])).toBe(114);
      expect(await n(c.pool, 'SELECT count(DISTINCT record_id) AS n FROM validation_errors WHERE upload_id = $1', [staged.upload_id])).toBe(6);
      expect(
        await n(c.pool, 'SELECT count(*) AS n FROM validation_errors e JOIN products p ON p.upload_id = e.upload_id AND p.source_record_id = e.record_id'),
      ).toBe(0);
      expect(await one(c.pool, 'SELECT status, valid_records, error_records FROM upload_history WHERE upload_id = $1', [staged.upload_id])).toEqual({
        status: 'partial',
        valid_records: 114,
        error_records: 6,
      });
      // Two error processors on the two pools race on the finished upload: one notification.
      const p1 = publishCompletion(c.deps.errors, staged.upload_id);
      const p2 = publishCompletion({ ...c.deps.errors, db: other }, staged.upload_id);
      const results = await Promise.all([p1, p2]);
      expect(results.map((r) => r.result).sort()).toEqual(['already_notified', 'notified']);
      expect(c.messaging.published).toHaveLength(1);
    } finally {
      await other.end();
      await c.pool.end();
    }
  }, SLOW_MS);

  test('the process dies after the SNS publish, before recording it: the retry does not publish again', async () => {
    const c = await catalog('robust_publish');
    try {
      const run = await runPipeline(servers, c.handlers, c.messaging, c.tables, 'uploads/VEND001/die.csv', `${HEADER}\nD1,Die,Electronics,,,DIE-1,,1.00,1,piece\nD2,,Electronics,,,DIE-2,,1.00,1,piece\n`, {
        sqsBatch: 0,
      });
      const dying = Object.create(c.pool) as Pool;
      dying.query = ((sql: unknown, params?: unknown) => {
        if (typeof sql === 'string' && sql.includes('SET notification_message_id')) return Promise.reject(new Error('injected: process died after publish'));
        return c.pool.query(sql as string, params as unknown[]);
      }) as Pool['query'];
      await expect(publishCompletion({ ...c.deps.errors, db: dying }, run.uploadId)).rejects.toThrow(/injected/);
      expect(c.messaging.published).toHaveLength(1);
      // SQS redelivers the message to another container.
      await drainQueue(c);
      expect(await publishCompletion(c.deps.errors, run.uploadId)).toMatchObject({ result: 'already_notified' });
      expect(c.messaging.published).toHaveLength(1);
    } finally {
      await c.pool.end();
    }
  }, SLOW_MS);

  test('SNS refuses the publish: the claim is released and the retry notifies once', async () => {
    const c = await catalog('robust_sns');
    try {
      const run = await runPipeline(servers, c.handlers, c.messaging, c.tables, 'uploads/VEND001/sns.csv', `${HEADER}\nS1,Sns,Electronics,,,SNS-1,,1.00,1,piece\n`, { sqsBatch: 0 });
      const failing = { send: () => Promise.reject(Object.assign(new Error('injected: SNS throttled'), { name: 'ThrottledException' })) };
      await expect(publishCompletion({ ...c.deps.errors, sns: failing as never }, run.uploadId)).rejects.toThrow(/throttled/);
      expect(await one(c.pool, 'SELECT notified_at FROM upload_history WHERE upload_id = $1', [run.uploadId])).toEqual({ notified_at: null });
      expect(await publishCompletion(c.deps.errors, run.uploadId)).toMatchObject({ result: 'notified' });
      expect(c.messaging.published).toHaveLength(1);
      expect(c.messaging.published[0]).toMatchObject({ Subject: 'Upload Complete (100%)' } satisfies Partial<InstanceType<typeof PublishCommand>['input']>);
      expect((await one(c.pool, 'SELECT notification_message_id FROM upload_history WHERE upload_id = $1', [run.uploadId])).notification_message_id).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await c.pool.end();
    }
  }, SLOW_MS);
});

describe('bounded memory: the error report is streamed', () => {
  test('45,000 error rows (more than one 5 MiB part) go to S3 as a multipart upload, line for line', async () => {
    const c = await catalog('robust_report');
    try {
      const uploadId = 'UPLOAD_BIG_REPORT';
      await c.pool.query(
        "INSERT INTO upload_history (upload_id, vendor_id, file_name, total_records, error_records, status, failure_reason) VALUES ($1, 'VEND001', 'big.csv', 45000, 45000, 'failed', 'none')",
        [uploadId],
      );
      await c.pool.query(
        `INSERT INTO validation_errors (upload_id, vendor_id, record_id, row_number, line_number, vendor_product_id, error_type, error_field, error_message, original_data)
         SELECT $1, 'VEND001', 'REC_' || g, g, g + 1, 'PROD' || g, 'INVALID_PRICE', 'price', 'price must be >= 0.01, got -' || g || ' (a long enough message to make lines of about a hundred bytes)', jsonb_build_object('sku', 'SKU-' || g)
           FROM generate_series(1, 45000) g`,
        [uploadId],
      );
      const key = 'errors/VEND001/big_errors.csv';
      let parts = 0;
      const counting = Object.create(servers.s3) as typeof servers.s3;
      counting.send = ((cmd: { constructor: { name: string } }) => {
        if (cmd.constructor.name === 'UploadPartCommand') parts++;
        return servers.s3.send(cmd as never);
      }) as typeof servers.s3.send;
      expect(await writeErrorReport({ ...c.deps.errors, s3: counting }, BUCKET, key, uploadId)).toBe(45_000);
      expect(parts).toBeGreaterThanOrEqual(2);
      const obj = await servers.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
      const text = await obj.Body!.transformToString('utf8');
      expect(text.length).toBeGreaterThan(5 * 1024 * 1024);
      const lines = text.split('\r\n');
      expect(lines).toHaveLength(45_002);
      expect(lines[1]).toBe('1,2,PROD1,SKU-1,INVALID_PRICE,price,"price must be >= 0.01, got -1 (a long enough message to make lines of about a hundred bytes)"');
      expect(lines[45_000]).toMatch(/^45000,45001,PROD45000,SKU-45000,/);
    } finally {
      await c.pool.end();
    }
  }, SLOW_MS);
});
