/**
 * Versioned SQL migrations for the onboarding catalog (seed 002).
 *
 * Files `NNN_name.sql` in this folder are applied in numeric order, each in its own transaction,
 * and recorded in `schema_migrations` (version, name, SHA-256 of the file, applied_at). Running
 * again applies only what is new. A file that was changed after it was applied is refused (the
 * checksum differs), and so is a gap or duplicate in the numbering. A session advisory lock keeps
 * two runners from applying the same migration at once.
 *
 * CLI: `tsx lambdas/migrations/migrate.ts [--status]` with DATABASE_URL (or PGHOST/PGDATABASE/...,
 * or DB_SECRET_ARN as for the Lambdas).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client, Pool, PoolClient } from 'pg';

export const MIGRATIONS_DIR = __dirname;
const FILE_PATTERN = /^(\d{3})_([a-z0-9_]+)\.sql$/;
/** Arbitrary constant for pg_advisory_lock: "onboarding migrations". */
const LOCK_KEY = 0x0b0a_2002;

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly file: string;
  readonly sql: string;
  readonly checksum: string;
}

export interface MigrationResult {
  readonly applied: readonly Migration[];
  readonly alreadyApplied: readonly number[];
}

/** Reads and orders the migration files; refuses bad names, duplicates and gaps. */
export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
  const migrations = files.map((file): Migration => {
    const m = FILE_PATTERN.exec(file);
    if (!m) throw new Error(`${join(dir, file)}: migration file names must look like 001_name.sql (lower case), got "${file}"`);
    const sql = readFileSync(join(dir, file), 'utf8');
    return { version: Number(m[1]), name: m[2]!, file, sql, checksum: createHash('sha256').update(sql).digest('hex') };
  });
  migrations.forEach((mig, i) => {
    if (mig.version !== i + 1) {
      throw new Error(`${join(dir, mig.file)}: expected version ${String(i + 1).padStart(3, '0')} (versions must be 001, 002, … without gaps or duplicates), got ${mig.file}`);
    }
  });
  return migrations;
}

type Queryable = Client | PoolClient;

/** Applies every pending migration. Safe to run concurrently and repeatedly. */
export async function migrate(db: Pool | Client, dir: string = MIGRATIONS_DIR): Promise<MigrationResult> {
  return applyMigrations(db, loadMigrations(dir), dir);
}

/**
 * Applies the pending ones of `migrations` (ordered, numbered 1..n, as loadMigrations returns them);
 * `source` names where they came from in errors (a folder, or the catalog-migrator's input).
 * The catalog-migrator Lambda calls this with the migrations the stack put in its input.
 */
export async function applyMigrations(db: Pool | Client, migrations: readonly Migration[], source: string): Promise<MigrationResult> {
  const dir = source;
  const client: Queryable = 'totalCount' in db ? await db.connect() : db;
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version    INTEGER     PRIMARY KEY,
        name       TEXT        NOT NULL,
        checksum   CHAR(64)    NOT NULL,
        applied_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP)`);
      const { rows } = await client.query<{ version: number; name: string; checksum: string }>(
        'SELECT version, name, checksum FROM schema_migrations ORDER BY version',
      );
      const known = new Map(migrations.map((m) => [m.version, m]));
      for (const row of rows) {
        const mig = known.get(row.version);
        if (!mig) throw new Error(`schema_migrations has version ${row.version} (${row.name}) but ${dir} has no such file; refusing to continue`);
        if (mig.checksum !== row.checksum) {
          throw new Error(`${join(dir, mig.file)} was changed after it was applied (checksum ${row.checksum.slice(0, 12)}… recorded, ${mig.checksum.slice(0, 12)}… now); add a new migration instead`);
        }
      }
      const done = new Set(rows.map((r) => r.version));
      const applied: Migration[] = [];
      for (const mig of migrations) {
        if (done.has(mig.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(mig.sql);
          await client.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [mig.version, mig.name, mig.checksum]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK');
          throw new Error(`${mig.file} failed and was rolled back: ${(err as Error).message}`);
        }
        applied.push(mig);
      }
      return { applied, alreadyApplied: [...done].sort((a, b) => a - b) };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]);
    }
  } finally {
    if ('release' in client && typeof client.release === 'function') client.release();
  }
}

async function main(): Promise<void> {
  const { createPoolFromEnv } = await import('../../lib/db');
  const pool = await createPoolFromEnv(process.env, 1);
  try {
    if (process.argv.includes('--status')) {
      const pending = loadMigrations();
      const { rows } = await pool
        .query<{ version: number }>('SELECT version FROM schema_migrations')
        .catch(() => ({ rows: [] as { version: number }[] }));
      const done = new Set(rows.map((r) => r.version));
      for (const m of pending) console.log(`${done.has(m.version) ? 'applied' : 'pending'}  ${m.file}`);
      return;
    }
    const started = Date.now();
    const result = await migrate(pool);
    for (const m of result.applied) console.log(`applied ${m.file}`);
    console.log(
      `${result.applied.length} migration(s) applied, ${result.alreadyApplied.length} already applied (${Date.now() - started} ms)`,
    );
    // The reference categories too, as a deploy's catalog-migrator applies them (vendors come from the environments on deploy).
    const [{ applyReferenceData }, { CATEGORIES }] = await Promise.all([import('../catalog-migrator/core'), import('../shared/reference')]);
    const reference = await applyReferenceData(pool, { categories: [...CATEGORIES], vendors: [] });
    console.log(`reference data: ${reference.categories_changed} categor${reference.categories_changed === 1 ? 'y' : 'ies'} changed`);
  } finally {
    await pool.end();
  }
}

if (require.main === module) {
  main().catch((err: Error) => {
    console.error(`migrate: ${err.message}`);
    process.exit(1);
  });
}
