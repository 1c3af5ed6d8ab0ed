/**
 * product-validator core: one batch of staged records → products, validation_errors, queue
 * messages and DynamoDB statuses.
 *
 * Set-based: whatever the batch size, the database sees one query per lookup (existing errors,
 * categories, SKUs, vendor product IDs), one INSERT for all valid rows, one for all errors and
 * one counter update, inside one transaction.
 *
 * Redelivery-safe: a record whose product is already in the catalog (same upload and record) is
 * counted valid again, a record that already has errors keeps them, products and errors are
 * inserted with ON CONFLICT DO NOTHING, and upload_history counters are recounted from the tables
 * (never incremented). Counting happens under a row lock on the upload, so parallel batches of
 * one upload cannot lose each other's counts.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Pool, PoolClient } from 'pg';
import type { ErrorType } from '../shared/catalog';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';

/** Status updates to DynamoDB in flight at once. */
const STATUS_UPDATE_CONCURRENCY = 10;
import { sendQueueMessages, type QueueMessage, type RowError } from '../shared/messages';
import type { StagedRecord } from '../shared/staging';
import { decideBatch, vendorProductKey, type BatchLookups, type Decision, type ProductRow } from './rules';

export interface ValidatorDeps {
  readonly db: Pool;
  readonly doc: DynamoDBDocumentClient;
  readonly sqs: SQSClient;
  readonly config: { readonly uploadTable: string; readonly errorsQueueUrl: string };
  readonly now?: () => Date;
}

export interface UploadProgress {
  readonly upload_id: string;
  readonly total_records: number | null;
  readonly valid_records: number;
  readonly error_records: number;
  readonly status: string;
}

export interface BatchOutcome {
  /** Products inserted by this call. */
  readonly inserted: number;
  /** Rows rejected for the first time by this call. */
  readonly rejected: number;
  /** Rows that already had an outcome (redelivery). */
  readonly redelivered: number;
  readonly uploads: readonly UploadProgress[];
  /** Uploads whose every row now has an outcome. */
  readonly finished: readonly string[];
}

type Outcome =
  | { readonly kind: 'valid'; readonly fresh: boolean }
  | { readonly kind: 'rejected'; readonly errors: readonly RowError[]; readonly fresh: boolean };

const recKey = (r: { upload_id: string; record_id: string }) => `${r.upload_id}\u0000${r.record_id}`;

