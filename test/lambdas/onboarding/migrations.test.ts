/** The catalog schema (seed 002 section 6) and the migration runner, on a throwaway PostgreSQL 15. */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { loadMigrations, migrate, MIGRATIONS_DIR } from '../../../lambdas/onboarding/migrations/migrate';
import { readConfig } from '../../../lambdas/onboarding/shared/config';
import { startPostgres, type TestPostgres } from '../../support/postgres';

let pg: TestPostgres;
beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(() => pg?.stop());

async function freshPool(name: string): Promise<Pool> {
  return new Pool({ connectionString: await pg.createDatabase(name), max: 4 });
}

function copyMigrations(): string {
  const dir = mkdtempSync(join(tmpdir(), 'migrations-'));
  for (const f of readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql'))) copyFileSync(join(MIGRATIONS_DIR, f), join(dir, f));
  return dir;
}

describe('migration runner', () => {
  test('applies every file once, in order, and is idempotent (also when two run at once)', async () => {
    const pool = await freshPool('runner');
    try {
      const [a, b] = await Promise.all([migrate(pool), migrate(pool)]);
      expect([...a.applied, ...b.applied].map((m) => m.file)).toEqual(['001_catalog_schema.sql', '002_seed_categories.sql', '003_exactly_once.sql']);
      const again = await migrate(pool);
      expect(again).toEqual({ applied: [], alreadyApplied: [1, 2, 3] });
      const rows = (await pool.query('SELECT version, name, length(checksum) AS len FROM schema_migrations ORDER BY version')).rows;
      expect(rows).toEqual([
        { version: 1, name: 'catalog_schema', len: 64 },
        { version: 2, name: 'seed_categories', len: 64 },
        { version: 3, name: 'exactly_once', len: 64 },
      ]);
    } finally {
      await pool.end();
    }
  });

  test('refuses a migration edited after it was applied, and rolls back a failing one', async () => {
    const pool = await freshPool('edited');
    const dir = copyMigrations();
    try {
      await migrate(pool, dir);
      writeFileSync(join(dir, '002_seed_categories.sql'), "INSERT INTO product_categories (category_name) VALUES ('Toys');\n");
      await expect(migrate(pool, dir)).rejects.toThrow(/002_seed_categories.sql was changed after it was applied/);
      copyFileSync(join(MIGRATIONS_DIR, '002_seed_categories.sql'), join(dir, '002_seed_categories.sql'));
      writeFileSync(join(dir, '004_broken.sql'), 'CREATE TABLE half_done (id int);\nSELECT no_such_function();\n');
      await expect(migrate(pool, dir)).rejects.toThrow(/004_broken.sql failed and was rolled back: function no_such_function\(\) does not exist/);
      expect((await pool.query("SELECT to_regclass('half_done') AS t")).rows[0].t).toBeNull();
      writeFileSync(join(dir, '006_gap.sql'), 'SELECT 1;\n');
      rmSync(join(dir, '004_broken.sql'));
      expect(() => loadMigrations(dir)).toThrow(/expected version 004 .*got 006_gap.sql/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await pool.end();
    }
  });

  test('CLI: tsx lambdas/onboarding/migrations/migrate.ts with DATABASE_URL', async () => {
    const url = await pg.createDatabase('cli');
    const out = execFileSync('npx', ['tsx', 'lambdas/onboarding/migrations/migrate.ts'], { encoding: 'utf8', env: { ...process.env, DATABASE_URL: url } });
    expect(out).toMatch(/applied 001_catalog_schema.sql\napplied 002_seed_categories.sql\napplied 003_exactly_once.sql\n3 migration\(s\) applied, 0 already applied \(\d+ ms\)\nreference data: 0 categories changed\n$/);
  });
});

describe('catalog schema', () => {
  let pool: Pool;
  beforeAll(async () => {
    pool = await freshPool('schema');
    await migrate(pool);
    await pool.query("INSERT INTO vendors (vendor_id, vendor_name, email) VALUES ('VEND001', 'TechGear', 'contact@techgear.com')");
    await pool.query(
      "INSERT INTO upload_history (upload_id, vendor_id, file_name) VALUES ('U1', 'VEND001', 'f.csv')",
    );
  });
  afterAll(async () => pool?.end());

  const product = (over: Record<string, unknown> = {}) => {
    const p = { vendor_id: 'VEND001', vendor_product_id: 'P1', product_name: 'Mouse', category: 'Electronics', sku: 'S1', price: 19.99, stock_quantity: 1, ...over };
    const cols = Object.keys(p);
    return pool.query(`INSERT INTO products (${cols.join(',')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(',')})`, Object.values(p));
  };

  test('the seed indexes exist under their names', async () => {
    const names = (await pool.query("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'")).rows.map((r) => r.indexname);
    expect(names).toEqual(
      expect.arrayContaining(['idx_vendor_id', 'idx_category', 'idx_upload_id', 'idx_sku', 'idx_vendor_upload', 'idx_status', 'idx_upload_errors', 'idx_error_type']),
    );
  });

  test('seed categories are the initial whitelist', async () => {
    const rows = (await pool.query('SELECT category_name FROM product_categories ORDER BY category_id')).rows;
    expect(rows.map((r) => r.category_name)).toEqual(['Electronics', 'Computer Accessories', 'Clothing']);
  });

  test.each<[string, () => Promise<unknown>, RegExp]>([
    ['price must be > 0', () => product({ price: 0 }), /products_price_check/],
    ['stock must be >= 0', () => product({ sku: 'S2', vendor_product_id: 'P2', stock_quantity: -1 }), /products_stock_check/],
    ['sku is unique across the catalog', async () => {
      await product({ sku: 'DUP', vendor_product_id: 'D1' });
      await product({ sku: 'DUP', vendor_product_id: 'D2' });
    }, /idx_sku/],
    ['vendor product ID is unique per vendor', async () => {
      await product({ sku: 'V1', vendor_product_id: 'SAME' });
      await product({ sku: 'V2', vendor_product_id: 'SAME' });
    }, /products_vendor_product_key/],
    ['a product needs a known vendor', () => product({ vendor_id: 'NOPE', sku: 'N1' }), /products_vendor_id_fkey/],
    ['upload status is one of the four', () => pool.query("INSERT INTO upload_history (upload_id, file_name, status) VALUES ('U2', 'f', 'done')"), /upload_history_status_check/],
    ['a failed upload has a reason', () => pool.query("INSERT INTO upload_history (upload_id, file_name, status) VALUES ('U3', 'f', 'failed')"), /upload_history_failed_reason_check/],
    ['error types are the known ones', () => pool.query("INSERT INTO validation_errors (upload_id, record_id, row_number, error_type, error_message) VALUES ('U1', 'R1', 1, 'OOPS', 'm')"), /validation_errors_type_check/],
    ['one error per rule per row', async () => {
      const ins = "INSERT INTO validation_errors (upload_id, record_id, row_number, error_type, error_message) VALUES ('U1', 'R9', 9, 'INVALID_PRICE', 'm')";
      await pool.query(ins);
      await pool.query(ins);
    }, /validation_errors_record_rule_key/],
  ])('%s', async (_name, action, constraint) => {
    await expect(action()).rejects.toThrow(constraint);
  });
});

describe('configuration', () => {
  test('missing and invalid variables are named together', () => {
    expect(() => readConfig({ STAGING_TTL_DAYS: '0' }, ['uploadTable', 'errorsQueueUrl'])).toThrow(
      'onboarding configuration: UPLOAD_TABLE is not set; ERRORS_QUEUE_URL is not set; STAGING_TTL_DAYS must be an integer from 1 to 365, got "0"',
    );
    expect(readConfig({ UPLOAD_TABLE: 'UploadRecords', ERRORS_QUEUE_URL: 'q' }, ['uploadTable', 'errorsQueueUrl'])).toEqual({
      uploadTable: 'UploadRecords',
      errorsQueueUrl: 'q',
      stagingTtlDays: 7,
      errorReportUrlTtlSeconds: 604_800,
      reportLinkRedirectTtlSeconds: 300,
      uploadUrlTtlSeconds: 900,
    });
  });
});
