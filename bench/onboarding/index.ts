/**
 * `npm run bench:onboarding [-- --rows 1000,10000 --bad-every 20]`
 *
 * Runs the onboarding pipeline end to end on local servers (throwaway PostgreSQL 15, dynalite,
 * s3rver; SQS/SNS fakes) for each size, twice: the pipeline as built (streaming two-pass parser,
 * parallel batches of 25, set-based validation of stream batches of 100, report from the table)
 * and a naive per-row baseline (the seed's flow: in-memory parse, sequential batches, one query
 * per rule per row). Each run gets a fresh database and tables. Prints a table; the product and
 * error counts show both variants reach the same result.
 *
 * Not measured: AWS's own delays (S3 → Lambda, stream polling, the SQS batching window of the
 * seed, 30 s) and cold starts; local dynalite is much slower than DynamoDB, so absolute times
 * are dominated by it.
 */
import { cpus, loadavg } from 'node:os';
import { publishCompletion } from '../../lambdas/onboarding/error-processor/core';
import { naiveParse, naiveValidate } from './naive';
import {
  addVendor,
  BUCKET,
  createHandlers,
  FakeMessaging,
  freshCatalog,
  pipelineDeps,
  putUpload,
  QUEUE_URL,
  readStaged,
  runPipeline,
  seedExampleCsv,
  startServers,
  type OnboardingServers,
} from '../../test/support/onboarding';

process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';

