/**
 * The validator's SQL path (decideInDatabase) on a real PostgreSQL 15: the batch is COPied into
 * the connection's staging table and decided with set-based statements. What COPY and the
 * optimistic INSERT add to the semantics is tested here: text exactly as written (COPY escaping),
 * keys PostgreSQL cannot hold, the staging table's life per connection and transaction, and the
 * fallback when another upload commits the same SKU while the INSERT runs.
 */
import { Pool } from 'pg';
import { migrate } from '../../../lambdas/onboarding/migrations/migrate';
import { decideInDatabase, type Outcome } from '../../../lambdas/onboarding/product-validator/core';
import type { StagedRecord } from '../../../lambdas/onboarding/shared/staging';
import { recordIdFor } from '../../../lambdas/onboarding/shared/staging';
import { startPostgres, type TestPostgres } from '../../support/postgres';

let pg: TestPostgres;
let pool: Pool;
beforeAll(async () => {
  pg = await startPostgres();
  pool = new Pool({ connectionString: await pg.createDatabase('validator_sql'), max: 4 });
  await migrate(pool);
  await pool.query("INSERT INTO vendors (vendor_id, vendor_name, email) VALUES ('VEND001', 'Vendor 1', 'v1@example.com')");
}, 60_000);
afterAll(async () => {
  await pool?.end();
  pg?.stop();
});

let uploads = 0;
async function upload(total: number): Promise<string> {
  const id = `UPLOAD_SQL_${++uploads}`;
  await pool.query("INSERT INTO upload_history (upload_id, vendor_id, file_name, total_records) VALUES ($1, 'VEND001', 'x.csv', $2)", [id, total]);
  return id;
}

function rec(uploadId: string, row: number, data: Partial<StagedRecord['product_data']> = {}): StagedRecord {
  return {
    upload_id: uploadId,
    record_id: recordIdFor(row),
    vendor_id: 'VEND001',
    row_number: row,
    line_number: row + 1,
    status: 'pending_validation',
    product_data: {
      vendor_product_id: `${uploadId}-P${row}`,
      product_name: `Item ${row}`,
      category: 'Electronics',
      sku: `${uploadId}-S${row}`,
      price: '19.99',
      stock_quantity: '5',
      ...data,
    },
    created_at: '2024-12-21T10:30:45.000Z',
    expires_at: 0,
  };
}

const kinds = (outcomes: ReadonlyMap<string, Outcome>) =>
  [...outcomes.values()].map((o) => (o.kind === 'valid' ? `valid${o.fresh ? '' : ' (again)'}` : o.errors.map((e) => e.error_type).join('+')));

