/**
 * product-validator core: one batch of staged records → products, validation_errors, queue
 * messages and DynamoDB statuses.
 *
 * The SQL path ({@link decideInDatabase}) is set-based: whatever the batch size, one statement per
 * step (lock, previous errors, categories, SKUs, vendor product IDs, INSERT products, INSERT
 * errors, counters) inside one transaction.
 *
 * Exactly once, under concurrency: the transaction first locks the upload_history rows of the
 * batch's uploads (in upload order), so two validators given the same record (stream redelivery,
 * a retried batch, a bisected batch) run one after the other; the second finds the product or
 * the errors the first committed and counts the record as redelivered. A record is therefore
 * loaded once and never also reported as an error. Counters are incremented by what this
 * transaction inserted (never recounted over the whole upload, which would be O(rows) per batch).
 *
 * A record that can never be stored ends as a validation error, not a retry loop: rules 1–4 catch
 * what is known (control characters, lengths, numbers); should PostgreSQL still refuse a batch
 * with a data error (SQLSTATE class 22 or a check violation), the batch is split in halves until
 * the one record is found, and that record gets an INVALID_FIELD_FORMAT error with the reason.
 * Everything written to validation_errors is made storable (pgSafe), so that path cannot fail.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Pool, PoolClient } from 'pg';
import { categoryKey, pgSafe, pgSafeRecord, type ErrorType } from '../shared/catalog';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { sendQueueMessages, type QueueMessage, type RowError } from '../shared/messages';
import type { StagedRecord } from '../shared/staging';
import { decideBatch, vendorProductKey, type BatchLookups, type Decision, type ProductRow } from './rules';

/** Status updates to DynamoDB in flight at once. */
const STATUS_UPDATE_CONCURRENCY = 10;

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
  /** Uploads whose every row now has an outcome (and that this call closed). */
  readonly finished: readonly string[];
}

export type Outcome =
  | { readonly kind: 'valid'; readonly fresh: boolean }
  | { readonly kind: 'rejected'; readonly errors: readonly RowError[]; readonly fresh: boolean };

export const recKey = (r: { upload_id: string; record_id: string }) => `${r.upload_id}\u0000${r.record_id}`;

export interface DatabaseOutcome {
  readonly outcomes: Map<string, Outcome>;
  readonly uploads: UploadProgress[];
  /** Uploads this call moved from processing to a final state. */
  readonly closed: string[];
}

/** SQLSTATE classes of errors caused by a row's data (not by the database being unavailable). */
function isDataError(err: unknown): err is Error & { code: string } {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && (code.startsWith('22') || code === '23514');
}

/**
 * The SQL path of the validator (no DynamoDB, no queue): decides and stores the outcome of each
 * record. Records must be unique and sorted (upload, row).
 */
export async function decideInDatabase(db: Pool, records: readonly StagedRecord[], now: Date): Promise<DatabaseOutcome> {
  try {
    return await decideTransaction(db, records, now, new Map());
  } catch (err) {
    if (!isDataError(err)) throw err;
    if (records.length === 1) {
      const r = records[0]!;
      const forced = new Map([[recKey(r), [{ error_type: 'INVALID_FIELD_FORMAT' as ErrorType, error_field: null, message: `the row cannot be stored: ${err.message}` }]]]);
      return decideTransaction(db, records, now, forced);
    }
    // Bisect: the halves run one after the other; outcomes merge, the later progress wins.
    const mid = Math.ceil(records.length / 2);
    const a = await decideInDatabase(db, records.slice(0, mid), now);
    const b = await decideInDatabase(db, records.slice(mid), now);
    const progress = new Map(a.uploads.map((u) => [u.upload_id, u]));
    for (const u of b.uploads) progress.set(u.upload_id, u);
    return { outcomes: new Map([...a.outcomes, ...b.outcomes]), uploads: [...progress.values()], closed: [...a.closed, ...b.closed] };
  }
}