export async function validateBatch(deps: ValidatorDeps, input: readonly StagedRecord[]): Promise<BatchOutcome> {
  const now = deps.now ?? (() => new Date());
  const unique = new Map<string, StagedRecord>();
  for (const r of input) if (r.status === 'pending_validation') unique.set(recKey(r), r);
  const records = [...unique.values()].sort((a, b) =>
    a.upload_id === b.upload_id ? a.row_number - b.row_number : a.upload_id < b.upload_id ? -1 : 1,
  );
  if (records.length === 0) return { inserted: 0, rejected: 0, redelivered: 0, uploads: [], finished: [] };

  const outcomes = new Map<string, Outcome>();
  let uploads: UploadProgress[] = [];
  const client = await deps.db.connect();
  try {
    await client.query('BEGIN');
    const previous = await previousErrors(client, records);
    const open = records.filter((r) => !previous.has(recKey(r)));
    for (const r of records) {
      const errs = previous.get(recKey(r));
      if (errs) outcomes.set(recKey(r), { kind: 'rejected', errors: errs, fresh: false });
    }

    const lookups = await batchLookups(client, open);
    const decisions = decideBatch(open, lookups);
    const toInsert: { rec: StagedRecord; product: ProductRow }[] = [];
    decisions.forEach((d: Decision, i) => {
      const rec = open[i]!;
      if (d.kind === 'already_inserted') outcomes.set(recKey(rec), { kind: 'valid', fresh: false });
      else if (d.kind === 'reject') outcomes.set(recKey(rec), { kind: 'rejected', errors: d.errors, fresh: true });
      else toInsert.push({ rec, product: d.product });
    });

    const inserted = await insertProducts(client, toInsert.map((t) => t.product));
    const lost = toInsert.filter((t) => !inserted.has(recKey({ upload_id: t.rec.upload_id, record_id: t.rec.record_id })));
    for (const t of toInsert) if (!lost.includes(t)) outcomes.set(recKey(t.rec), { kind: 'valid', fresh: true });
    if (lost.length > 0) {
      // Another transaction committed the same SKU / vendor product ID after our lookup.
      const again = await batchLookups(client, lost.map((t) => t.rec));
      for (const t of lost) {
        const errors: RowError[] = [];
        if (again.skuOwners.has(t.product.sku)) {
          errors.push({ error_type: 'DUPLICATE_SKU', error_field: 'sku', message: `SKU '${t.product.sku}' already exists in the catalog` });
        }
        if (again.vendorProductOwners.has(vendorProductKey(t.product.vendor_id, t.product.vendor_product_id))) {
          errors.push({
            error_type: 'DUPLICATE_VENDOR_PRODUCT_ID',
            error_field: 'vendor_product_id',
            message: `vendor_product_id '${t.product.vendor_product_id}' already exists for vendor ${t.product.vendor_id}`,
          });
        }
        if (errors.length === 0) throw new Error(`insert of ${t.rec.upload_id}/${t.rec.record_id} conflicted with nothing visible; retrying the batch`);
        outcomes.set(recKey(t.rec), { kind: 'rejected', errors, fresh: true });
      }
    }

    await insertErrors(
      client,
      records.filter((r) => {
        const o = outcomes.get(recKey(r));
        return o?.kind === 'rejected' && o.fresh;
      }),
      outcomes,
    );
    uploads = await recount(client, [...new Set(records.map((r) => r.upload_id))], now());
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }

  // After the commit: the queue, then the staging statuses. A failure here fails the batch; the
  // retry finds every outcome already recorded and only repeats these two steps.
  const finished = uploads
    .filter((u) => u.total_records !== null && u.valid_records + u.error_records >= u.total_records)
    .map((u) => u.upload_id);
  const messages: QueueMessage[] = [];
  for (const r of records) {
    const o = outcomes.get(recKey(r))!;
    if (o.kind !== 'rejected') continue;
    messages.push({
      type: 'validation_error',
      upload_id: r.upload_id,
      vendor_id: r.vendor_id,
      record_id: r.record_id,
      row_number: r.row_number,
      line_number: r.line_number ?? null,
      sku: r.product_data.sku ?? null,
      vendor_product_id: r.product_data.vendor_product_id ?? null,
      errors: o.errors.map((e) => ({ ...e, message: e.message.slice(0, 1000) })),
    });
  }
  for (const id of finished) messages.push({ type: 'upload_finished', upload_id: id });
  await sendQueueMessages(deps.sqs, deps.config.errorsQueueUrl, messages);

  // Status back to the staging row with UpdateItem (the seed's IAM grants the validator
  // dynamodb:UpdateItem only); a few in flight at a time.
  const processedAt = now().toISOString();
  const updates = records.map((r) => {
    const o = outcomes.get(recKey(r))!;
    const rejected = o.kind === 'rejected';
    return new UpdateCommand({
      TableName: deps.config.uploadTable,
      Key: { upload_id: r.upload_id, record_id: r.record_id },
      UpdateExpression: rejected ? 'SET #s = :s, processed_at = :t, error_reason = :r, error_details = :d' : 'SET #s = :s, processed_at = :t REMOVE error_reason, error_details',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: {
        ':s': rejected ? 'error' : 'validated',
        ':t': processedAt,
        ...(rejected
          ? {
              ':r': [...new Set(o.errors.map((e) => e.error_type))].join(','),
              ':d': o.errors.map((e) => e.message).join('; ').slice(0, 4000),
            }
          : {}),
      },
    });
  });
  for (let i = 0; i < updates.length; i += STATUS_UPDATE_CONCURRENCY) {
    await Promise.all(updates.slice(i, i + STATUS_UPDATE_CONCURRENCY).map((u) => deps.doc.send(u)));
  }

  let inserted = 0;
  let rejected = 0;
  let redelivered = 0;
  for (const o of outcomes.values()) {
    if (!o.fresh) redelivered++;
    else if (o.kind === 'valid') inserted++;
    else rejected++;
  }
  return { inserted, rejected, redelivered, uploads, finished };
}

