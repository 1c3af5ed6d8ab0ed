/**
 * catalog-migrator: the catalog deploys itself. Terraform invokes this function on every change
 * of its input (aws_lambda_invocation, triggers = the input's SHA-256); the input carries the
 * migrations (lambdas/onboarding/migrations/*.sql, with their checksums), the reference
 * categories (shared/reference.ts) and the environment's vendors. It applies, idempotently:
 * 1. the pending migrations, with the runner `npm run db:migrate` uses (applyMigrations: one
 *    transaction each, recorded in schema_migrations, an edited applied migration refused);
 * 2. the reference data in one transaction: categories inserted or updated (description, active)
 *    by case-insensitive name; vendors inserted (status active) or updated (name, e-mail) by id.
 *    Nothing is deleted: a vendor or category left out of the data stays as it is (uploads and
 *    products refer to it); deactivate it in the database.
 * Applying the same input twice changes nothing and reports zero changes.
 */
import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { z } from 'zod';
import { applyMigrations, type Migration } from '../migrations/migrate';

/** Same lock key as the migration runner: reference data waits for a running migration. */
const LOCK_KEY = 0x0b0a_2002;

const migrationSchema = z
  .object({
    version: z.number().int().min(1),
    name: z.string().regex(/^[a-z0-9_]+$/),
    file: z.string().regex(/^\d{3}_[a-z0-9_]+\.sql$/),
    sql: z.string().min(1),
    checksum: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict();

export const catalogInputSchema = z
  .object({
    migrations: z.array(migrationSchema).min(1),
    categories: z.array(z.object({ name: z.string().trim().min(1).max(100), description: z.string().max(2000) }).strict()),
    vendors: z.array(z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,50}$/), name: z.string().min(1).max(200), email: z.string().email().max(255) }).strict()),
  })
  .strict();

export type CatalogInput = z.infer<typeof catalogInputSchema>;

export interface CatalogDeployResult {
  readonly migrations_applied: readonly string[];
  readonly migrations_already_applied: number;
  readonly categories_changed: number;
  readonly vendors_changed: number;
}

/** Validates the invocation input; the error names each bad field and the value received. */
export function parseCatalogInput(raw: unknown): CatalogInput {
  const parsed = catalogInputSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const value = i.path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string | number, unknown>)[k] : undefined), raw);
      return `${i.path.join('.') || '(input)'}: ${i.message} (got ${JSON.stringify(value)?.slice(0, 80) ?? 'nothing'})`;
    });
    throw new Error(`catalog-migrator input: ${problems.join('; ')}`);
  }
  const bad = parsed.data.migrations.find((m) => createHash('sha256').update(m.sql).digest('hex') !== m.checksum);
  if (bad) throw new Error(`catalog-migrator input: migrations ${bad.file}: checksum does not match its sql (got ${bad.checksum})`);
  const names = parsed.data.categories.map((c) => c.name.toLowerCase());
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new Error(`catalog-migrator input: categories: "${dup}" appears twice (names are case-insensitive)`);
  return parsed.data;
}

/** Applies migrations, then reference data; see the file comment. */
export async function deployCatalog(db: Pool, raw: unknown): Promise<CatalogDeployResult> {
  const input = parseCatalogInput(raw);
  const migrations: Migration[] = input.migrations.map((m) => ({ ...m }));
  const result = await applyMigrations(db, migrations, 'catalog-migrator input');
  const changed = await applyReferenceData(db, input);
  return {
    migrations_applied: result.applied.map((m) => m.file),
    migrations_already_applied: result.alreadyApplied.length,
    ...changed,
  };
}

/** The reference data alone, in one transaction (also `npm run db:migrate`, with the categories). */
export async function applyReferenceData(
  db: Pool,
  data: Pick<CatalogInput, 'categories' | 'vendors'>,
): Promise<Pick<CatalogDeployResult, 'categories_changed' | 'vendors_changed'>> {
  const input = data;
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
      let categories = 0;
      for (const c of input.categories) {
        const updated = await client.query(
          `UPDATE product_categories SET description = $2::text, is_active = TRUE
            WHERE lower(category_name) = lower($1::text) AND (description IS DISTINCT FROM $2::text OR NOT is_active)`,
          [c.name, c.description],
        );
        const inserted = await client.query(
          `INSERT INTO product_categories (category_name, description)
           SELECT $1::text, $2::text WHERE NOT EXISTS (SELECT 1 FROM product_categories WHERE lower(category_name) = lower($1::text))`,
          [c.name, c.description],
        );
        categories += (updated.rowCount ?? 0) + (inserted.rowCount ?? 0);
      }
      let vendors = 0;
      for (const v of input.vendors) {
        const res = await client.query(
          `INSERT INTO vendors (vendor_id, vendor_name, email) VALUES ($1, $2, $3)
           ON CONFLICT (vendor_id) DO UPDATE SET vendor_name = EXCLUDED.vendor_name, email = EXCLUDED.email
            WHERE (vendors.vendor_name, vendors.email) IS DISTINCT FROM (EXCLUDED.vendor_name, EXCLUDED.email)`,
          [v.id, v.name, v.email],
        );
        vendors += res.rowCount ?? 0;
      }
      await client.query('COMMIT');
      return { categories_changed: categories, vendors_changed: vendors };
    } catch (err) {
      await client.query('ROLLBACK');
      throw new Error(`reference data failed and was rolled back: ${(err as Error).message}`);
    }
  } finally {
    client.release();
  }
}
