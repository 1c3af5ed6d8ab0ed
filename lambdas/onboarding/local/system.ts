/**
 * Local mode of the onboarding system (`npm run local:onboarding`): the real handlers, wired as
 * AWS wires them, against local servers on 127.0.0.1.
 *
 * Real: PostgreSQL 15 (initdb/pg_ctl, throwaway, as test/support/postgres.ts), dynalite (DynamoDB:
 * UploadRecords and the idempotency table), s3rver (S3: the uploads bucket), and every handler:
 * catalog-migrator (migrations, categories, one demo vendor), upload-url and report-link (on one
 * loopback HTTP server: /upload-url and /report-link/<report key>), csv-parser, product-validator,
 * error-processor (writes the report to s3rver, signs a 7-day report link).
 *
 * Stand-ins, because nothing local exists for them:
 * - the S3 event notification: s3rver emits an S3 event for every PUT; a PUT under uploads/ ending
 *   in .csv (any case) is re-encoded as S3 encodes keys and handed to csv-parser;
 * - the DynamoDB stream: dynalite has no streams. After csv-parser stages an upload, its items are
 *   read back (Query) and fed to the validator as INSERT stream records (NEW_IMAGE), in batches of
 *   1,000 as the event source mapping does;
 * - SQS (errors queue) and SNS (notifications): aws-sdk-client-mock clients (test/support's
 *   FakeMessaging) keep the sent messages; the queue is drained to the error processor in batches
 *   of 10, and every SNS publish is printed;
 * - Secrets Manager: the vendor-token and report-link keys are random, in memory.
 * Uploads are processed one at a time, in arrival order.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PublishCommandInput } from '@aws-sdk/client-sns';
import type { S3Event } from 'aws-lambda';
import { Pool } from 'pg';
import { documentClient } from '../../lib/aws';
import { createCatalogMigratorHandler } from '../catalog-migrator/handler';
import type { CatalogDeployResult } from '../catalog-migrator/core';
import { loadMigrations } from '../migrations/migrate';
import { CATEGORIES } from '../shared/reference';
import { makeReportLink } from '../shared/report-links';
import { issueVendorToken, newKeyValue } from '../shared/tokens';
import type { FunctionUrlEvent, HttpResponse } from '../shared/http';
import { createUploadUrlHandler } from '../upload-url/handler';
import { createReportLinkHandler } from '../report-link/handler';
import { createCsvParserHandler } from '../csv-parser/handler';
import type { UploadOutcome } from '../csv-parser/core';
import { createValidatorHandler } from '../product-validator/handler';
import { createErrorProcessorHandler } from '../error-processor/handler';
import { idempotencyStore } from '../../lib/idempotency';
import { startPostgres } from '../../../test/support/postgres';
import { createIdempotencyTable, createUploadTable, localDynamoClient, localS3Client, startDynalite } from '../../../test/support/local-aws';
import { FakeMessaging, fakeContext, readStaged, sqsEvent, streamEvent } from '../../../test/support/onboarding';

// s3rver ships no type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver') as new (opts: { port: number; address: string; silent: boolean; directory: string; configureBuckets: { name: string }[] }) => {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  on(event: 'event', listener: (e: S3Event) => void): void;
};

export const LOCAL_BUCKET = 'ecommerce-product-uploads-local';
export const DEMO_VENDOR = { id: 'VEND001', name: 'Demo Vendor', email: 'demo-vendor@example.com' } as const;
const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/000000000000/product-validation-errors-local';
const TOPIC_ARN = 'arn:aws:sns:us-east-1:000000000000:product-upload-notifications-local';
const TABLES = { uploadTable: 'UploadRecords', idempotencyTable: 'Idempotency' } as const;
/** As systems/onboarding/settings.ts: stream batchSize and the error queue's batchSize. */
const STREAM_BATCH = 1000;
const QUEUE_BATCH = 10;

export interface LocalOptions {
  /** Port of the HTTP server (upload-url, report-link). @default 0 (random) */
  readonly port?: number;
  /** Called with each SNS publish (the notification stand-in). */
  readonly onNotification?: (n: PublishCommandInput) => void;
  /** Called when an upload fails in the local wiring itself (not a failed upload). */
  readonly onError?: (err: Error) => void;
}

/** The upload's row in upload_history, once the error processor has finished it. */
export interface UploadState {
  readonly upload_id: string;
  readonly vendor_id: string | null;
  readonly s3_key: string | null;
  readonly status: string;
  readonly total_records: number | null;
  readonly valid_records: number;
  readonly error_records: number;
  readonly error_file_s3_key: string | null;
  readonly failure_reason: string | null;
  readonly notified: boolean;
}

