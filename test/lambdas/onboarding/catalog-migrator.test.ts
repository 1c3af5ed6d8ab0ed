/**
 * The catalog that deploys itself (issue 14): catalog-migrator's core on a throwaway PostgreSQL 15,
 * with the input the stack gives it (migrations with checksums, reference categories, vendors).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { bundleLambdaCached } from '../../../modules/function';
import { lambdaEntry } from '../../../systems/onboarding/names';
import { deployCatalog, parseCatalogInput } from '../../../lambdas/onboarding/catalog-migrator/core';
import { createCatalogMigratorHandler } from '../../../lambdas/onboarding/catalog-migrator/handler';
import { loadMigrations, migrate } from '../../../lambdas/onboarding/migrations/migrate';
import { CATEGORIES } from '../../../lambdas/onboarding/shared/reference';
import { startPostgres, type TestPostgres } from '../../support/postgres';

process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
let pg: TestPostgres;
beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(() => pg?.stop());

const VENDORS = [
  { id: 'VEND001', name: 'TechGear Supplies', email: 'uploads@techgear.example.com' },
  { id: 'VEND002', name: 'Fabric & Co', email: 'feeds@fabric.example.com' },
];
const input = (over: Partial<{ categories: unknown[]; vendors: unknown[]; migrations: unknown[] }> = {}) => ({
  migrations: loadMigrations().map(({ version, name, file, sql, checksum }) => ({ version, name, file, sql, checksum })),
  categories: CATEGORIES.map((c) => ({ ...c })),
  vendors: VENDORS,
  ...over,
});

async function snapshot(pool: Pool) {
  return {
    migrations: (await pool.query('SELECT version, checksum, applied_at FROM schema_migrations ORDER BY version')).rows,
    categories: (await pool.query('SELECT category_id, category_name, description, is_active, created_at FROM product_categories ORDER BY category_id')).rows,
    vendors: (await pool.query('SELECT vendor_id, vendor_name, email, status, created_at FROM vendors ORDER BY vendor_id')).rows,
  };
}

describe('deployCatalog', () => {
  test('applies migrations and reference data; applying the same input again is a no-op', async () => {
    const pool = new Pool({ connectionString: await pg.createDatabase('deploy_twice'), max: 2 });
    try {
      const first = await deployCatalog(pool, input());
      expect(first).toEqual({
        migrations_applied: loadMigrations().map((m) => m.file),
        migrations_already_applied: 0,
        // The seed categories already came with 002_seed_categories.sql: nothing to change.
        categories_changed: 0,
        vendors_changed: 2,
      });
      const before = await snapshot(pool);
      expect(before.vendors.map((v) => [v.vendor_id, v.vendor_name, v.email, v.status])).toEqual([
        ['VEND001', 'TechGear Supplies', 'uploads@techgear.example.com', 'active'],
        ['VEND002', 'Fabric & Co', 'feeds@fabric.example.com', 'active'],
      ]);
      const again = await deployCatalog(pool, input());
      expect(again).toEqual({ migrations_applied: [], migrations_already_applied: loadMigrations().length, categories_changed: 0, vendors_changed: 0 });
      expect(await snapshot(pool)).toEqual(before);
    } finally {
      await pool.end();
    }
  });

  test('reference data changes are applied (and only they); nothing is deleted; a suspended vendor stays suspended', async () => {
    const pool = new Pool({ connectionString: await pg.createDatabase('deploy_changes'), max: 2 });
    try {
      await deployCatalog(pool, input());
      await pool.query("UPDATE vendors SET status = 'suspended' WHERE vendor_id = 'VEND002'");
      await pool.query("UPDATE product_categories SET is_active = FALSE WHERE category_name = 'Clothing'");
      const changed = await deployCatalog(
        pool,
        input({
          categories: [
            { name: 'electronics', description: 'Devices, gadgets and parts' },
            { name: 'Computer Accessories', description: 'Peripherals and accessories for computers' },
            { name: 'Clothing', description: 'Apparel items' },
            { name: 'Toys', description: 'Games and toys' },
          ],
          vendors: [VENDORS[0], { ...VENDORS[1], email: 'catalog@fabric.example.com' }, { id: 'VEND003', name: 'Home Goods Ltd', email: 'it@homegoods.example.com' }],
        }),
      );
      // Electronics (description, matched case-insensitively), Clothing (re-activated), Toys (new); VEND002 (e-mail), VEND003 (new).
      expect(changed).toMatchObject({ migrations_applied: [], categories_changed: 3, vendors_changed: 2 });
      const rows = await snapshot(pool);
      expect(rows.categories.map((c) => [c.category_name, c.description, c.is_active])).toEqual([
        ['Electronics', 'Devices, gadgets and parts', true],
        ['Computer Accessories', 'Peripherals and accessories for computers', true],
        ['Clothing', 'Apparel items', true],
        ['Toys', 'Games and toys', true],
      ]);
      expect(rows.vendors.map((v) => [v.vendor_id, v.email, v.status])).toEqual([
        ['VEND001', 'uploads@techgear.example.com', 'active'],
        ['VEND002', 'catalog@fabric.example.com', 'suspended'],
        ['VEND003', 'it@homegoods.example.com', 'active'],
      ]);
      // Left out of the data: kept.
      const dropped = await deployCatalog(pool, input({ categories: [], vendors: [] }));
      expect(dropped).toMatchObject({ categories_changed: 0, vendors_changed: 0 });
      expect((await snapshot(pool)).vendors).toHaveLength(3);
    } finally {
      await pool.end();
    }
  });

  test('takes over a database migrated by `npm run db:migrate`, and two deploys at once apply once', async () => {
    const pool = new Pool({ connectionString: await pg.createDatabase('deploy_after_cli'), max: 6 });
    try {
      await migrate(pool);
      const [a, b] = await Promise.all([deployCatalog(pool, input()), deployCatalog(pool, input())]);
      expect([...a.migrations_applied, ...b.migrations_applied]).toEqual([]);
      expect(a.vendors_changed + b.vendors_changed).toBe(2);
    } finally {
      await pool.end();
    }
  });

  test('bad input is refused before anything is written, naming the field and the value', async () => {
    expect(() => parseCatalogInput({ ...input(), vendors: [{ id: 'VEND 1', name: 'x', email: 'x@example.com' }] })).toThrow(
      /catalog-migrator input: vendors\.0\.id: .* \(got "VEND 1"\)/,
    );
    expect(() => parseCatalogInput({ ...input(), extra: 1 })).toThrow(/Unrecognized key\(s\) in object: 'extra'/);
    const tampered = input();
    (tampered.migrations[0] as { sql: string }).sql += '\nDROP TABLE vendors;';
    expect(() => parseCatalogInput(tampered)).toThrow(/migrations 001_catalog_schema\.sql: checksum does not match its sql/);
    expect(() => parseCatalogInput(input({ categories: [{ name: 'Toys', description: '' }, { name: 'TOYS', description: '' }] }))).toThrow('categories: "toys" appears twice');
    const pool = new Pool({ connectionString: await pg.createDatabase('deploy_refused'), max: 2 });
    try {
      await expect(deployCatalog(pool, { migrations: [] })).rejects.toThrow(/migrations: Array must contain at least 1 element/);
      expect((await pool.query("SELECT to_regclass('schema_migrations') AS t")).rows[0].t).toBeNull();
    } finally {
      await pool.end();
    }
  });

  test('the deployed bundle (esbuild, as synth builds it) applies the catalog from the invocation input', async () => {
    const url = await pg.createDatabase('deploy_bundle');
    const zip = readFileSync(bundleLambdaCached(lambdaEntry('catalog-migrator')).zipPath);
    // One stored entry, index.js: its data follows the local header.
    expect(zip.readUInt32LE(0)).toBe(0x04034b50);
    const start = 30 + zip.readUInt16LE(26) + zip.readUInt16LE(28);
    const dir = mkdtempSync(join(tmpdir(), 'catalog-bundle-'));
    try {
      writeFileSync(join(dir, 'index.js'), zip.subarray(start, start + zip.readUInt32LE(18)));
      writeFileSync(join(dir, 'input.json'), JSON.stringify(input()));
      const run = `require('./index.js').handler(JSON.parse(require('fs').readFileSync('./input.json','utf8'))).then((r) => console.log(JSON.stringify(r)))`;
      const out = execFileSync(process.execPath, ['-e', run], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH, DATABASE_URL: url, POWERTOOLS_LOG_LEVEL: 'SILENT' } });
      expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual({ migrations_applied: loadMigrations().map((m) => m.file), migrations_already_applied: 0, categories_changed: 0, vendors_changed: 2 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the handler returns the result and throws a failure (Terraform then fails the apply)', async () => {
    const url = await pg.createDatabase('deploy_handler');
    const handler = createCatalogMigratorHandler(async () => new Pool({ connectionString: url, max: 1 }));
    await expect(handler(input())).resolves.toMatchObject({ vendors_changed: 2 });
    await expect(handler({ ...input(), vendors: 'none' })).rejects.toThrow(/vendors: Expected array, received string/);
  });
});