async function decideTransaction(db: Pool, records: readonly StagedRecord[], now: Date, forced: ReadonlyMap<string, RowError[]>): Promise<DatabaseOutcome> {
  const outcomes = new Map<string, Outcome>();
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    const uploadIds = [...new Set(records.map((r) => r.upload_id))].sort();
    // Serializes validators working on the same upload (see the file comment).
    await client.query('SELECT 1 FROM upload_history WHERE upload_id = ANY($1::text[]) ORDER BY upload_id FOR UPDATE', [uploadIds]);
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
      const force = forced.get(recKey(rec));
      if (d.kind === 'already_inserted') outcomes.set(recKey(rec), { kind: 'valid', fresh: false });
      else if (force) outcomes.set(recKey(rec), { kind: 'rejected', errors: d.kind === 'reject' ? [...d.errors, ...force] : force, fresh: true });
      else if (d.kind === 'reject') outcomes.set(recKey(rec), { kind: 'rejected', errors: d.errors, fresh: true });
      else toInsert.push({ rec, product: d.product });
    });

    const inserted = await insertProducts(client, toInsert.map((t) => t.product));
    const lost = toInsert.filter((t) => !inserted.has(recKey(t.rec)));
    for (const t of toInsert) if (inserted.has(recKey(t.rec))) outcomes.set(recKey(t.rec), { kind: 'valid', fresh: true });
    if (lost.length > 0) {
      // Another transaction (another upload) committed the same SKU / vendor product ID after our lookup.
      const again = await batchLookups(client, lost.map((t) => t.rec));
      const own = (o: { upload_id: string | null; source_record_id: string | null } | undefined, r: StagedRecord) =>
        o !== undefined && o.upload_id === r.upload_id && o.source_record_id === r.record_id;
      for (const t of lost) {
        if (own(again.skuOwners.get(t.product.sku), t.rec)) {
          outcomes.set(recKey(t.rec), { kind: 'valid', fresh: false });
          continue;
        }
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

    const freshRejected = records.filter((r) => {
      const o = outcomes.get(recKey(r));
      return o?.kind === 'rejected' && o.fresh;
    });
    await insertErrors(client, freshRejected, outcomes);
    const delta = new Map<string, { valid: number; errors: number }>(uploadIds.map((u) => [u, { valid: 0, errors: 0 }]));
    for (const r of records) {
      const o = outcomes.get(recKey(r))!;
      if (!o.fresh) continue;
      const d = delta.get(r.upload_id)!;
      if (o.kind === 'valid') d.valid++;
      else d.errors++;
    }
    const { uploads, closed } = await addCounts(client, delta, now);
    await client.query('COMMIT');
    return { outcomes, uploads, closed };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

export async function validateBatch(deps: ValidatorDeps, input: readonly StagedRecord[]): Promise<BatchOutcome> {
  const now = deps.now ?? (() => new Date());
  const unique = new Map<string, StagedRecord>();
  for (const r of input) if (r.status === 'pending_validation') unique.set(recKey(r), r);
  const records = [...unique.values()].sort((a, b) =>
    a.upload_id === b.upload_id ? a.row_number - b.row_number : a.upload_id < b.upload_id ? -1 : 1,
  );
  if (records.length === 0) return { inserted: 0, rejected: 0, redelivered: 0, uploads: [], finished: [] };

  const { outcomes, uploads } = await decideInDatabase(deps.db, records, now());

  // After the commit: the queue, then the staging statuses. A failure here fails the batch; the
  // retry finds every outcome already recorded and only repeats these two steps. An upload that
  // is no longer processing gets an upload_finished message on every such pass (the error
  // processor notifies once, whatever the number of messages).
  const finished = uploads.filter((u) => u.status !== 'processing').map((u) => u.upload_id);
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
  const skus = [...new Set(records.map((r) => r.product_data.sku).filter((s): s is string => !!s))];
  const vp = records.filter((r) => r.product_data.vendor_product_id !== undefined);
  const [cat, sku, vpid] = [
    // All active categories (a short whitelist), matched in code with categoryKey: no lower(), no collation.
    records.some((r) => r.product_data.category !== undefined)
      ? await client.query<{ category_name: string }>('SELECT category_name FROM product_categories WHERE is_active')
      : { rows: [] as { category_name: string }[] },
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
    categories: new Map(cat.rows.map((r) => [categoryKey(r.category_name), r.category_name])),
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
        r.product_data.vendor_product_id !== undefined ? pgSafe(r.product_data.vendor_product_id).slice(0, 100) : null,
        e.error_type,
        e.error_field ? pgSafe(e.error_field).slice(0, 100) : null,
        pgSafe(e.message),
        JSON.stringify(pgSafeRecord(r.product_data)),
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

/**
 * Adds this transaction's fresh outcomes to the counters (the rows are locked since the start of
 * the transaction) and closes the uploads whose every row now has an outcome.
 */
async function addCounts(
  client: PoolClient,
  delta: ReadonlyMap<string, { valid: number; errors: number }>,
  now: Date,
): Promise<{ uploads: UploadProgress[]; closed: string[] }> {
  const ids = [...delta.keys()];
  const res = await client.query<UploadProgress & { closed: boolean }>(
    `WITH d AS (SELECT * FROM unnest($1::text[], $2::int[], $3::int[]) AS t(upload_id, valid, errors)),
     n AS (
       SELECT u.upload_id, u.total_records, u.status AS old_status,
              u.valid_records + d.valid AS valid, u.error_records + d.errors AS errors
         FROM upload_history u JOIN d ON d.upload_id = u.upload_id)
     UPDATE upload_history u
        SET valid_records = n.valid, error_records = n.errors,
            status = CASE
              WHEN n.old_status <> 'processing' OR n.total_records IS NULL OR n.valid + n.errors < n.total_records THEN n.old_status
              WHEN n.errors = 0 THEN 'completed'
              WHEN n.valid = 0 THEN 'failed'
              ELSE 'partial' END,
            failure_reason = CASE
              WHEN n.old_status = 'processing' AND n.total_records IS NOT NULL AND n.valid + n.errors >= n.total_records AND n.valid = 0
              THEN 'none of the ' || n.total_records || ' rows passed validation' ELSE u.failure_reason END,
            processing_completed_at = CASE
              WHEN n.old_status = 'processing' AND n.total_records IS NOT NULL AND n.valid + n.errors >= n.total_records THEN $4
              ELSE u.processing_completed_at END
       FROM n
      WHERE u.upload_id = n.upload_id
      RETURNING u.upload_id, u.total_records, u.valid_records, u.error_records, u.status,
                (n.old_status = 'processing' AND u.status <> 'processing') AS closed`,
    [ids, ids.map((i) => delta.get(i)!.valid), ids.map((i) => delta.get(i)!.errors), now],
  );
  return {
    uploads: res.rows.map(({ closed: _closed, ...u }) => u),
    closed: res.rows.filter((r) => r.closed).map((r) => r.upload_id),
  };
}