export interface LocalOnboarding {
  /** POST { file_name } with Authorization: Bearer <vendorToken>: a presigned PUT to s3rver. */
  readonly uploadUrl: string;
  /** Base of the report links the error processor signs (GET <base>/errors/<vendor>/<file>?t=...). */
  readonly reportLink: string;
  /** A 30-day token of the demo vendor, signed with the local vendor-token key. */
  readonly vendorToken: string;
  readonly vendorId: string;
  readonly s3Endpoint: string;
  readonly dynamoEndpoint: string;
  readonly postgresUrl: string;
  readonly catalog: CatalogDeployResult;
  /** Every notification published so far (SNS stand-in). */
  readonly notifications: readonly PublishCommandInput[];
  /** Resolves when the upload of `key` has been through the whole pipeline (parser, validator, error processor). */
  waitForUpload(key: string, timeoutMs?: number): Promise<UploadState>;
  stop(): Promise<void>;
}

/** An S3 key as it appears in event notifications (URL-encoded, spaces as "+"). */
const eventKey = (key: string): string => encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+');

/** A Node request as a Lambda function URL event (payload 2.0), `rawPath` without the route prefix. */
async function functionUrlEvent(req: IncomingMessage, url: URL, rawPath: string): Promise<FunctionUrlEvent> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
  return {
    rawPath,
    headers,
    queryStringParameters: Object.fromEntries(url.searchParams),
    body: chunks.length ? Buffer.concat(chunks).toString('utf8') : undefined,
    isBase64Encoded: false,
    requestContext: { http: { method: req.method ?? '' } },
  };
}

function send(res: ServerResponse, r: HttpResponse): void {
  res.writeHead(r.statusCode, r.headers).end(r.body ?? '');
}

