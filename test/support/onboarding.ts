/**
 * The onboarding pipeline on local servers, for tests and `npm run bench:onboarding`:
 * PostgreSQL (throwaway, migrated), DynamoDB (dynalite), S3 (s3rver); SQS and SNS are
 * aws-sdk-client-mock fakes that keep the messages. The pieces AWS would connect (S3 event, the
 * DynamoDB stream in batches of 100, the SQS trigger in batches of 10) are driven here.
 */
import { randomUUID } from 'node:crypto';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient, type PublishCommandInput } from '@aws-sdk/client-sns';
import { SendMessageBatchCommand, SQSClient, type SendMessageBatchCommandInput } from '@aws-sdk/client-sqs';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBStreamEvent, S3Event, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { Pool } from 'pg';
import { documentClient } from '../../lambdas/lib/aws';
import type { QueueMessage } from '../../lambdas/onboarding/shared/messages';
import type { StagedRecord } from '../../lambdas/onboarding/shared/staging';
import { migrate } from '../../lambdas/onboarding/migrations/migrate';
import { idempotencyStore } from '../../lambdas/lib/idempotency';
import type { CsvParserDeps } from '../../lambdas/onboarding/csv-parser/core';
import type { ValidatorDeps } from '../../lambdas/onboarding/product-validator/core';
import type { ErrorProcessorDeps } from '../../lambdas/onboarding/error-processor/core';
import { createCsvParserHandler } from '../../lambdas/onboarding/csv-parser/handler';
import { createValidatorHandler } from '../../lambdas/onboarding/product-validator/handler';
import { createErrorProcessorHandler } from '../../lambdas/onboarding/error-processor/handler';
import { startPostgres, type TestPostgres } from './postgres';
import {
  createIdempotencyTable,
  createUploadTable,
  localDynamoClient,
  localS3Client,
  startDynalite,
  startDynaliteProcess,
  startS3rver,
  type LocalServer,
} from './local-aws';

export const BUCKET = 'ecommerce-product-uploads-test';
export const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/product-validation-errors';
export const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:product-upload-notifications';

export interface OnboardingServers {
  readonly pg: TestPostgres;
  readonly dynamo: LocalServer;
  readonly s3server: LocalServer;
  readonly ddb: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
  readonly s3: S3Client;
  stop(): Promise<void>;
}

/** `dynamoProcess`: run dynalite in a child process (the benchmark) instead of in-process (tests). */
export async function startServers(opts: { dynamoProcess?: boolean } = {}): Promise<OnboardingServers> {
  const [pg, dynamo, s3server] = await Promise.all([
    startPostgres(),
    opts.dynamoProcess ? startDynaliteProcess() : startDynalite(),
    startS3rver([BUCKET]),
  ]);
  const ddb = localDynamoClient(dynamo.endpoint);
  return {
    pg,
    dynamo,
    s3server,
    ddb,
    doc: documentClient(ddb),
    s3: localS3Client(s3server.endpoint),
    async stop() {
      ddb.destroy();
      await Promise.allSettled([dynamo.stop(), s3server.stop()]);
      pg.stop();
    },
  };
}

/** SQS and SNS fakes: sent messages wait in `queue` until the error processor takes them. */
export class FakeMessaging {
  readonly sqs = new SQSClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  readonly sns = new SNSClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  queue: QueueMessage[] = [];
  sentMessages = 0;
  sendCalls = 0;
  readonly published: PublishCommandInput[] = [];

  constructor() {
    mockClient(this.sqs)
      .on(SendMessageBatchCommand)
      .callsFake((input: SendMessageBatchCommandInput) => {
        this.sendCalls++;
        for (const e of input.Entries ?? []) {
          this.queue.push(JSON.parse(e.MessageBody!) as QueueMessage);
          this.sentMessages++;
        }
        return { Successful: (input.Entries ?? []).map((e) => ({ Id: e.Id!, MessageId: randomUUID(), MD5OfMessageBody: '' })), Failed: [] };
      });
    mockClient(this.sns)
      .on(PublishCommand)
      .callsFake((input: PublishCommandInput) => {
        this.published.push(input);
        return { MessageId: randomUUID() };
      });
  }

  /** Takes up to `max` messages off the queue. */
  take(max: number): QueueMessage[] {
    return this.queue.splice(0, max);
  }
}

export interface Tables {
  readonly uploadTable: string;
  readonly idempotencyTable: string;
}

/** A fresh database (migrated) and fresh DynamoDB tables: one isolated catalog. */
export async function freshCatalog(servers: OnboardingServers, name: string): Promise<{ pool: Pool; tables: Tables }> {
  const url = await servers.pg.createDatabase(name);
  const pool = new Pool({ connectionString: url, max: 4 });
  await migrate(pool);
  const tables = { uploadTable: `UploadRecords_${name}`, idempotencyTable: `Idempotency_${name}` };
  await createUploadTable(servers.ddb, tables.uploadTable);
  await createIdempotencyTable(servers.ddb, tables.idempotencyTable);
  return { pool, tables };
}

