/** Items of the DynamoDB UploadRecords staging table (seed section 6) and upload identifiers. */
import { createHash } from 'node:crypto';
import type { ProductColumn, RecordStatus } from './catalog';

export interface StagedRecord {
  readonly upload_id: string;
  /** REC_00001 for data row 1. */
  readonly record_id: string;
  readonly vendor_id: string;
  /** 1-based data row (the header is not counted). */
  readonly row_number: number;
  /** Physical line of the file where the row starts (the header is line 1). */
  readonly line_number: number;
  readonly status: RecordStatus;
  /** Trimmed, non-empty values of the known columns, as written in the file. */
  readonly product_data: Partial<Record<ProductColumn, string>>;
  /** Set by the parser when the row itself is malformed (e.g. too many fields). */
  readonly parse_error?: string;
  /** Set by the parser when an earlier row of the same upload has this SKU / vendor product ID. */
  readonly duplicate_sku_of_row?: number;
  readonly duplicate_vendor_product_id_of_row?: number;
  readonly created_at: string;
  /** Epoch seconds; the table's TTL attribute. */
  readonly expires_at: number;
  readonly processed_at?: string;
  readonly error_reason?: string;
  readonly error_details?: string;
}

export function recordIdFor(rowNumber: number): string {
  return `REC_${String(rowNumber).padStart(5, '0')}`;
}

export interface ObjectIdentity {
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
  readonly sequencer?: string;
  readonly eTag?: string;
  /** ISO time of the S3 event. */
  readonly eventTime?: string;
}

/**
 * Deterministic upload ID: the same S3 object version (or event sequencer) always gets the same
 * ID, so a redelivered S3 event cannot create a second upload. Shape follows the seed's
 * UPLOAD_20241221_103045, with a hash suffix: UPLOAD_20241221_103045_3f9a1c2b7d0e.
 */
export function uploadIdFor(obj: ObjectIdentity): string {
  const t = obj.eventTime ? new Date(obj.eventTime) : undefined;
  const stamp =
    t && !Number.isNaN(t.getTime())
      ? t.toISOString().replace(/[-:]/g, '').replace('T', '_').slice(0, 15)
      : 'UNDATED';
  const hash = createHash('sha256')
    .update([obj.bucket, obj.key, obj.versionId ?? '', obj.sequencer ?? '', obj.eTag ?? ''].join('\u0000'))
    .digest('hex')
    .slice(0, 12);
  return `UPLOAD_${stamp}_${hash}`;
}