async function previousErrors(client: PoolClient, records: readonly StagedRecord[]): Promise<Map<string, RowError[]>> {
  const res = await client.query<{ upload_id: string; record_id: string; error_type: ErrorType; error_field: string | null; error_message: string }>(
    `SELECT e.upload_id, e.record_id, e.error_type, e.error_field, e.error_message
       FROM validation_errors e
       JOIN unnest($1::text[], $2::text[]) AS k(upload_id, record_id)
         ON e.upload_id = k.upload_id AND e.record_id = k.record_id
      ORDER BY e.error_id`,
    [records.map((r) => r.upload_id), records.map((r) => r.record_id)],
  );
  const out = new Map<string, RowError[]>();
  for (const row of res.rows) {
    const k = recKey(row);
    const list = out.get(k) ?? [];
    list.push({ error_type: row.error_type, error_field: row.error_field, message: row.error_message });
    out.set(k, list);
  }
  return out;
}

async function batchLookups(client: PoolClient, records: readonly StagedRecord[]): Promise<BatchLookups> {
  const categories = [...new Set(records.map((r) => r.product_data.category?.toLowerCase()).filter((c): c is string => !!c))];
  const skus = [...new Set(records.map((r) => r.product_data.sku).filter((s): s is string => !!s))];
  const vp = records.filter((r) => r.product_data.vendor_product_id !== undefined);
  const [cat, sku, vpid] = [
    categories.length === 0
      ? { rows: [] }
      : await client.query<{ k: string; category_name: string }>(
          'SELECT lower(category_name) AS k, category_name FROM product_categories WHERE is_active AND lower(category_name) = ANY($1::text[])',
          [categories],
        ),
    skus.length === 0
      ? { rows: [] }
      : await client.query<{ sku: string; upload_id: string | null; source_record_id: string | null }>(
          'SELECT sku, upload_id, source_record_id FROM products WHERE sku = ANY($1::text[])',
          [skus],
        ),
    vp.length === 0
      ? { rows: [] }
      : await client.query<{ vendor_id: string; vendor_product_id: string; upload_id: string | null; source_record_id: string | null }>(
          `SELECT p.vendor_id, p.vendor_product_id, p.upload_id, p.source_record_id
             FROM products p
             JOIN unnest($1::text[], $2::text[]) AS k(vendor_id, vendor_product_id)
               ON p.vendor_id = k.vendor_id AND p.vendor_product_id = k.vendor_product_id`,
          [vp.map((r) => r.vendor_id), vp.map((r) => r.product_data.vendor_product_id!)],
        ),
  ];
  return {
    categories: new Map(cat.rows.map((r) => [r.k, r.category_name])),
    skuOwners: new Map(sku.rows.map((r) => [r.sku, { upload_id: r.upload_id, source_record_id: r.source_record_id }])),
    vendorProductOwners: new Map(
      vpid.rows.map((r) => [vendorProductKey(r.vendor_id, r.vendor_product_id), { upload_id: r.upload_id, source_record_id: r.source_record_id }]),
    ),
  };
}

const PRODUCT_FIELDS = [
  ['vendor_id', 'text'],
  ['vendor_product_id', 'text'],
  ['product_name', 'text'],
  ['category', 'text'],
  ['subcategory', 'text'],
  ['description', 'text'],
  ['sku', 'text'],
  ['brand', 'text'],
  ['price', 'numeric'],
  ['compare_at_price', 'numeric'],
  ['stock_quantity', 'int'],
  ['unit', 'text'],
  ['weight_kg', 'numeric'],
  ['dimensions_cm', 'text'],
  ['image_url', 'text'],
  ['upload_id', 'text'],
  ['source_record_id', 'text'],
] as const satisfies readonly (readonly [keyof ProductRow, string])[];

