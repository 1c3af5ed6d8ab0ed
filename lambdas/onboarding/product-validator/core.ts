/**
 * product-validator core: one batch of staged records → products, validation_errors, queue
 * messages and DynamoDB statuses.
 *
 * The SQL path ({@link decideInDatabase}) is set-based, whatever the batch size:
 *  1. rules 1–4 run in code for every record before any database work (they are character rules:
 *     visible characters, control characters, lengths in code points; pure and locale-free);
 *  2. one transaction: BEGIN with the session's staging table (a TEMP table, ON COMMIT DELETE
 *     ROWS, created once per connection) and the active categories in one round trip; the
 *     upload_history rows of the batch locked; the whole batch COPied into the staging table
 *     (pg-copy-streams); ONE lookup statement joining the staging table against validation_errors
 *     (earlier outcomes), products by SKU and products by (vendor, vendor product ID); rules 5–7
 *     decided for the batch ({@link decideBatch}); ONE `INSERT INTO products … SELECT … FROM` the
 *     staging table `JOIN product_categories` (still active) `ON CONFLICT DO NOTHING RETURNING`;
 *     one INSERT for the errors; one UPDATE of the counters; COMMIT.
 *     About nine round trips per batch; per row, only COPY parsing and index work.
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
 * with a data error (SQLSTATE class 22 or a check violation, in the COPY or the INSERT), the batch
 * is split in halves until the one record is found, and that record gets an INVALID_FIELD_FORMAT
 * error with the reason. Everything written to validation_errors is made storable (pgSafe), and a
 * lookup key PostgreSQL cannot hold (a SKU with NUL) is staged as NULL (it can match nothing in
 * the catalog), so that path cannot fail.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Pool, PoolClient, QueryResult } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { categoryKey, pgSafe, pgSafeRecord, type ErrorType } from '../shared/catalog';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { sendQueueMessages, type QueueMessage, type RowError } from '../shared/messages';
import type { StagedRecord } from '../shared/staging';
import { checkRow, decideBatch, vendorProductKey, type BatchLookups, type Decision, type RowCheck } from './rules';

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
    return await decideOptimistic(db, records, now, new Map());
  } catch (err) {
    if (!isDataError(err)) throw err;
    if (records.length === 1) {
      const r = records[0]!;
      const forced = new Map([[recKey(r), [{ error_type: 'INVALID_FIELD_FORMAT' as ErrorType, error_field: null, message: `the row cannot be stored: ${err.message}` }]]]);
      return decideOptimistic(db, records, now, forced);
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

/**
 * The products INSERT is first tried without ON CONFLICT (speculative insertion costs about a
 * third of the INSERT): under the upload lock, only another upload committing the same SKU or
 * vendor product ID at the same moment can make it fail (unique_violation). Then the transaction
 * runs again with ON CONFLICT DO NOTHING, and the rows it could not insert are looked up again.
 */
async function decideOptimistic(db: Pool, records: readonly StagedRecord[], now: Date, forced: ReadonlyMap<string, RowError[]>): Promise<DatabaseOutcome> {
  try {
    return await decideTransaction(db, records, now, forced, 'fail');
  } catch (err) {
    if ((err as { code?: unknown })?.code !== '23505') throw err;
    return decideTransaction(db, records, now, forced, 'skip');
  }
}

