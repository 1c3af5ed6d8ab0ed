/**
 * error-processor core: for an upload named by queue messages, once every row has an outcome
 * (or the parser failed the upload): write errors/<vendor>/<upload>_errors.csv from
 * validation_errors, make its 7-day link, update upload_history and publish the one SNS
 * notification.
 *
 * The report is built from the table, not from the messages of one SQS batch, so it is complete
 * however the messages were batched, and it is streamed: a pg cursor reads
 * {@link REPORT_FETCH_ROWS} rows at a time, each becomes a CSV line, and @aws-sdk/lib-storage
 * uploads the stream in 5 MiB parts (two in flight), so memory does not grow with the number of
 * errors.
 *
 * Exactly one notification: the notification is claimed with a conditional update
 * (`notified_at` set WHERE it is NULL) that is committed BEFORE SNS is called. Of two containers
 * racing, one claims; a process that dies after the publish finds the claim on its retry and does
 * not publish again. If the publish call itself fails, the claim is released and the message is
 * retried. The remaining window (the process dies between the claim and the publish) loses the
 * notification rather than sending two; such rows have notified_at set and
 * notification_message_id NULL (docs/onboarding.md: the query to find them). Powertools
 * idempotency around {@link publishCompletion} stays as a second guard.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Pool } from 'pg';
import Cursor from 'pg-cursor';
import { Readable } from 'node:stream';
import { ERRORS_PREFIX } from '../shared/catalog';
import { ERROR_REPORT_HEADER_LINE, errorReportLine, notificationFor, type ErrorReportRow, type UploadSummary } from './report';

/** Rows fetched from the report cursor at a time. */
export const REPORT_FETCH_ROWS = 2000;
/** Multipart part size of the report upload (the S3 minimum) and parts in flight. */
export const REPORT_PART_BYTES = 5 * 1024 * 1024;
export const REPORT_PARTS_IN_FLIGHT = 2;

/** Makes the link a vendor gets for a report (default: an S3 presigned GET for the TTL). */
export type ReportLinkMaker = (report: { bucket: string; key: string; uploadId: string; vendorId: string | null; expiresAt: Date }) => Promise<string>;

export interface ErrorProcessorDeps {
  readonly db: Pool;
  readonly s3: S3Client;
  readonly sns: SNSClient;
  readonly config: { readonly uploadsBucket: string; readonly notificationTopicArn: string; readonly errorReportUrlTtlSeconds: number };
  readonly now?: () => Date;
  /** @default a presigned S3 GET valid for errorReportUrlTtlSeconds */
  readonly reportLink?: ReportLinkMaker;
}

export type UploadState = 'unknown_upload' | 'in_progress' | 'already_notified' | 'ready';

export interface PublishResult {
  readonly upload_id: string;
  readonly result: 'notified' | 'already_notified' | 'in_progress' | 'unknown_upload';
  readonly status?: string;
  readonly error_file_s3_key?: string | null;
  readonly message_id?: string;
  readonly subject?: string;
}

interface HistoryRow {
  upload_id: string;
  vendor_id: string | null;
  file_name: string;
  s3_key: string | null;
  status: string;
  total_records: number | null;
  valid_records: number;
  error_records: number;
  failure_reason: string | null;
  notified_at: Date | null;
}

const SELECT_HISTORY = `SELECT upload_id, vendor_id, file_name, s3_key, status, total_records, valid_records, error_records,
                               failure_reason, notified_at FROM upload_history WHERE upload_id = $1`;

/** Cheap check without locks: should this upload be finalized now? */
export async function uploadState(deps: Pick<ErrorProcessorDeps, 'db'>, uploadId: string): Promise<UploadState> {
  const row = (await deps.db.query<HistoryRow>(SELECT_HISTORY, [uploadId])).rows[0];
  if (!row) return 'unknown_upload';
  if (row.notified_at) return 'already_notified';
  return row.status === 'processing' ? 'in_progress' : 'ready';
}

/** Vendor folder of the report: the vendor, or the folder the key named when the vendor is unknown. */
function reportFolder(row: HistoryRow): string {
  if (row.vendor_id) return row.vendor_id;
  const m = row.s3_key ? /^uploads\/([^/]+)\//.exec(row.s3_key) : null;
  return m ? m[1]! : '_unknown';
}

const REPORT_SQL = `SELECT min(row_number) AS row_number, min(line_number) AS line_number,
                            min(vendor_product_id) AS vendor_product_id, min(original_data->>'sku') AS sku,
                            array_agg(error_type ORDER BY error_id) AS error_types,
                            array_agg(coalesce(error_field, '') ORDER BY error_id) AS error_fields,
                            array_agg(error_message ORDER BY error_id) AS messages
                       FROM validation_errors WHERE upload_id = $1
                      GROUP BY record_id ORDER BY min(row_number)`;

