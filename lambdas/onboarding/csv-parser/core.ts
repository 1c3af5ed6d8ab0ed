/**
 * csv-parser core: one S3 object → one upload.
 *
 *  1. The key must be uploads/<vendor_id>/<file>; the vendor must exist and be active.
 *  2. upload_history gets a row (status processing).
 *  3. Pass 1 streams the object and checks its structure (encoding, header, quoting) without
 *     writing anything. A file that cannot be processed ends here: status failed with the reason,
 *     and an upload_finished message so the error processor sends the one notification.
 *  4. total_records is recorded, then pass 2 streams the same object version again (If-Match on
 *     the ETag) and writes the rows to DynamoDB in batches of 25 (unprocessed items retried).
 *
 * So a rejected file writes no row anywhere ("nothing is half-loaded"), and memory stays flat:
 * the object is read twice as a stream instead of being held. Duplicate SKUs / vendor product
 * IDs inside the file are marked on the later rows here (first occurrence wins), because only the
 * parser sees the whole file; the validator turns the marks into DUPLICATE_* errors.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Pool } from 'pg';
import { Readable } from 'node:stream';
import { ERRORS_PREFIX, UPLOADS_PREFIX } from '../shared/catalog';
import { BatchWriter } from '../../lib/dynamo';
import { sendQueueMessages } from '../shared/messages';
import { recordIdFor, uploadIdFor, type ObjectIdentity, type StagedRecord } from '../shared/staging';
import { readProductCsv, UploadRejectedError, type CsvSummary } from './parse';

export interface CsvParserDeps {
  readonly db: Pool;
  readonly s3: S3Client;
  readonly doc: DynamoDBDocumentClient;
  readonly sqs: SQSClient;
  readonly config: { readonly uploadTable: string; readonly errorsQueueUrl: string; readonly stagingTtlDays: number };
  readonly now?: () => Date;
  /** Batches of 25 in flight at once. */
  readonly writeConcurrency?: number;
  readonly log?: (level: 'info' | 'warn', message: string, extra?: Record<string, unknown>) => void;
}

export interface S3ObjectRef extends ObjectIdentity {
  /** Size from the event, if known. */
  readonly size?: number;
}

export type UploadOutcome =
  | { readonly upload_id: string; readonly status: 'staged'; readonly total_records: number; readonly malformed_rows: number; readonly ignored_columns: readonly string[] }
  | { readonly upload_id: string; readonly status: 'failed'; readonly reason: string }
  | { readonly upload_id: string; readonly status: 'skipped'; readonly reason: string };

const VENDOR_ID_MAX = 50;
const FILE_NAME_MAX = 255;

interface KeyInfo {
  readonly vendorId?: string;
  readonly fileName: string;
  readonly problem?: string;
}

/** Splits uploads/<vendor_id>/<file>; anything else is a problem with a reason. */
export function parseUploadKey(key: string): KeyInfo {
  const fileName = (key.split('/').pop() || key).slice(0, FILE_NAME_MAX);
  if (!key.startsWith(UPLOADS_PREFIX)) {
    return { fileName, problem: `the object key "${key}" is outside ${UPLOADS_PREFIX}; upload to ${UPLOADS_PREFIX}<vendor_id>/<file>.csv` };
  }
  const rest = key.slice(UPLOADS_PREFIX.length);
  const slash = rest.indexOf('/');
  if (slash <= 0 || slash === rest.length - 1) {
    return { fileName, problem: `the object key "${key}" has no vendor folder; upload to ${UPLOADS_PREFIX}<vendor_id>/<file>.csv` };
  }
  return { vendorId: rest.slice(0, slash), fileName };
}

/** S3 event keys are URL-encoded with '+' for spaces. */
export function decodeS3Key(raw: string): string {
  return decodeURIComponent(raw.replace(/\+/g, ' '));
}