interface Result {
  rows: number;
  variant: string;
  parseMs: number;
  validateMs: number;
  reportMs: number;
  products: number;
  errors: number;
  dbQueries: number;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

let runCounter = 0;

async function counts(pool: import('pg').Pool, uploadId: string): Promise<{ products: number; errors: number }> {
  const p = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM products WHERE upload_id = $1', [uploadId]);
  const e = await pool.query<{ n: number }>('SELECT count(DISTINCT record_id)::int AS n FROM validation_errors WHERE upload_id = $1', [uploadId]);
  return { products: p.rows[0]!.n, errors: e.rows[0]!.n };
}

/** Counts queries sent through a pool (both variants), to show the per-row difference. */
function countQueries(pool: import('pg').Pool): () => number {
  let n = 0;
  const wrapped = new WeakSet<object>();
  pool.on('acquire', (client) => {
    if (wrapped.has(client)) return;
    wrapped.add(client);
    const original = client.query.bind(client) as (...a: unknown[]) => unknown;
    (client as unknown as { query: (...a: unknown[]) => unknown }).query = (...a: unknown[]) => {
      n++;
      return original(...a);
    };
  });
  const poolQuery = pool.query.bind(pool) as (...a: unknown[]) => unknown;
  (pool as unknown as { query: (...a: unknown[]) => unknown }).query = (...a: unknown[]) => {
    n++;
    return poolQuery(...a);
  };
  return () => n;
}

async function optimized(servers: OnboardingServers, rows: number, csv: string): Promise<Result> {
  const { pool, tables } = await freshCatalog(servers, `bench_opt_${++runCounter}`);
  try {
    await addVendor(pool, 'VEND001');
    const queries = countQueries(pool);
    const messaging = new FakeMessaging();
    const handlers = createHandlers(servers, pipelineDeps(servers, pool, tables, messaging), tables);
    const before = queries();
    const run = await runPipeline(servers, handlers, messaging, tables, `uploads/VEND001/bench_${rows}.csv`, csv);
    const dbQueries = queries() - before;
    if (messaging.published.length !== 1) throw new Error(`expected one notification, got ${messaging.published.length}`);
    return { rows, variant: 'pipeline', parseMs: run.parseMs, validateMs: run.validateMs, reportMs: run.errorsMs, dbQueries, ...(await counts(pool, run.uploadId)) };
  } finally {
    await pool.end();
  }
}

async function naive(servers: OnboardingServers, rows: number, csv: string): Promise<Result> {
  const { pool, tables } = await freshCatalog(servers, `bench_naive_${++runCounter}`);
  try {
    await addVendor(pool, 'VEND001');
    const queries = countQueries(pool);
    const messaging = new FakeMessaging();
    const key = `uploads/VEND001/naive_${rows}.csv`;
    await putUpload(servers.s3, key, csv);
    const deps = { db: pool, s3: servers.s3, doc: servers.doc, sqs: messaging.sqs, uploadTable: tables.uploadTable, queueUrl: QUEUE_URL };
    const before = queries();
    const t0 = performance.now();
    const uploadId = await naiveParse(deps, BUCKET, key);
    const t1 = performance.now();
    const staged = await readStaged(servers.doc, tables.uploadTable, uploadId);
    const t1b = performance.now();
    for (let i = 0; i < staged.length; i += 100) await naiveValidate(deps, staged.slice(i, i + 100));
    const t2 = performance.now();
    await pool.query(
      "UPDATE upload_history SET status = CASE WHEN error_records = 0 THEN 'completed' ELSE 'partial' END, processing_completed_at = now() WHERE upload_id = $1",
      [uploadId],
    );
    await publishCompletion(pipelineDeps(servers, pool, tables, messaging).errors, uploadId);
    const t3 = performance.now();
    return { rows, variant: 'naive per-row', parseMs: t1 - t0, validateMs: t2 - t1b, reportMs: t3 - t2, dbQueries: queries() - before, ...(await counts(pool, uploadId)) };
  } finally {
    await pool.end();
  }
}

function table(results: Result[]): string {
  const header = ['rows', 'variant', 'parse ms', 'validate ms', 'report ms', 'total ms', 'rows/s', 'SQL queries', 'products', 'errors'];
  const lines = results.map((r) => {
    const total = r.parseMs + r.validateMs + r.reportMs;
    return [
      r.rows.toLocaleString('en-US'),
      r.variant,
      r.parseMs.toFixed(0),
      r.validateMs.toFixed(0),
      r.reportMs.toFixed(0),
      total.toFixed(0),
      ((r.rows / total) * 1000).toFixed(0),
      r.dbQueries.toLocaleString('en-US'),
      String(r.products),
      String(r.errors),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  return [fmt(header), `|${widths.map((w, i) => (i < 2 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...lines.map(fmt)].join('\n');
}

async function main(): Promise<void> {
  const sizes = arg('rows', '1000,10000').split(',').map((s) => Number(s.trim()));
  const badEvery = Number(arg('bad-every', '20'));
  if (sizes.some((n) => !Number.isInteger(n) || n < 1) || !Number.isInteger(badEvery) || badEvery < 2) {
    throw new Error(`--rows must be positive integers and --bad-every an integer ≥ 2, got --rows ${arg('rows', '')} --bad-every ${badEvery}`);
  }
  console.log(`starting PostgreSQL, dynalite and s3rver… (${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(1)})`);
  const servers = await startServers({ dynamoProcess: true });
  const results: Result[] = [];
  try {
    for (const rows of sizes) {
      const csv = seedExampleCsv('VEND001', rows, { badEvery });
      process.stdout.write(`${rows} rows: pipeline… `);
      results.push(await optimized(servers, rows, csv));
      process.stdout.write('naive… ');
      results.push(await naive(servers, rows, csv));
      console.log('done');
    }
  } finally {
    await servers.stop();
  }
  console.log(`\n${table(results)}\n`);
  for (const rows of sizes) {
    const [p, n] = results.filter((r) => r.rows === rows);
    const total = (r: Result) => r.parseMs + r.validateMs + r.reportMs;
    console.log(
      `${rows} rows: pipeline ${(total(n!) / total(p!)).toFixed(1)}× faster than naive, ${(n!.dbQueries / p!.dbQueries).toFixed(0)}× fewer SQL queries` +
        (p!.products === n!.products && p!.errors === n!.errors ? '; same products and errors' : '; RESULTS DIFFER'),
    );
  }
}

main().catch((err: Error) => {
  console.error(`bench:onboarding: ${err.stack ?? err.message}`);
  process.exit(1);
});
