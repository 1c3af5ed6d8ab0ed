/**
 * error-processor core: for an upload named by queue messages, once every row has an outcome
 * (or the parser failed the upload): write errors/<vendor>/<upload>_errors.csv from
 * validation_errors, presign it for 7 days, update upload_history and publish the one SNS
 * notification.
 *
 * The report is built from the table, not from the messages of one SQS batch, so it is complete
 * however the messages were batched. "Exactly one notification" rests on two guards: the caller
 * wraps {@link publishCompletion} in Powertools idempotency keyed by upload_id, and the function
 * itself locks the upload_history row and does nothing once notified_at is set.
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Pool } from 'pg';
import { ERRORS_PREFIX } from '../shared/catalog';
import { errorReportCsv, notificationFor, type ErrorReportRow, type UploadSummary } from './report';

export interface ErrorProcessorDeps {
  readonly db: Pool;
  readonly s3: S3Client;
  readonly sns: SNSClient;
  readonly config: { readonly uploadsBucket: string; readonly notificationTopicArn: string; readonly errorReportUrlTtlSeconds: number };
  readonly now?: () => Date;
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

export async function publishCompletion(deps: ErrorProcessorDeps, uploadId: string): Promise<PublishResult> {
  const now = (deps.now ?? (() => new Date()))();
  const client = await deps.db.connect();
  try {
    await client.query('BEGIN');
    const row = (await client.query<HistoryRow>(`${SELECT_HISTORY} FOR UPDATE`, [uploadId])).rows[0];
    if (!row) {
      await client.query('ROLLBACK');
      return { upload_id: uploadId, result: 'unknown_upload' };
    }
    if (row.notified_at || row.status === 'processing') {
      await client.query('ROLLBACK');
      return { upload_id: uploadId, result: row.notified_at ? 'already_notified' : 'in_progress', status: row.status };
    }

    let report: { url: string; expiresAt: Date; key: string } | undefined;
    if (row.error_records > 0) {
      const errors = await client.query<ErrorReportRow>(
        `SELECT min(row_number) AS row_number, min(line_number) AS line_number,
                min(vendor_product_id) AS vendor_product_id, min(original_data->>'sku') AS sku,
                array_agg(error_type ORDER BY error_id) AS error_types,
                array_agg(coalesce(error_field, '') ORDER BY error_id) AS error_fields,
                array_agg(error_message ORDER BY error_id) AS messages
           FROM validation_errors WHERE upload_id = $1
          GROUP BY record_id ORDER BY min(row_number)`,
        [uploadId],
      );
      const key = `${ERRORS_PREFIX}${reportFolder(row)}/${uploadId}_errors.csv`;
      await deps.s3.send(
        new PutObjectCommand({
          Bucket: deps.config.uploadsBucket,
          Key: key,
          Body: errorReportCsv(errors.rows),
          ContentType: 'text/csv; charset=utf-8',
          ContentDisposition: `attachment; filename="${uploadId}_errors.csv"`,
        }),
      );
      const ttl = deps.config.errorReportUrlTtlSeconds;
      const url = await getSignedUrl(deps.s3, new GetObjectCommand({ Bucket: deps.config.uploadsBucket, Key: key }), { expiresIn: ttl });
      report = { url, key, expiresAt: new Date(now.getTime() + ttl * 1000) };
    }

    const summary: UploadSummary = {
      upload_id: row.upload_id,
      vendor_id: row.vendor_id,
      file_name: row.file_name,
      s3_key: row.s3_key,
      status: row.status as UploadSummary['status'],
      total_records: row.total_records ?? 0,
      valid_records: row.valid_records,
      error_records: row.error_records,
      failure_reason: row.failure_reason,
    };
    const note = notificationFor(summary, report);
    const published = await deps.sns.send(
      new PublishCommand({
        TopicArn: deps.config.notificationTopicArn,
        Subject: note.subject,
        Message: note.message,
        MessageAttributes: {
          vendor_id: { DataType: 'String', StringValue: row.vendor_id ?? reportFolder(row) },
          upload_id: { DataType: 'String', StringValue: uploadId },
          status: { DataType: 'String', StringValue: row.status },
        },
      }),
    );
    await client.query('UPDATE upload_history SET error_file_s3_key = $2, notified_at = $3 WHERE upload_id = $1', [
      uploadId,
      report?.key ?? null,
      now,
    ]);
    await client.query('COMMIT');
    return {
      upload_id: uploadId,
      result: 'notified',
      status: row.status,
      error_file_s3_key: report?.key ?? null,
      subject: note.subject,
      ...(published.MessageId ? { message_id: published.MessageId } : {}),
    };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