/** Streams the error report of an upload to S3 (cursor → CSV lines → multipart upload). Returns the rows written. */
export async function writeErrorReport(
  deps: Pick<ErrorProcessorDeps, 'db' | 's3'>,
  bucket: string,
  key: string,
  uploadId: string,
  opts: { partBytes?: number } = {},
): Promise<number> {
  const client = await deps.db.connect();
  let rows = 0;
  try {
    const cursor = client.query(new Cursor<ErrorReportRow>(REPORT_SQL, [uploadId]));
    async function* lines(): AsyncGenerator<string> {
      try {
        yield ERROR_REPORT_HEADER_LINE;
        for (;;) {
          const batch = await cursor.read(REPORT_FETCH_ROWS);
          if (batch.length === 0) break;
          rows += batch.length;
          let text = '';
          for (const r of batch) text += errorReportLine(r);
          yield text;
        }
      } finally {
        await cursor.close();
      }
    }
    const upload = new Upload({
      client: deps.s3,
      queueSize: REPORT_PARTS_IN_FLIGHT,
      partSize: opts.partBytes ?? REPORT_PART_BYTES,
      leavePartsOnError: false,
      params: {
        Bucket: bucket,
        Key: key,
        Body: Readable.from(lines(), { objectMode: false }),
        ContentType: 'text/csv; charset=utf-8',
        ContentDisposition: `attachment; filename="${uploadId}_errors.csv"`,
      },
    });
    await upload.done();
    return rows;
  } finally {
    client.release();
  }
}

export async function publishCompletion(deps: ErrorProcessorDeps, uploadId: string): Promise<PublishResult> {
  const now = (deps.now ?? (() => new Date()))();
  const first = (await deps.db.query<HistoryRow>(SELECT_HISTORY, [uploadId])).rows[0];
  if (!first) return { upload_id: uploadId, result: 'unknown_upload' };
  if (first.notified_at || first.status === 'processing') {
    return { upload_id: uploadId, result: first.notified_at ? 'already_notified' : 'in_progress', status: first.status };
  }

  // The report first (idempotent: same key, same content), so the claim below is followed by the publish only.
  let report: { url: string; expiresAt: Date; key: string } | undefined;
  if (first.error_records > 0) {
    const key = `${ERRORS_PREFIX}${reportFolder(first)}/${uploadId}_errors.csv`;
    await writeErrorReport(deps, deps.config.uploadsBucket, key, uploadId);
    const expiresAt = new Date(now.getTime() + deps.config.errorReportUrlTtlSeconds * 1000);
    const makeLink: ReportLinkMaker =
      deps.reportLink ??
      (async (r) =>
        getSignedUrl(deps.s3, new GetObjectCommand({ Bucket: r.bucket, Key: r.key }), { expiresIn: deps.config.errorReportUrlTtlSeconds }));
    const url = await makeLink({ bucket: deps.config.uploadsBucket, key, uploadId, vendorId: first.vendor_id, expiresAt });
    report = { url, key, expiresAt };
  }

  // The claim: committed before SNS is called (see the file comment).
  const claimed = (
    await deps.db.query<HistoryRow>(
      `UPDATE upload_history SET notified_at = $2, error_file_s3_key = $3
        WHERE upload_id = $1 AND notified_at IS NULL AND status <> 'processing'
        RETURNING upload_id, vendor_id, file_name, s3_key, status, total_records, valid_records, error_records, failure_reason, notified_at`,
      [uploadId, now, report?.key ?? null],
    )
  ).rows[0];
  if (!claimed) return { upload_id: uploadId, result: 'already_notified', status: first.status };

  const summary: UploadSummary = {
    upload_id: claimed.upload_id,
    vendor_id: claimed.vendor_id,
    file_name: claimed.file_name,
    s3_key: claimed.s3_key,
    status: claimed.status as UploadSummary['status'],
    total_records: claimed.total_records ?? 0,
    valid_records: claimed.valid_records,
    error_records: claimed.error_records,
    failure_reason: claimed.failure_reason,
  };
  const note = notificationFor(summary, report);
  let messageId: string | undefined;
  try {
    const published = await deps.sns.send(
      new PublishCommand({
        TopicArn: deps.config.notificationTopicArn,
        Subject: note.subject,
        Message: note.message,
        MessageAttributes: {
          vendor_id: { DataType: 'String', StringValue: claimed.vendor_id ?? reportFolder(claimed) },
          upload_id: { DataType: 'String', StringValue: uploadId },
          status: { DataType: 'String', StringValue: claimed.status },
        },
      }),
    );
    messageId = published.MessageId;
  } catch (err) {
    // SNS said no: nothing went out, so the claim is released for the retry.
    await deps.db
      .query('UPDATE upload_history SET notified_at = NULL WHERE upload_id = $1 AND notified_at = $2 AND notification_message_id IS NULL', [uploadId, now])
      .catch(() => undefined);
    throw err;
  }
  await deps.db.query('UPDATE upload_history SET notification_message_id = $2 WHERE upload_id = $1', [uploadId, messageId ?? 'unknown']);
  // The parser's duplicate keys are no longer needed.
  await deps.db.query('DELETE FROM upload_row_keys WHERE upload_id = $1', [uploadId]);
  return {
    upload_id: uploadId,
    result: 'notified',
    status: claimed.status,
    error_file_s3_key: report?.key ?? null,
    subject: note.subject,
    ...(messageId ? { message_id: messageId } : {}),
  };
}