export async function startLocalOnboarding(options: LocalOptions = {}): Promise<LocalOnboarding> {
  const cleanups: (() => Promise<void> | void)[] = [];
  const stop = async () => {
    for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
    cleanups.length = 0;
  };
  try {
    // Local servers.
    const s3dir = mkdtempSync(join(tmpdir(), 'onboarding-local-s3-'));
    const s3rver = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: s3dir, configureBuckets: [{ name: LOCAL_BUCKET }] });
    const [pg, dynamo, s3addr] = await Promise.all([startPostgres(), startDynalite(), s3rver.run()]);
    cleanups.push(() => pg.stop(), () => dynamo.stop(), async () => { await s3rver.close(); rmSync(s3dir, { recursive: true, force: true }); });
    const s3Endpoint = `http://127.0.0.1:${s3addr.port}`;
    const ddb = localDynamoClient(dynamo.endpoint);
    cleanups.push(() => ddb.destroy());
    const doc = documentClient(ddb);
    const s3 = localS3Client(s3Endpoint);
    await Promise.all([createUploadTable(ddb, TABLES.uploadTable), createIdempotencyTable(ddb, TABLES.idempotencyTable)]);

    // The catalog, through the real catalog-migrator handler (it closes the pool it is given).
    const postgresUrl = await pg.createDatabase('ecommerce_platform');
    const catalogInput = {
      migrations: loadMigrations().map(({ version, name, file, sql, checksum }) => ({ version, name, file, sql, checksum })),
      categories: [...CATEGORIES],
      vendors: [{ ...DEMO_VENDOR }],
    };
    const catalog = await createCatalogMigratorHandler(async () => new Pool({ connectionString: postgresUrl, max: 1 }))(catalogInput);
    const pool = new Pool({ connectionString: postgresUrl, max: 4 });
    cleanups.push(() => pool.end());

    // Secrets Manager stand-in: the two signing keys, in memory.
    const vendorKey = new TextEncoder().encode(newKeyValue());
    const reportKey = new TextEncoder().encode(newKeyValue());

    // HTTP: the two function URLs on one loopback server.
    let handleHttp: (req: IncomingMessage, res: ServerResponse) => Promise<void> = async () => undefined;
    const http: Server = createServer((req, res) => {
      handleHttp(req, res).catch((err: Error) => send(res, { statusCode: 500, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: err.message }) }));
    });
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    cleanups.push(() => new Promise<void>((resolve) => { http.closeAllConnections(); http.close(() => resolve()); }));
    const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    const uploadUrl = `${base}/upload-url`;
    const reportLink = `${base}/report-link`;

    const presigner = localS3Client(s3Endpoint);
    const uploadUrlHandler = createUploadUrlHandler(() => ({ s3: presigner, bucket: LOCAL_BUCKET, keys: { get: async () => vendorKey }, expiresInSeconds: 900 }));
    const reportLinkHandler = createReportLinkHandler(() => ({ s3: presigner, bucket: LOCAL_BUCKET, keys: { get: async () => reportKey }, redirectTtlSeconds: 300 }));
    handleHttp = async (req, res) => {
      const url = new URL(req.url ?? '/', base);
      if (url.pathname === '/upload-url') return send(res, await uploadUrlHandler(await functionUrlEvent(req, url, '/')));
      if (url.pathname.startsWith('/report-link/')) return send(res, await reportLinkHandler(await functionUrlEvent(req, url, url.pathname.slice('/report-link'.length))));
      send(res, { statusCode: 404, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: `no route ${url.pathname}: POST /upload-url or GET /report-link/<report key>?t=...` }) });
    };

    // The pipeline handlers with their dependencies, as index.ts wires them to AWS.
    const messaging = new FakeMessaging();
    const notifications: PublishCommandInput[] = [];
    const store = () => idempotencyStore(TABLES.idempotencyTable, ddb);
    const csvParser = createCsvParserHandler(async () => ({
      deps: { db: pool, s3, doc, sqs: messaging.sqs, config: { uploadTable: TABLES.uploadTable, errorsQueueUrl: QUEUE_URL, stagingTtlDays: 7 } },
      persistenceStore: store(),
    }));
    const validator = createValidatorHandler(async () => ({ db: pool, doc, sqs: messaging.sqs, config: { uploadTable: TABLES.uploadTable, errorsQueueUrl: QUEUE_URL } }));
    const errorProcessor = createErrorProcessorHandler(async () => ({
      deps: {
        db: pool,
        s3,
        sns: messaging.sns,
        config: { uploadsBucket: LOCAL_BUCKET, notificationTopicArn: TOPIC_ARN, errorReportUrlTtlSeconds: 604_800 },
        reportLink: (r) => makeReportLink(reportKey, reportLink, r.key, r.expiresAt),
      },
      persistenceStore: store(),
    }));

    const runUpload = async (event: S3Event): Promise<UploadOutcome[]> => {
      const { uploads } = await csvParser(event, fakeContext('csv-parser'));
      for (const outcome of uploads) {
        if (outcome.status !== 'staged') continue;
        // DynamoDB stream stand-in: the staged items as INSERT records, in mapping-sized batches.
        const staged = await readStaged(doc, TABLES.uploadTable, outcome.upload_id);
        for (let i = 0; i < staged.length; i += STREAM_BATCH) await validator(streamEvent(staged.slice(i, i + STREAM_BATCH)), fakeContext('product-validator'));
      }
      // SQS trigger stand-in: the queue in batches of 10.
      for (let batch = messaging.take(QUEUE_BATCH); batch.length > 0; batch = messaging.take(QUEUE_BATCH)) {
        const res = await errorProcessor(sqsEvent(batch), fakeContext('error-processor'));
        if (res.batchItemFailures.length > 0) throw new Error(`error-processor returned ${res.batchItemFailures.length} failed messages`);
      }
      for (const n of messaging.published.splice(0)) {
        notifications.push(n);
        options.onNotification?.(n);
      }
      return uploads;
    };

    // S3 event notification stand-in: s3rver's event, filtered as the bucket notification is.
    let chain: Promise<unknown> = Promise.resolve();
    const done = new Map<string, Promise<UploadOutcome[]>>();
    s3rver.on('event', (e) => {
      for (const record of e.Records) {
        const key = record.s3.object.key;
        if (!record.eventName.startsWith('ObjectCreated:') || !key.startsWith('uploads/') || !key.toLowerCase().endsWith('.csv')) continue;
        const event: S3Event = {
          Records: [{ ...record, s3: { ...record.s3, bucket: { ...record.s3.bucket, arn: `arn:aws:s3:::${record.s3.bucket.name}` }, object: { ...record.s3.object, key: eventKey(key) } } }],
        };
        const job = chain.then(() => runUpload(event));
        job.catch((err: Error) => options.onError?.(err));
        chain = job.catch(() => undefined);
        done.set(key, job);
      }
    });

    const vendorToken = await issueVendorToken(vendorKey, DEMO_VENDOR.id, 30 * 86_400);

    const waitForUpload = async (key: string, timeoutMs = 20_000): Promise<UploadState> => {
      const deadline = Date.now() + timeoutMs;
      while (!done.has(key)) {
        if (Date.now() > deadline) throw new Error(`no S3 event for ${key} within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 10));
      }
      const uploads = await done.get(key)!;
      const id = uploads[0]?.upload_id;
      const row = (
        await pool.query<UploadState & { notified_at: Date | null }>(
          `SELECT upload_id, vendor_id, s3_key, status, total_records, valid_records, error_records, error_file_s3_key, failure_reason, notified_at
             FROM upload_history WHERE upload_id = $1`,
          [id],
        )
      ).rows[0];
      if (!row) throw new Error(`upload ${key} (${id ?? 'no upload id'}) has no upload_history row: csv-parser said ${JSON.stringify(uploads)}`);
      const { notified_at, ...rest } = row;
      return { ...rest, notified: notified_at !== null };
    };

    return {
      uploadUrl,
      reportLink,
      vendorToken,
      vendorId: DEMO_VENDOR.id,
      s3Endpoint,
      dynamoEndpoint: dynamo.endpoint,
      postgresUrl,
      catalog,
      notifications,
      waitForUpload,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Only for the demo: random suffix so two demo files never share a key. */
export const demoFileName = (): string => `products-${randomBytes(3).toString('hex')}.csv`;
