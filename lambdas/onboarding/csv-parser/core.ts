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
 * So a rejected file writes no row anywhere ("nothing is half-loaded"), and memory is bounded by
 * design: the object is read twice as a stream instead of being held, rows go out in chunks of
 * {@link DEDUP_CHUNK_ROWS}, and duplicate SKUs / vendor product IDs inside the file (first
 * occurrence wins; the validator turns the marks into DUPLICATE_* errors) are found in
 * PostgreSQL (table upload_row_keys, one statement per chunk), not in a map in the heap.
 *
 * A retry of a crashed attempt (the upload is still `processing`) stages only the rows the first
 * attempt did not write (BatchGetItem per chunk): re-putting a written row would turn it back to
 * pending_validation with a MODIFY stream event, which the validator (INSERT events only) never
 * sees, leaving it stale for good. Every failure ends in upload_history `failed` with a reason
 * and one upload_finished message; the reason is made storable (pgSafe) so this path cannot fail
 * on the bytes that caused it.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Pool } from 'pg';
import { Readable } from 'node:stream';
import { ERRORS_PREFIX, UPLOADS_PREFIX, firstControlCharacter, hasCsvSuffix, pgSafe } from '../shared/catalog';
import { BatchWriter, existingKeys } from '../../lib/dynamo';
import { sendQueueMessages } from '../shared/messages';
import { recordIdFor, uploadIdFor, type ObjectIdentity, type StagedRecord } from '../shared/staging';
import { readProductCsv, UploadRejectedError, type CsvRow, type CsvSummary } from './parse';

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
/** Rows handled together: one duplicate-detection statement, one existence check on a retry. */
export const DEDUP_CHUNK_ROWS = 1000;
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

  if (!hasCsvSuffix(ref.key)) {
    // The trigger fires for .csv in every spelling only; anything else is not an upload.
    log('warn', 'ignoring an object without a .csv suffix', { key: pgSafe(ref.key) });
    return { upload_id: uploadId, status: 'skipped', reason: `${pgSafe(ref.key)} does not end in .csv` };
  }
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
    claimed.length > VENDOR_ID_MAX || firstControlCharacter(claimed)
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
    [uploadId, vendor.vendor_id, pgSafe(keyInfo.fileName), ref.size ?? null, now(), ref.bucket, pgSafe(ref.key)],
  );
  const existing = claim.rows[0]!;
  if (!existing.inserted && existing.status !== 'processing') {
    return { upload_id: uploadId, status: 'skipped', reason: `upload ${uploadId} was already processed (status ${existing.status})` };
  }
  const isRetry = !existing.inserted;

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
  let staged = 0;
  let skippedExisting = 0;
  const stageChunk = async (chunk: CsvRow[]) => {
    const marks = await duplicateMarks(deps.db, uploadId, chunk);
    const present = isRetry
      ? await existingKeys(deps.doc, deps.config.uploadTable, chunk.map((r) => ({ upload_id: uploadId, record_id: recordIdFor(r.rowNumber) })))
      : undefined;
    for (const row of chunk) {
      staged++;
      const recordId = recordIdFor(row.rowNumber);
      if (present?.has(`${uploadId}\u0000${recordId}`)) {
        skippedExisting++;
        continue;
      }
      const dupSku = marks.sku.get(row.rowNumber);
      const dupVpid = marks.vpid.get(row.rowNumber);
      const item: StagedRecord = {
        upload_id: uploadId,
        record_id: recordId,
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
    }
  };
  let chunk: CsvRow[] = [];
  const rows = readProductCsv(second.body);
  for (;;) {
    const next = await rows.next();
    if (next.done) break;
    chunk.push(next.value);
    if (chunk.length >= DEDUP_CHUNK_ROWS) {
      await stageChunk(chunk);
      chunk = [];
    }
  }
  if (chunk.length > 0) await stageChunk(chunk);
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
    ...(isRetry ? { retry_skipped_existing: skippedExisting } : {}),
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

/**
 * Duplicate SKUs / vendor product IDs of a chunk of rows, decided in PostgreSQL: each distinct key
 * of the upload is stored once with the row where it first appeared (upload_row_keys), and a row
 * whose key first appeared earlier is marked with that row. Chunks arrive in file order, so the
 * first occurrence is always stored first; a retry stores the same rows again (no change).
 * Returns row number → first row, for the rows that are duplicates.
 */
export async function duplicateMarks(
  db: Pool,
  uploadId: string,
  rows: readonly CsvRow[],
): Promise<{ sku: Map<number, number>; vpid: Map<number, number> }> {
  const kinds: string[] = [];
  const values: string[] = [];
  const rowNumbers: number[] = [];
  for (const r of rows) {
    if (r.values.sku !== undefined) {
      kinds.push('s');
      values.push(r.values.sku);
      rowNumbers.push(r.rowNumber);
    }
    if (r.values.vendor_product_id !== undefined) {
      kinds.push('v');
      values.push(r.values.vendor_product_id);
      rowNumbers.push(r.rowNumber);
    }
  }
  const sku = new Map<number, number>();
  const vpid = new Map<number, number>();
  if (values.length === 0) return { sku, vpid };
  // The INSERT's rows are not visible to the SELECT of the same statement, so the first row of a
  // key is the lower of the stored one (earlier chunks) and the first in this chunk.
  // The kinds are char(1), the column's type: as text, `s.key_kind = i.k` compares key_kind::text,
  // which the primary key cannot use, and each probe scanned every key of the upload (O(rows) per
  // row; at 1M rows a chunk took minutes). As char(1), each probe is one descent of the index.
  const res = await db.query<{ k: string; rn: number; first: number }>(
    `WITH input AS (
       SELECT k, decode(md5(convert_to(v, 'UTF8')), 'hex') AS h, rn FROM unnest($2::char(1)[], $3::text[], $4::int[]) AS t(k, v, rn)),
     firsts AS (SELECT k, h, min(rn) AS rn FROM input GROUP BY k, h),
     ins AS (
       INSERT INTO upload_row_keys (upload_id, key_kind, key_hash, row_number)
       SELECT $1, k, h, rn FROM firsts ON CONFLICT DO NOTHING)
     SELECT i.k, i.rn, least(s.row_number, f.rn) AS first
       FROM input i
       JOIN firsts f ON f.k = i.k AND f.h = i.h
       LEFT JOIN upload_row_keys s ON s.upload_id = $1 AND s.key_kind = i.k AND s.key_hash = i.h
      WHERE least(s.row_number, f.rn) < i.rn`,
    [uploadId, kinds, values.map(pgSafe), rowNumbers],
  );
  for (const r of res.rows) (r.k === 's' ? sku : vpid).set(r.rn, r.first);
  return { sku, vpid };
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
    [f.uploadId, f.vendorId, pgSafe(f.fileName), f.ref.size ?? null, pgSafe(f.reason), now, f.ref.bucket, pgSafe(f.ref.key)],
  );
  await sendQueueMessages(deps.sqs, deps.config.errorsQueueUrl, [{ type: 'upload_finished', upload_id: f.uploadId }]);
  (deps.log ?? (() => undefined))('warn', 'upload failed', { upload_id: f.uploadId, reason: pgSafe(f.reason), key: pgSafe(f.ref.key) });
  return { upload_id: f.uploadId, status: 'failed', reason: pgSafe(f.reason) };
}