/** One INSERT for all valid rows; returns the records that were inserted now. */
async function insertProducts(client: PoolClient, products: readonly ProductRow[]): Promise<Set<string>> {
  if (products.length === 0) return new Set();
  const cols = PRODUCT_FIELDS.map(([c]) => c).join(', ');
  const params = PRODUCT_FIELDS.map(([, t], i) => `$${i + 1}::${t}[]`).join(', ');
  const res = await client.query<{ upload_id: string; source_record_id: string }>(
    `INSERT INTO products (${cols})
     SELECT * FROM unnest(${params})
     ON CONFLICT DO NOTHING
     RETURNING upload_id, source_record_id`,
    PRODUCT_FIELDS.map(([c]) => products.map((p) => p[c])),
  );
  return new Set(res.rows.map((r) => recKey({ upload_id: r.upload_id, record_id: r.source_record_id })));
}

/** One INSERT for all errors of the batch (one row per record and error type). */
async function insertErrors(client: PoolClient, records: readonly StagedRecord[], outcomes: ReadonlyMap<string, Outcome>): Promise<void> {
  const rows: unknown[][] = [[], [], [], [], [], [], [], [], [], []];
  for (const r of records) {
    const o = outcomes.get(recKey(r));
    if (o?.kind !== 'rejected') continue;
    const byType = new Map<string, RowError>();
    for (const e of o.errors) {
      const prev = byType.get(e.error_type);
      byType.set(
        e.error_type,
        prev
          ? { ...prev, error_field: [prev.error_field, e.error_field].filter(Boolean).join(',').slice(0, 100) || null, message: `${prev.message}; ${e.message}` }
          : e,
      );
    }
    for (const e of byType.values()) {
      const values = [
        r.upload_id,
        r.vendor_id,
        r.record_id,
        r.row_number,
        r.line_number ?? null,
        r.product_data.vendor_product_id?.slice(0, 100) ?? null,
        e.error_type,
        e.error_field?.slice(0, 100) ?? null,
        e.message,
        JSON.stringify(r.product_data),
      ];
      values.forEach((v, i) => rows[i]!.push(v));
    }
  }
  if (rows[0]!.length === 0) return;
  await client.query(
    `INSERT INTO validation_errors (upload_id, vendor_id, record_id, row_number, line_number, vendor_product_id,
                                    error_type, error_field, error_message, original_data)
     SELECT u, v, r, n, l, p, t, f, m, d::jsonb
       FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::int[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
         AS x(u, v, r, n, l, p, t, f, m, d)
     ON CONFLICT (upload_id, record_id, error_type) DO NOTHING`,
    rows,
  );
}

/** Recounts the uploads under a row lock and closes the ones whose every row has an outcome. */
async function recount(client: PoolClient, uploadIds: readonly string[], now: Date): Promise<UploadProgress[]> {
  await client.query('SELECT 1 FROM upload_history WHERE upload_id = ANY($1::text[]) ORDER BY upload_id FOR UPDATE', [uploadIds]);
  const res = await client.query<UploadProgress>(
    `UPDATE upload_history u
        SET valid_records = c.valid, error_records = c.errors,
            status = CASE
              WHEN u.status <> 'processing' OR u.total_records IS NULL OR c.valid + c.errors < u.total_records THEN u.status
              WHEN c.errors = 0 THEN 'completed'
              WHEN c.valid = 0 THEN 'failed'
              ELSE 'partial' END,
            failure_reason = CASE
              WHEN u.status = 'processing' AND u.total_records IS NOT NULL AND c.valid + c.errors >= u.total_records AND c.valid = 0
              THEN 'none of the ' || u.total_records || ' rows passed validation' ELSE u.failure_reason END,
            processing_completed_at = CASE
              WHEN u.status = 'processing' AND u.total_records IS NOT NULL AND c.valid + c.errors >= u.total_records THEN $2
              ELSE u.processing_completed_at END
       FROM (SELECT h.upload_id,
                    (SELECT count(*) FROM products p WHERE p.upload_id = h.upload_id)::int AS valid,
                    (SELECT count(DISTINCT e.record_id) FROM validation_errors e WHERE e.upload_id = h.upload_id)::int AS errors
               FROM upload_history h WHERE h.upload_id = ANY($1::text[])) c
      WHERE u.upload_id = c.upload_id
      RETURNING u.upload_id, u.total_records, u.valid_records, u.error_records, u.status`,
    [uploadIds, now],
  );
  return res.rows;
}