export async function addVendor(pool: Pool, vendorId: string, status = 'active'): Promise<void> {
  await pool.query(
    `INSERT INTO vendors (vendor_id, vendor_name, email, status) VALUES ($1, $2, $3, $4)
     ON CONFLICT (vendor_id) DO UPDATE SET status = EXCLUDED.status`,
    [vendorId, `Vendor ${vendorId}`, `${vendorId.toLowerCase()}@example.com`, status],
  );
}

export interface PipelineDeps {
  readonly parser: CsvParserDeps;
  readonly validator: ValidatorDeps;
  readonly errors: ErrorProcessorDeps;
}

export function pipelineDeps(servers: OnboardingServers, pool: Pool, tables: Tables, messaging: FakeMessaging): PipelineDeps {
  return {
    parser: {
      db: pool,
      s3: servers.s3,
      doc: servers.doc,
      sqs: messaging.sqs,
      config: { uploadTable: tables.uploadTable, errorsQueueUrl: QUEUE_URL, stagingTtlDays: 7 },
    },
    validator: { db: pool, doc: servers.doc, sqs: messaging.sqs, config: { uploadTable: tables.uploadTable, errorsQueueUrl: QUEUE_URL } },
    errors: {
      db: pool,
      s3: servers.s3,
      sns: messaging.sns,
      config: { uploadsBucket: BUCKET, notificationTopicArn: TOPIC_ARN, errorReportUrlTtlSeconds: 604_800 },
    },
  };
}

export function fakeContext(functionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 300_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** The three handlers, wired to the local servers and fakes (as index.ts wires them to AWS). */
export function createHandlers(servers: OnboardingServers, deps: PipelineDeps, tables: Tables) {
  const store = () => idempotencyStore(tables.idempotencyTable, servers.ddb);
  return {
    csvParser: createCsvParserHandler(async () => ({ deps: deps.parser, persistenceStore: store() })),
    validator: createValidatorHandler(async () => deps.validator),
    errorProcessor: createErrorProcessorHandler(async () => ({ deps: deps.errors, persistenceStore: store() })),
  };
}

/** One isolated catalog wired to the real handlers: fresh database and tables, fake messaging, pipeline deps. */
export async function pipelineCatalog(servers: OnboardingServers, name: string) {
  const { pool, tables } = await freshCatalog(servers, name);
  const messaging = new FakeMessaging();
  const deps = pipelineDeps(servers, pool, tables, messaging);
  return { pool, tables, messaging, deps, handlers: createHandlers(servers, deps, tables) };
}
export type Handlers = ReturnType<typeof createHandlers>;

export function s3Event(key: string, size: number, extra: { eTag?: string; sequencer?: string; eventTime?: string } = {}): S3Event {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'us-east-1',
        eventTime: extra.eventTime ?? '2024-12-21T10:30:45.000Z',
        eventName: 'ObjectCreated:Put',
        userIdentity: { principalId: 'vendor' },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: { 'x-amz-request-id': 'r', 'x-amz-id-2': 'i' },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'uploads',
          bucket: { name: BUCKET, ownerIdentity: { principalId: 'o' }, arn: `arn:aws:s3:::${BUCKET}` },
          object: {
            key: encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+'),
            size,
            eTag: extra.eTag ?? 'etag',
            sequencer: extra.sequencer ?? randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase(),
          },
        },
      },
    ],
  };
}

export async function putUpload(s3: S3Client, key: string, body: Buffer | string): Promise<number> {
  const buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: buf }));
  return buf.length;
}

/** Every staged item of an upload (what the DynamoDB stream would carry). */
export async function readStaged(doc: DynamoDBDocumentClient, table: string, uploadId: string): Promise<StagedRecord[]> {
  const items: StagedRecord[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const res = await doc.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'upload_id = :u',
        ExpressionAttributeValues: { ':u': uploadId },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    items.push(...((res.Items ?? []) as StagedRecord[]));
    start = res.LastEvaluatedKey;
  } while (start);
  return items.sort((a, b) => a.row_number - b.row_number);
}

export function streamEvent(records: readonly StagedRecord[]): DynamoDBStreamEvent {
  return {
    Records: records.map((r, i) => ({
      eventID: `${r.upload_id}-${r.record_id}`,
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      dynamodb: {
        Keys: marshall({ upload_id: r.upload_id, record_id: r.record_id }) as never,
        NewImage: marshall(r, { removeUndefinedValues: true }) as never,
        SequenceNumber: String(1000 + i),
        SizeBytes: 100,
        StreamViewType: 'NEW_IMAGE',
      },
      eventSourceARN: 'arn:aws:dynamodb:us-east-1:123456789012:table/UploadRecords/stream/2024',
    })),
  };
}