async function decideTransaction(
  db: Pool,
  records: readonly StagedRecord[],
  now: Date,
  forced: ReadonlyMap<string, RowError[]>,
  conflicts: 'fail' | 'skip',
): Promise<DatabaseOutcome> {
  // Rules 1–4 first, outside the transaction (pure; nothing is locked while they run).
  const checks = records.map((r) => checkRow(r));
  const keys = records.map(recKey);
  /** Outcome per record, by its index in `records` (= `ord` in the staging table). */
  const out: (Outcome | undefined)[] = new Array(records.length);
  const client = await db.connect();
  try {
    const begin = (await client.query(BEGIN_SQL)) as unknown as QueryResult<{ category_name: string }>[];
    const categories = new Map(begin[begin.length - 1]!.rows.map((r) => [categoryKey(r.category_name), r.category_name]));
    const uploadIds = [...new Set(records.map((r) => r.upload_id))].sort();
    // Serializes validators working on the same upload (see the file comment).
    await client.query('SELECT 1 FROM upload_history WHERE upload_id = ANY($1::text[]) ORDER BY upload_id FOR UPDATE', [uploadIds.map(pgSafe)]);
    // A forced record (its row was refused before) stages its keys only: nothing of it is inserted.
    await copyToStaging(client, records, forced.size === 0 ? checks : checks.map((c, i) => (forced.has(keys[i]!) ? { errors: c.errors } : c)), categories);

    const first = await stagedLookups(client, categories);
    const open: number[] = [];
    for (let i = 0; i < records.length; i++) {
      const errs = first.previous.size > 0 ? first.previous.get(keys[i]!) : undefined;
      if (errs) out[i] = { kind: 'rejected', errors: errs, fresh: false };
      else open.push(i);
    }

    const decisions = decideBatch(
      open.map((i) => records[i]!),
      first.lookups,
      open.map((i) => checks[i]!),
    );
    const toInsert: number[] = [];
    decisions.forEach((d: Decision, j) => {
      const i = open[j]!;
      const force = forced.size > 0 ? forced.get(keys[i]!) : undefined;
      if (d.kind === 'already_inserted') out[i] = { kind: 'valid', fresh: false };
      else if (force) out[i] = { kind: 'rejected', errors: d.kind === 'reject' ? [...d.errors, ...force] : force, fresh: true };
      else if (d.kind === 'reject') out[i] = { kind: 'rejected', errors: d.errors, fresh: true };
      else toInsert.push(i);
    });

    const inserted = await insertProducts(client, toInsert, conflicts);
    const lost: number[] = [];
    for (const i of toInsert) {
      if (inserted.has(keys[i]!)) out[i] = { kind: 'valid', fresh: true };
      else lost.push(i);
    }
    if (lost.length > 0) {
      // Another transaction (another upload) committed the same SKU / vendor product ID after our
      // lookup, or a category was deactivated in between: look again (the staging rows are still there).
      const again = (await stagedLookups(client, categories)).lookups;
      const own = (o: { upload_id: string | null; source_record_id: string | null } | undefined, r: StagedRecord) =>
        o !== undefined && o.upload_id === r.upload_id && o.source_record_id === r.record_id;
      for (const i of lost) {
        const rec = records[i]!;
        const product = checks[i]!.product!;
        if (own(again.skuOwners.get(product.sku), rec)) {
          out[i] = { kind: 'valid', fresh: false };
          continue;
        }
        const errors: RowError[] = [];
        if (again.skuOwners.has(product.sku)) {
          errors.push({ error_type: 'DUPLICATE_SKU', error_field: 'sku', message: `SKU '${product.sku}' already exists in the catalog` });
        }
        if (again.vendorProductOwners.has(vendorProductKey(product.vendor_id, product.vendor_product_id))) {
          errors.push({
            error_type: 'DUPLICATE_VENDOR_PRODUCT_ID',
            error_field: 'vendor_product_id',
            message: `vendor_product_id '${product.vendor_product_id}' already exists for vendor ${product.vendor_id}`,
          });
        }
        if (errors.length === 0) throw new Error(`insert of ${rec.upload_id}/${rec.record_id} conflicted with nothing visible (or its category was deactivated); retrying the batch`);
        out[i] = { kind: 'rejected', errors, fresh: true };
      }
    }

    const freshRejected: { rec: StagedRecord; errors: readonly RowError[] }[] = [];
    const delta = new Map<string, { valid: number; errors: number }>(uploadIds.map((u) => [u, { valid: 0, errors: 0 }]));
    const outcomes = new Map<string, Outcome>();
    records.forEach((r, i) => {
      const o = out[i]!;
      outcomes.set(keys[i]!, o);
      if (!o.fresh) return;
      const d = delta.get(r.upload_id)!;
      if (o.kind === 'valid') d.valid++;
      else {
        d.errors++;
        freshRejected.push({ rec: r, errors: o.errors });
      }
    });
    await insertErrors(client, freshRejected);
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

/**
 * The session's staging table: one row per record of the batch, `ord` = its index in the sorted
 * batch. Keys for the lookups (sku, vendor_product_id) are staged for every record; the product
 * columns only for records that passed rules 1–4, with the category already mapped to its
 * canonical name (NULL when it is not an active category). TEMP: private to the connection, no
 * WAL; ON COMMIT DELETE ROWS: empty at the start of every transaction.
 */
const STAGING = 'onboarding_validator_batch';
const STAGING_COLUMNS = [
  'ord int NOT NULL',
  'upload_id text NOT NULL',
  'record_id text NOT NULL',
  'vendor_id text NOT NULL',
  'sku text',
  'vendor_product_id text',
  'product_name text',
  'category text',
  'subcategory text',
  'description text',
  'brand text',
  'price numeric',
  'compare_at_price numeric',
  'stock_quantity int',
  'unit text',
  'weight_kg numeric',
  'dimensions_cm text',
  'image_url text',
] as const;
const STAGING_NAMES = STAGING_COLUMNS.map((c) => c.split(' ')[0]!).join(', ');

/** One round trip: BEGIN, the staging table (a notice when it exists), the active categories. */
const BEGIN_SQL = `BEGIN;
CREATE TEMP TABLE IF NOT EXISTS ${STAGING} (${STAGING_COLUMNS.join(', ')}) ON COMMIT DELETE ROWS;
SELECT category_name FROM product_categories WHERE is_active`;

const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** A value in COPY's text format (\N is NULL). */
function copyValue(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '\\N';
  const s = typeof v === 'number' ? String(v) : v;
  return /[\\\n\r\t]/.test(s) ? s.replace(/[\\\n\r\t]/g, (c) => COPY_ESCAPES[c]!) : s;
}

/** A lookup key as staged: PostgreSQL cannot hold U+0000, and a key holding it matches nothing. */
const lookupKey = (v: string | undefined): string | null => (v === undefined || v.includes('\u0000') ? null : v);

/** COPY … FROM STDIN of the whole batch into the (empty) staging table. */
async function copyToStaging(
  client: PoolClient,
  records: readonly StagedRecord[],
  checks: readonly RowCheck[],
  categories: ReadonlyMap<string, string>,
): Promise<void> {
  const lines: string[] = [];
  records.forEach((r, ord) => {
    const p = checks[ord]!.product;
    const d = r.product_data;
    const row: (string | number | null | undefined)[] = [ord, pgSafe(r.upload_id), pgSafe(r.record_id), pgSafe(r.vendor_id), lookupKey(d.sku), lookupKey(d.vendor_product_id)];
    if (p) {
      row.push(p.product_name, categories.get(categoryKey(p.category)) ?? null, p.subcategory, p.description, p.brand, p.price, p.compare_at_price);
      row.push(p.stock_quantity, p.unit, p.weight_kg, p.dimensions_cm, p.image_url);
    } else {
      for (let i = 0; i < 12; i++) row.push(null);
    }
    lines.push(row.map(copyValue).join('\t'));
  });
  const copy = client.query(copyFrom(`COPY ${STAGING} (${STAGING_NAMES}) FROM STDIN`));
  await pipeline(Readable.from([Buffer.from(`${lines.join('\n')}\n`, 'utf8')]), copy);
}

/**
 * One statement over the staging table: earlier outcomes (errors already recorded for these
 * records), and the catalog's owners of the batch's SKUs and vendor product IDs.
 */
async function stagedLookups(client: PoolClient, categories: ReadonlyMap<string, string>): Promise<{ previous: Map<string, RowError[]>; lookups: BatchLookups }> {
  const res = await client.query<{ kind: 'e' | 's' | 'v'; upload_id: string | null; record_id: string | null; k1: string; k2: string | null; m: string | null }>(
    `SELECT 'e' AS kind, e.error_id AS n, e.upload_id, e.record_id, e.error_type AS k1, e.error_field AS k2, e.error_message AS m
       FROM ${STAGING} s JOIN validation_errors e ON e.upload_id = s.upload_id AND e.record_id = s.record_id
     UNION ALL
     SELECT 's', NULL, p.upload_id, p.source_record_id, p.sku, NULL, NULL
       FROM products p WHERE p.sku IN (SELECT sku FROM ${STAGING})
     UNION ALL
     SELECT 'v', NULL, p.upload_id, p.source_record_id, p.vendor_id, p.vendor_product_id, NULL
       FROM products p WHERE (p.vendor_id, p.vendor_product_id) IN (SELECT vendor_id, vendor_product_id FROM ${STAGING})
     ORDER BY 1, 2`,
  );
  const previous = new Map<string, RowError[]>();
  const skuOwners = new Map<string, { upload_id: string | null; source_record_id: string | null }>();
  const vendorProductOwners = new Map<string, { upload_id: string | null; source_record_id: string | null }>();
  for (const row of res.rows) {
    if (row.kind === 'e') {
      const k = recKey({ upload_id: row.upload_id!, record_id: row.record_id! });
      const list = previous.get(k) ?? [];
      list.push({ error_type: row.k1 as ErrorType, error_field: row.k2, message: row.m! });
      previous.set(k, list);
    } else if (row.kind === 's') skuOwners.set(row.k1, { upload_id: row.upload_id, source_record_id: row.record_id });
    else vendorProductOwners.set(vendorProductKey(row.k1, row.k2!), { upload_id: row.upload_id, source_record_id: row.record_id });
  }
  return { previous, lookups: { categories, skuOwners, vendorProductOwners } };
}

/**
 * One INSERT … SELECT from the staging table for the records decided valid (by `ord`), joined
 * to the categories that are still active; returns the records inserted now. `conflicts`:
 * `fail` raises unique_violation, `skip` is ON CONFLICT DO NOTHING.
 */
async function insertProducts(client: PoolClient, ords: readonly number[], conflicts: 'fail' | 'skip'): Promise<Set<string>> {
  if (ords.length === 0) return new Set();
  const res = await client.query<{ upload_id: string; source_record_id: string }>(
    `INSERT INTO products (vendor_id, vendor_product_id, product_name, category, subcategory, description, sku, brand, price,
                           compare_at_price, stock_quantity, unit, weight_kg, dimensions_cm, image_url, upload_id, source_record_id)
     SELECT s.vendor_id, s.vendor_product_id, s.product_name, c.category_name, s.subcategory, s.description, s.sku, s.brand, s.price,
            s.compare_at_price, s.stock_quantity, s.unit, s.weight_kg, s.dimensions_cm, s.image_url, s.upload_id, s.record_id
       FROM ${STAGING} s
       JOIN product_categories c ON c.category_name = s.category AND c.is_active
      WHERE s.ord = ANY($1::int[])
      ORDER BY s.ord
     ${conflicts === 'skip' ? 'ON CONFLICT DO NOTHING' : ''}
     RETURNING upload_id, source_record_id`,
    [ords],
  );
  return new Set(res.rows.map((r) => recKey({ upload_id: r.upload_id, record_id: r.source_record_id })));
}

/** One INSERT for all errors of the batch (one row per record and error type). */
async function insertErrors(client: PoolClient, rejected: readonly { rec: StagedRecord; errors: readonly RowError[] }[]): Promise<void> {
  const rows: unknown[][] = [[], [], [], [], [], [], [], [], [], []];
  for (const { rec: r, errors } of rejected) {
    const byType = new Map<string, RowError>();
    for (const e of errors) {
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