export async function processUpload(deps: CsvParserDeps, ref: S3ObjectRef): Promise<UploadOutcome> {
  const now = deps.now ?? (() => new Date());
  const log = deps.log ?? (() => undefined);
  const uploadId = uploadIdFor(ref);

  if (ref.key.startsWith(ERRORS_PREFIX)) {
    // Our own error reports: never an upload (guards against a bucket notification without a prefix filter).
    log('warn', 'ignoring an object under errors/', { key: ref.key });
    return { upload_id: uploadId, status: 'skipped', reason: `${ref.key} is an error report, not an upload` };
  }

  const keyInfo = parseUploadKey(ref.key);
  const fail = (vendorId: string | null, reason: string) => failUpload(deps, { uploadId, vendorId, fileName: keyInfo.fileName, ref, reason });

  if (keyInfo.problem) return fail(null, keyInfo.problem);
  const claimed = keyInfo.vendorId!;
  const vendor =
    claimed.length > VENDOR_ID_MAX
      ? undefined
      : (await deps.db.query<{ vendor_id: string; status: string }>('SELECT vendor_id, status FROM vendors WHERE vendor_id = $1', [claimed])).rows[0];
  if (!vendor) return fail(null, `unknown vendor "${claimed}" (from the key ${ref.key})`);
  if (vendor.status !== 'active') return fail(vendor.vendor_id, `vendor "${vendor.vendor_id}" is ${vendor.status}; only active vendors can upload`);
  if (ref.size === 0) return fail(vendor.vendor_id, 'the file is empty (0 bytes)');

  // Claim the upload. A redelivered event for an upload that got past this point is skipped
  // unless it is still processing (the earlier attempt crashed): then it is redone, idempotently.
  const claim = await deps.db.query<{ status: string; inserted: boolean }>(
    `INSERT INTO upload_history (upload_id, vendor_id, file_name, file_size_bytes, status, processing_started_at, s3_bucket, s3_key)
     VALUES ($1, $2, $3, $4, 'processing', $5, $6, $7)
     ON CONFLICT (upload_id) DO UPDATE SET upload_id = EXCLUDED.upload_id
     RETURNING status, (xmax = 0) AS inserted`,
    [uploadId, vendor.vendor_id, keyInfo.fileName, ref.size ?? null, now(), ref.bucket, ref.key],
  );
  const existing = claim.rows[0]!;
  if (!existing.inserted && existing.status !== 'processing') {
    return { upload_id: uploadId, status: 'skipped', reason: `upload ${uploadId} was already processed (status ${existing.status})` };
  }

  // Pass 1: structure only.
  const first = await getObject(deps.s3, ref);
  let summary: CsvSummary;
  try {
    summary = await drain(readProductCsv(first.body));
  } catch (err) {
    if (err instanceof UploadRejectedError) return fail(vendor.vendor_id, err.reason);
    throw err;
  }
  await deps.db.query('UPDATE upload_history SET total_records = $2, file_size_bytes = $3 WHERE upload_id = $1', [
    uploadId,
    summary.rows,
    summary.bytes,
  ]);

  // Pass 2: the same bytes (If-Match), rows to DynamoDB.
  const second = await getObject(deps.s3, ref, first.eTag);
  const writer = new BatchWriter(deps.doc, deps.config.uploadTable, { concurrency: deps.writeConcurrency ?? 8 });
  const createdAt = now();
  const expiresAt = Math.floor(createdAt.getTime() / 1000) + deps.config.stagingTtlDays * 86_400;
  const firstSku = new Map<string, number>();
  const firstVpid = new Map<string, number>();
  let staged = 0;
  const rows = readProductCsv(second.body);
  for (;;) {
    const next = await rows.next();
    if (next.done) break;
    const row = next.value;
    const sku = row.values.sku;
    const vpid = row.values.vendor_product_id;
    const dupSku = sku !== undefined ? firstSku.get(sku) : undefined;
    const dupVpid = vpid !== undefined ? firstVpid.get(vpid) : undefined;
    if (sku !== undefined && dupSku === undefined) firstSku.set(sku, row.rowNumber);
    if (vpid !== undefined && dupVpid === undefined) firstVpid.set(vpid, row.rowNumber);
    const item: StagedRecord = {
      upload_id: uploadId,
      record_id: recordIdFor(row.rowNumber),
      vendor_id: vendor.vendor_id,
      row_number: row.rowNumber,
      line_number: row.line,
      status: 'pending_validation',
      product_data: row.values,
      ...(row.problem ? { parse_error: row.problem } : {}),
      ...(dupSku !== undefined ? { duplicate_sku_of_row: dupSku } : {}),
      ...(dupVpid !== undefined ? { duplicate_vendor_product_id_of_row: dupVpid } : {}),
      created_at: createdAt.toISOString(),
      expires_at: expiresAt,
    };
    await writer.add(item as unknown as Record<string, unknown>);
    staged++;
  }
  await writer.flush();
  if (staged !== summary.rows) {
    throw new Error(`upload ${uploadId}: pass 2 read ${staged} rows but pass 1 counted ${summary.rows}`);
  }
  log('info', 'upload staged', {
    upload_id: uploadId,
    total_records: staged,
    malformed_rows: summary.malformedRows,
    skipped_blank: summary.skippedBlank,
    ignored_columns: summary.header.ignored,
    dynamodb_batches: writer.batches,
    dynamodb_retries: writer.retries,
  });
  return {
    upload_id: uploadId,
    status: 'staged',
    total_records: staged,
    malformed_rows: summary.malformedRows,
    ignored_columns: summary.header.ignored,
  };
}