export function sqsEvent(messages: readonly QueueMessage[]): SQSEvent {
  return {
    Records: messages.map((m) => ({
      messageId: randomUUID(),
      receiptHandle: 'r',
      body: JSON.stringify(m),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: '0',
        SenderId: 's',
        ApproximateFirstReceiveTimestamp: '0',
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:product-validation-errors',
      awsRegion: 'us-east-1',
    })),
  };
}

export interface PipelineRun {
  readonly uploadId: string;
  readonly parseMs: number;
  readonly validateMs: number;
  readonly errorsMs: number;
  /** Staged items read back to play the DynamoDB stream (not part of the timings). */
  readonly staged: number;
}

/**
 * Uploads a file and drives it through the three handlers as AWS would: S3 event → parser;
 * staged items → validator in stream batches of 100; queue → error processor in batches of 10.
 */
export async function runPipeline(
  servers: OnboardingServers,
  handlers: Handlers,
  messaging: FakeMessaging,
  tables: Tables,
  key: string,
  body: Buffer | string,
  opts: { streamBatch?: number; sqsBatch?: number } = {},
): Promise<PipelineRun> {
  const size = await putUpload(servers.s3, key, body);
  const t0 = performance.now();
  const parsed = await handlers.csvParser(s3Event(key, size), fakeContext('csv-parser'));
  const t1 = performance.now();
  const outcome = parsed.uploads[0]!;
  const staged = outcome.status === 'staged' ? await readStaged(servers.doc, tables.uploadTable, outcome.upload_id) : [];
  const t1b = performance.now();
  const streamBatch = opts.streamBatch ?? 100;
  for (let i = 0; i < staged.length; i += streamBatch) {
    await handlers.validator(streamEvent(staged.slice(i, i + streamBatch)), fakeContext('product-validator'));
  }
  const t2 = performance.now();
  for (let batch = messaging.take(opts.sqsBatch ?? 10); batch.length > 0; batch = messaging.take(opts.sqsBatch ?? 10)) {
    await handlers.errorProcessor(sqsEvent(batch), fakeContext('error-processor'));
  }
  const t3 = performance.now();
  return { uploadId: outcome.upload_id, parseMs: t1 - t0, validateMs: t2 - t1b, errorsMs: t3 - t2, staged: staged.length };
}

export const HEADER = 'vendor_product_id,product_name,category,subcategory,description,sku,brand,price,stock_quantity,unit';

/**
 * The seed's example file: `rows` products of vendor `vendor`, every 20th row bad (5 %), each
 * bad row breaking exactly one rule, rotating through the seven.
 */
export function seedExampleCsv(vendor: string, rows: number, opts: { badEvery?: number; skuPrefix?: string } = {}): string {
  return `${[HEADER, ...seedExampleRows(vendor, rows, opts)].join('\r\n')}\r\n`;
}

/** The rows of {@link seedExampleCsv}, one line at a time (no CRLF), for files too big to hold. */
export function* seedExampleRows(vendor: string, rows: number, opts: { badEvery?: number; skuPrefix?: string } = {}): Generator<string> {
  const badEvery = opts.badEvery ?? 20;
  const prefix = opts.skuPrefix ?? `${vendor}-SKU`;
  let bad = 0;
  for (let i = 1; i <= rows; i++) {
    const isBad = i % badEvery === 0;
    const cols = {
      vpid: `PROD${String(i).padStart(6, '0')}`,
      name: `Wireless Mouse ${i}`,
      category: i % 3 === 0 ? 'Computer Accessories' : 'Electronics',
      sub: 'Mice',
      desc: `"Ergonomic, 2.4 GHz ""silent"" mouse #${i}"`,
      sku: `${prefix}-${String(i).padStart(6, '0')}`,
      brand: 'TechGear',
      price: (10 + (i % 90) + 0.99).toFixed(2),
      stock: String(i % 500),
      unit: 'piece',
    };
    if (isBad) {
      switch (bad++ % 7) {
        case 0:
          cols.name = '';
          break; // MISSING_REQUIRED_FIELDS
        case 1:
          cols.price = '-10.00';
          break; // INVALID_PRICE
        case 2:
          cols.stock = '1000001';
          break; // INVALID_STOCK_QUANTITY
        case 3:
          cols.name = 'N'.repeat(201);
          break; // FIELD_LENGTH_EXCEEDED
        case 4:
          cols.category = 'Weapons';
          break; // INVALID_CATEGORY
        case 5:
          cols.sku = `${prefix}-${String(i - 1).padStart(6, '0')}`;
          break; // DUPLICATE_SKU (same as the previous row)
        case 6:
          cols.vpid = `PROD${String(i - 1).padStart(6, '0')}`;
          break; // DUPLICATE_VENDOR_PRODUCT_ID
      }
    }
    yield [cols.vpid, cols.name, cols.category, cols.sub, cols.desc, cols.sku, cols.brand, cols.price, cols.stock, cols.unit].join(',');
  }
}
