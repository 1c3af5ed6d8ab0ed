/**
 * A throwaway PostgreSQL server for tests and the benchmark: initdb into a temp dir, pg_ctl start
 * on a random port with a unix socket only (no TCP), one database per caller, stop and delete on
 * teardown. Fails loudly when initdb/pg_ctl are missing (tests must not silently skip).
 *
 * PostgreSQL refuses to run as root; as root the server runs as the `postgres` user (or
 * PG_TEST_USER, or `nobody`) through setpriv, and the temp dir is handed to that user.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Client } from 'pg';

export interface TestPostgres {
  /** Directory holding the socket (also the `host` for pg). */
  readonly socketDir: string;
  readonly port: number;
  readonly user: string;
  /** Creates an empty database and returns its connection URL. */
  createDatabase(name: string): Promise<string>;
  /** Connection URL of a database on this server. */
  url(database: string): string;
  stop(): void;
}

const SEARCH_DIRS = ['/usr/local/bin', '/usr/lib/postgresql/17/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/15/bin', '/usr/pgsql-15/bin'];

/** Finds a PostgreSQL server binary on PATH or in the usual install folders. */
export function findPgBinary(name: 'initdb' | 'pg_ctl'): string {
  const dirs = [...(process.env.PG_BIN_DIR ? [process.env.PG_BIN_DIR] : []), ...(process.env.PATH ?? '').split(delimiter), ...SEARCH_DIRS];
  for (const dir of dirs) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  throw new Error(
    `${name} not found (looked on PATH and in ${SEARCH_DIRS.join(', ')}). The onboarding tests need a PostgreSQL 15 server: ` +
      'apt-get install postgresql-15 (Debian) or set PG_BIN_DIR.',
  );
}

interface RunAs {
  readonly uid: number;
  readonly gid: number;
}

function runAsFor(): RunAs | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  for (const name of [process.env.PG_TEST_USER, 'postgres', 'nobody']) {
    if (!name) continue;
    const res = spawnSync('id', ['-u', name], { encoding: 'utf8' });
    if (res.status === 0) {
      const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
      return { uid: Number(res.stdout.trim()), gid: Number(gid.stdout.trim()) };
    }
  }
  throw new Error('running as root and no unprivileged user (postgres, nobody) to run PostgreSQL as; set PG_TEST_USER');
}

function run(bin: string, args: string[], as: RunAs | undefined): string {
  const [cmd, argv] = as
    ? ['setpriv', [`--reuid=${as.uid}`, `--regid=${as.gid}`, '--clear-groups', bin, ...args]]
    : [bin, args];
  try {
    return execFileSync(cmd, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string; message: string };
    throw new Error(`${bin} ${args.join(' ')} failed: ${e.stderr || e.stdout || e.message}`);
  }
}

function chownTree(path: string, as: RunAs): void {
  chownSync(path, as.uid, as.gid);
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const p = join(path, entry.name);
    if (entry.isDirectory()) chownTree(p, as);
    else chownSync(p, as.uid, as.gid);
  }
}

const running = new Set<() => void>();
process.once('exit', () => {
  for (const stop of running) stop();
});

/** Starts a server (≈1–2 s). Call stop() when done; a process exit stops it too. */
export async function startPostgres(): Promise<TestPostgres> {
  const initdb = findPgBinary('initdb');
  const pgCtl = findPgBinary('pg_ctl');
  const as = runAsFor();
  const dir = mkdtempSync(join(tmpdir(), 'pgtest-'));
  if (as) chownTree(dir, as);
  const dataDir = join(dir, 'data');
  const port = 20_000 + Math.floor(Math.random() * 40_000);
  const user = 'postgres';
  run(initdb, ['-D', dataDir, '-U', user, '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions'], as);
  const opts = [`-k ${dir}`, `-p ${port}`, "-c listen_addresses=''", '-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off'];
  try {
    run(pgCtl, ['start', '-D', dataDir, '-w', '-t', '30', '-l', join(dir, 'server.log'), '-o', opts.join(' ')], as);
  } catch (err) {
    const log = existsSync(join(dir, 'server.log')) ? readFileSync(join(dir, 'server.log'), 'utf8') : '';
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${(err as Error).message}\n${log}`);
  }
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    running.delete(stop);
    try {
      run(pgCtl, ['stop', '-D', dataDir, '-m', 'immediate', '-w'], as);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  running.add(stop);
  const url = (database: string) => `postgresql://${user}@localhost/${database}?host=${encodeURIComponent(dir)}&port=${port}`;
  return {
    socketDir: dir,
    port,
    user,
    url,
    async createDatabase(name: string) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`database name must be a lower-case identifier, got "${name}"`);
      const client = new Client({ host: dir, port, user, database: 'postgres' });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    stop,
  };
}