describe('validator SQL path (COPY into a staging table, set-based statements)', () => {
  test('text reaches products exactly as written: tabs, newlines, CR, backslashes, \\N and \\. survive COPY', async () => {
    const u = await upload(2);
    const description = 'tab\there\nnew line\r\nback\\slash \\N \\.\n\\.';
    const res = await decideInDatabase(pool, [rec(u, 1, { description, product_name: 'Ünïcödé 😀 \\N' }), rec(u, 2, { brand: '\\' })], new Date());
    expect(kinds(res.outcomes)).toEqual(['valid', 'valid']);
    const rows = (await pool.query('SELECT product_name, description, brand FROM products WHERE upload_id = $1 ORDER BY source_record_id', [u])).rows;
    expect(rows).toEqual([
      { product_name: 'Ünïcödé 😀 \\N', description, brand: null },
      { product_name: 'Item 2', description: null, brand: '\\' },
    ]);
    expect(res.uploads).toEqual([expect.objectContaining({ upload_id: u, status: 'completed', valid_records: 2, error_records: 0 })]);
  });

  test('a NUL in the SKU or vendor product ID is a row error, not a failed batch; the other rows load', async () => {
    const u = await upload(3);
    const res = await decideInDatabase(pool, [rec(u, 1, { sku: 'S\u0000KU' }), rec(u, 2, { vendor_product_id: 'P\u00002' }), rec(u, 3)], new Date());
    expect(kinds(res.outcomes)).toEqual(['INVALID_FIELD_FORMAT', 'INVALID_FIELD_FORMAT', 'valid']);
    const e = (await pool.query('SELECT record_id, error_message, original_data FROM validation_errors WHERE upload_id = $1 ORDER BY record_id', [u])).rows;
    expect(e.map((x) => x.error_message)).toEqual([
      'sku contains the control character U+0000 at character 2 (is the file partly UTF-16 or binary?)',
      'vendor_product_id contains the control character U+0000 at character 2 (is the file partly UTF-16 or binary?)',
    ]);
    expect(e[0].original_data.sku).toBe('S\\u0000KU');
    expect(res.uploads[0]).toMatchObject({ status: 'partial', valid_records: 1, error_records: 2 });
  });

  test('categories: any case / normalization of an active category is stored in its canonical spelling; an inactive one is an error', async () => {
    await pool.query("INSERT INTO product_categories (category_name, is_active) VALUES ('Retired Stuff', false) ON CONFLICT DO NOTHING");
    const u = await upload(3);
    const res = await decideInDatabase(
      pool,
      [rec(u, 1, { category: 'eLeCtRoNiCs' }), rec(u, 2, { category: 'computer accessories' }), rec(u, 3, { category: 'retired stuff' })],
      new Date(),
    );
    expect(kinds(res.outcomes)).toEqual(['valid', 'valid', 'INVALID_CATEGORY']);
    const cats = (await pool.query('SELECT category FROM products WHERE upload_id = $1 ORDER BY source_record_id', [u])).rows.map((r) => r.category);
    expect(cats).toEqual(['Electronics', 'Computer Accessories']);
  });

  test('one connection, many transactions: the staging table starts empty each time, also after a batch that failed and was bisected', async () => {
    const single = new Pool({ connectionString: pg.url('validator_sql'), max: 1 });
    await pool.query("ALTER TABLE products ADD CONSTRAINT products_test_refuse_sql CHECK (product_name <> 'REFUSED')");
    try {
      const u = await upload(6);
      const a = await decideInDatabase(single, [rec(u, 1), rec(u, 2, { product_name: 'REFUSED' }), rec(u, 3)], new Date());
      expect(kinds(a.outcomes)).toEqual(['valid', 'INVALID_FIELD_FORMAT', 'valid']);
      const b = await decideInDatabase(single, [rec(u, 4), rec(u, 5), rec(u, 6)], new Date());
      expect(kinds(b.outcomes)).toEqual(['valid', 'valid', 'valid']);
      // Redelivery of the first batch on the same connection: nothing new, nothing counted twice.
      const again = await decideInDatabase(single, [rec(u, 1), rec(u, 2, { product_name: 'REFUSED' }), rec(u, 3)], new Date());
      expect(kinds(again.outcomes)).toEqual(['valid (again)', 'INVALID_FIELD_FORMAT', 'valid (again)']);
      expect([...again.outcomes.values()].every((o) => !o.fresh)).toBe(true);
      expect(again.uploads[0]).toMatchObject({ status: 'partial', valid_records: 5, error_records: 1 });
      expect((await single.query('SELECT count(*)::int AS n FROM onboarding_validator_batch')).rows[0].n).toBe(0);
    } finally {
      await pool.query('ALTER TABLE products DROP CONSTRAINT products_test_refuse_sql');
      await single.end();
    }
  });

  test('another upload commits the same SKU while the INSERT waits: that row becomes DUPLICATE_SKU, the rest load, nothing is retried forever', async () => {
    const u = await upload(3);
    const other = await pool.connect();
    try {
      // Another upload's transaction holds the SKU (uncommitted): our lookup cannot see it, our
      // INSERT waits for it, and fails with unique_violation once it commits.
      await other.query('BEGIN');
      await other.query(
        "INSERT INTO products (vendor_id, vendor_product_id, product_name, category, sku, price, stock_quantity) VALUES ('VEND001', 'OTHER-1', 'Other', 'Electronics', $1, 1, 1)",
        [`${u}-S2`],
      );
      const running = decideInDatabase(pool, [rec(u, 1), rec(u, 2), rec(u, 3)], new Date());
      // Wait until our INSERT is blocked on the other transaction's row.
      for (let i = 0; i < 200; i++) {
        const waiting = await pool.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO products%'");
        if (waiting.rows[0].n > 0) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      await other.query('COMMIT');
      const res = await running;
      expect(kinds(res.outcomes)).toEqual(['valid', 'DUPLICATE_SKU', 'valid']);
      expect(res.uploads[0]).toMatchObject({ status: 'partial', valid_records: 2, error_records: 1 });
      expect((await pool.query('SELECT count(*)::int AS n FROM products WHERE sku = $1', [`${u}-S2`])).rows[0].n).toBe(1);
    } finally {
      other.release();
    }
  });
});