async function drain<T, R>(gen: AsyncGenerator<T, R>): Promise<R> {
  for (;;) {
    const r = await gen.next();
    if (r.done) return r.value;
  }
}

async function getObject(s3: S3Client, ref: S3ObjectRef, ifMatch?: string): Promise<{ body: Readable; eTag?: string }> {
  const res = await s3.send(
    new GetObjectCommand({
      Bucket: ref.bucket,
      Key: ref.key,
      ...(ref.versionId ? { VersionId: ref.versionId } : {}),
      ...(ifMatch ? { IfMatch: ifMatch } : {}),
    }),
  );
  const body = res.Body;
  if (!body) return { body: Readable.from([]), eTag: res.ETag };
  return { body: body instanceof Readable ? body : Readable.fromWeb(body as never), eTag: res.ETag };
}

interface Failure {
  readonly uploadId: string;
  readonly vendorId: string | null;
  readonly fileName: string;
  readonly ref: S3ObjectRef;
  readonly reason: string;
}

/** Records a failed upload (never overwriting one that already finished) and queues its notification. */
async function failUpload(deps: CsvParserDeps, f: Failure): Promise<UploadOutcome> {
  const now = (deps.now ?? (() => new Date()))();
  await deps.db.query(
    `INSERT INTO upload_history (upload_id, vendor_id, file_name, file_size_bytes, total_records, status, failure_reason,
                                 processing_started_at, processing_completed_at, s3_bucket, s3_key)
     VALUES ($1, $2, $3, $4, 0, 'failed', $5, $6, $6, $7, $8)
     ON CONFLICT (upload_id) DO UPDATE
       SET status = 'failed', failure_reason = EXCLUDED.failure_reason, total_records = 0,
           processing_completed_at = EXCLUDED.processing_completed_at
     WHERE upload_history.status = 'processing'`,
    [f.uploadId, f.vendorId, f.fileName, f.ref.size ?? null, f.reason, now, f.ref.bucket, f.ref.key],
  );
  await sendQueueMessages(deps.sqs, deps.config.errorsQueueUrl, [{ type: 'upload_finished', upload_id: f.uploadId }]);
  (deps.log ?? (() => undefined))('warn', 'upload failed', { upload_id: f.uploadId, reason: f.reason, key: f.ref.key });
  return { upload_id: f.uploadId, status: 'failed', reason: f.reason };
}
