/**
 * The naive per-row baseline for `npm run bench:onboarding`: the seed's flow as drawn
 * (sections 3 and 5): the whole file is downloaded and parsed in memory, rows go to DynamoDB in
 * sequential batches of 25, and the validator makes one query per rule per row, one INSERT per
 * row, one UpdateItem per row and one SendMessage per error. The same rules (checkRow) decide,
 * so both variants must end with identical products and errors.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { BatchWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { parse } from 'csv-parse/sync';
import type { Pool } from 'pg';
import { normalizeHeader, type ProductColumn } from '../../lambdas/onboarding/shared/catalog';
import type { RowError } from '../../lambdas/onboarding/shared/messages';
import { recordIdFor, uploadIdFor, type StagedRecord } from '../../lambdas/onboarding/shared/staging';
import { checkRow } from '../../lambdas/onboarding/product-validator/rules';

export interface NaiveDeps {
  readonly db: Pool;
  readonly s3: S3Client;
  readonly doc: DynamoDBDocumentClient;
  readonly sqs: SQSClient;
  readonly uploadTable: string;
  readonly queueUrl: string;
}

/** Seed csv-parser: download, parse in memory, verify vendor, record upload, batches of 25 one after another. */
export async function naiveParse(deps: NaiveDeps, bucket: string, key: string): Promise<string> {
  const vendorId = key.split('/')[1]!;
  const uploadId = uploadIdFor({ bucket, key, sequencer: `naive-${Date.now()}` });
  const res = await deps.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const text = await res.Body!.transformToString('utf8');
  const vendor = await deps.db.query("SELECT vendor_id FROM vendors WHERE vendor_id = $1 AND status = 'active'", [vendorId]);
  if (vendor.rowCount === 0) throw new Error(`vendor ${vendorId} not active`);
  const rows = parse(text, { bom: true, columns: (h: string[]) => h.map(normalizeHeader), skip_empty_lines: true, relax_column_count: true }) as Record<string, string>[];
  await deps.db.query(
    "INSERT INTO upload_history (upload_id, vendor_id, file_name, total_records, status, processing_started_at) VALUES ($1, $2, $3, $4, 'processing', now())",
    [uploadId, vendorId, key.split('/').pop(), rows.length],
  );
  const now = new Date().toISOString();
  for (let i = 0; i < rows.length; i += 25) {
    const items = rows.slice(i, i + 25).map((r, j) => {
      const data: Partial<Record<ProductColumn, string>> = {};
      for (const [k, v] of Object.entries(r)) if (v.trim() !== '') data[k as ProductColumn] = v.trim();
      const row = i + j + 1;
      const item: StagedRecord = {
        upload_id: uploadId,
        record_id: recordIdFor(row),
        vendor_id: vendorId,
        row_number: row,
        line_number: row + 1,
        status: 'pending_validation',
        product_data: data,
        created_at: now,
        expires_at: 0,
      };
      return { PutRequest: { Item: item as unknown as Record<string, unknown> } };
    });
    let pending = items;
    while (pending.length > 0) {
      const out = await deps.doc.send(new BatchWriteCommand({ RequestItems: { [deps.uploadTable]: pending } }));
      pending = (out.UnprocessedItems?.[deps.uploadTable] ?? []) as typeof items;
    }
  }
  return uploadId;
}

/** Seed product-validator: for each record, run the rules with queries, insert, update, send. */
export async function naiveValidate(deps: NaiveDeps, records: readonly StagedRecord[]): Promise<void> {
  for (const rec of records) {
    const { errors, product } = checkRow(rec);
    const d = rec.product_data;
    let category: string | undefined;
    if (d.category) {
      const c = await deps.db.query('SELECT category_name FROM product_categories WHERE is_active AND lower(category_name) = lower($1)', [d.category]);
      category = c.rows[0]?.category_name;
      if (!category) errors.push({ error_type: 'INVALID_CATEGORY', error_field: 'category', message: `category '${d.category}' is not an active category` });
    }
    if (d.sku) {
      const s = await deps.db.query('SELECT 1 FROM products WHERE sku = $1', [d.sku]);
      if (s.rowCount) errors.push({ error_type: 'DUPLICATE_SKU', error_field: 'sku', message: `SKU '${d.sku}' already exists in the catalog` });
    }
    if (d.vendor_product_id) {
      const v = await deps.db.query('SELECT 1 FROM products WHERE vendor_id = $1 AND vendor_product_id = $2', [rec.vendor_id, d.vendor_product_id]);
      if (v.rowCount) {
        errors.push({ error_type: 'DUPLICATE_VENDOR_PRODUCT_ID', error_field: 'vendor_product_id', message: `vendor_product_id '${d.vendor_product_id}' already exists` });
      }
    }
    if (errors.length === 0 && product && category) {
      await deps.db.query(
        `INSERT INTO products (vendor_id, vendor_product_id, product_name, category, subcategory, description, sku, brand, price, stock_quantity, unit, upload_id, source_record_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
        [product.vendor_id, product.vendor_product_id, product.product_name, category, product.subcategory, product.description, product.sku, product.brand, product.price, product.stock_quantity, product.unit, product.upload_id, product.source_record_id],
      );
      await deps.db.query('UPDATE upload_history SET valid_records = valid_records + 1 WHERE upload_id = $1', [rec.upload_id]);
      await deps.doc.send(
        new UpdateCommand({
          TableName: deps.uploadTable,
          Key: { upload_id: rec.upload_id, record_id: rec.record_id },
          UpdateExpression: 'SET #s = :s, processed_at = :t',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':s': 'validated', ':t': new Date().toISOString() },
        }),
      );
      continue;
    }
    const byType = new Map<string, RowError>();
    for (const e of errors) if (!byType.has(e.error_type)) byType.set(e.error_type, e);
    for (const e of byType.values()) {
      await deps.db.query(
        `INSERT INTO validation_errors (upload_id, vendor_id, record_id, row_number, vendor_product_id, error_type, error_field, error_message, original_data)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [rec.upload_id, rec.vendor_id, rec.record_id, rec.row_number, d.vendor_product_id?.slice(0, 100) ?? null, e.error_type, e.error_field, e.message, JSON.stringify(d)],
      );
    }
    await deps.db.query('UPDATE upload_history SET error_records = error_records + 1 WHERE upload_id = $1', [rec.upload_id]);
    await deps.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: deps.queueUrl,
        Entries: [{ Id: '0', MessageBody: JSON.stringify({ type: 'validation_error', upload_id: rec.upload_id, record_id: rec.record_id, errors }) }],
      }),
    );
    await deps.doc.send(
      new UpdateCommand({
        TableName: deps.uploadTable,
        Key: { upload_id: rec.upload_id, record_id: rec.record_id },
        UpdateExpression: 'SET #s = :s, error_reason = :r',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': 'error', ':r': errors.map((e) => e.error_type).join(',') },
      }),
    );
  }
}
