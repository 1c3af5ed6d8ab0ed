/**
 * `npm run bench:onboarding [-- --rows 1000,100000,1000000 --bad-every 20]`
 *
 * The onboarding pipeline's stages, measured apart on local servers (throwaway PostgreSQL 15,
 * dynalite in its own process, s3rver), for each size (default 1k, 100k and 1M rows of the seed's
 * example file, every 20th row bad):
 *
 *  - parser: csv-parser's processUpload in a child process capped at the function's memory
 *    (--max-old-space-size = memorySizeMiB): S3 → two streaming passes → duplicate keys in
 *    PostgreSQL → DynamoDB (dynalite). Peak RSS is the child's maxRSS.
 *  - validator: the validator's SQL path (decideInDatabase: rules 1–4 in code, then one
 *    transaction per stream batch: COPY into a staging table, one lookup join, INSERT … SELECT)
 *    on real PostgreSQL, apart from the DynamoDB emulator and the queue, so the figure is the
 *    validator's own; also per CPU-second (this process + its PostgreSQL backend, from /proc),
 *    which a loaded machine inflates far less than the wall clock. The staged records are
 *    rebuilt from the same file with the parser's duplicate marks (not timed).
 *  - report: the error processor's streamed report (cursor → CSV → multipart upload) of an
 *    upload whose EVERY row is an error (the worst case: `rows` report lines), in a child process
 *    capped at the error processor's memory.
 *
 * Beside it, in the same run, the naive baseline: the parser as the seed draws it (whole file in
 * memory, sequential batches), the per-row validator (one query per rule per row), capped at
 * 20k and 2k rows (they are O(rows) round trips), and the report built whole in memory.
 * Prints a table, writes bench/results/onboarding.json, and states the machine's load.
 *
 * `--stages validator` (or `parser,validator`) runs only those stages for a quick look at one of
 * them (the validator alone gets the upload row the parser would have written); such a run prints
 * each stage's figure and writes no results.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { Upload } from '@aws-sdk/lib-storage';
import type { Pool } from 'pg';
import { duplicateMarks } from '../../lambdas/onboarding/csv-parser/core';
import { readProductCsv, type CsvRow } from '../../lambdas/onboarding/csv-parser/parse';
import { decideInDatabase } from '../../lambdas/onboarding/product-validator/core';
import { recordIdFor, type StagedRecord } from '../../lambdas/onboarding/shared/staging';
import { ONBOARDING_SETTINGS } from '../../systems/onboarding/settings';
import { addVendor, BUCKET, FakeMessaging, freshCatalog, HEADER, readStaged, seedExampleRows, startServers, type OnboardingServers, type Tables } from '../../test/support/onboarding';
import { naiveValidate } from './naive';
import type { StageArgs, StageResult } from './stage';

process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '..', '..');
/** `--out <file>` writes the results elsewhere (e.g. a partial run that must not replace the committed file). */
const RESULTS = resolve(process.argv.includes('--out') ? process.argv[process.argv.indexOf('--out') + 1]! : join(ROOT, 'bench', 'results', 'onboarding.json'));
const NAIVE_PARSER_MAX_ROWS = 20_000;
const NAIVE_VALIDATOR_MAX_ROWS = 2_000;
const CHUNK = 1000;

export interface OnboardingBenchResult {
  rows: number;
  parser_rows_per_s: number;
  validator_rows_per_s: number;
  /** Rows per second of CPU time (validator process + its PostgreSQL backend): what an idle machine approaches. */
  validator_cpu_rows_per_s: number | null;
  parser_peak_rss_mb: number;
  report_peak_rss_mb: number;
  report_rows_per_s: number;
  validator_batch: number;
  parser_dynamodb: 'dynalite' | 'sink';
  naive_rows: { parser: number; validator: number; report: number };
  naive_parser_rows_per_s: number;
  naive_validator_rows_per_s: number;
  naive_parser_peak_rss_mb: number;
  naive_report_peak_rss_mb: number;
  load_avg_1m_before: number;
  load_avg_1m_after: number;
  /** Wall time of the whole size (file, every stage, the baseline), seconds. */
  size_wall_s: number;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

/** Uploads a generated seed-example file without holding it (multipart from a generator). */
async function putGenerated(servers: OnboardingServers, key: string, rows: number, badEvery: number): Promise<void> {
  async function* body(): AsyncGenerator<string> {
    yield `${HEADER}\r\n`;
    let buf = '';
    for (const line of seedExampleRows('VEND001', rows, { badEvery })) {
      buf += `${line}\r\n`;
      if (buf.length > 1 << 20) {
        yield buf;
        buf = '';
      }
    }
    if (buf) yield buf;
  }
  await new Upload({ client: servers.s3, params: { Bucket: BUCKET, Key: key, Body: Readable.from(body(), { objectMode: false }) } }).done();
}

async function stage(args: StageArgs, maxHeapMiB?: number): Promise<StageResult> {
  const node = [...(maxHeapMiB ? [`--max-old-space-size=${maxHeapMiB}`] : []), '--import', 'tsx', join(__dirname, 'stage.ts'), JSON.stringify(args)];
  const { stdout } = await run(process.execPath, node, { cwd: ROOT, maxBuffer: 1 << 20, env: { ...process.env } });
  return JSON.parse(stdout.trim().split('\n').pop()!) as StageResult;
}

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ). */
const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU time (user + system, ms) of a process from /proc, or undefined where there is no /proc. */
function processCpuMs(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
  } catch {
    return undefined;
  }
}

/**
 * The validator's SQL path over the whole file, in stream batches; only decideInDatabase is timed.
 * It runs on a connection of its own, so its PostgreSQL backend's CPU time can be read from /proc:
 * `cpuMs` = this process's CPU + that backend's CPU during the timed calls, a figure the load of a
 * shared machine inflates far less than the wall clock (it does not count time spent waiting for a core).
 */
async function validatorStage(
  pool: Pool,
  databaseUrl: string,
  uploadId: string,
  rows: number,
  badEvery: number,
  batch: number,
): Promise<{ ms: number; cpuMs: number | undefined; valid: number; errors: number }> {
  const { Pool: PgPool } = await import('pg');
  const own = new PgPool({ connectionString: databaseUrl, max: 1, idleTimeoutMillis: 0 });
  const backend = (await own.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  let ms = 0;
  let cpuMs: number | undefined = 0;
  let chunk: CsvRow[] = [];
  const flush = async () => {
    const marks = await duplicateMarks(pool, uploadId, chunk);
    const records: StagedRecord[] = chunk.map((r) => ({
      upload_id: uploadId,
      record_id: recordIdFor(r.rowNumber),
      vendor_id: 'VEND001',
      row_number: r.rowNumber,
      line_number: r.line,
      status: 'pending_validation',
      product_data: r.values,
      ...(marks.sku.has(r.rowNumber) ? { duplicate_sku_of_row: marks.sku.get(r.rowNumber)! } : {}),
      ...(marks.vpid.has(r.rowNumber) ? { duplicate_vendor_product_id_of_row: marks.vpid.get(r.rowNumber)! } : {}),
      created_at: '2024-12-21T10:30:45.000Z',
      expires_at: 0,
    }));
    for (let i = 0; i < records.length; i += batch) {
      const slice = records.slice(i, i + batch);
      const pg0 = processCpuMs(backend);
      const cpu0 = process.cpuUsage();
      const t = performance.now();
      await decideInDatabase(own, slice, new Date());
      ms += performance.now() - t;
      const cpu = process.cpuUsage(cpu0);
      const pg1 = processCpuMs(backend);
      cpuMs = cpuMs === undefined || pg0 === undefined || pg1 === undefined ? undefined : cpuMs + (cpu.user + cpu.system) / 1000 + (pg1 - pg0);
    }
    chunk = [];
  };
  function* text(): Generator<Buffer> {
    yield Buffer.from(`${HEADER}\r\n`);
    for (const line of seedExampleRows('VEND001', rows, { badEvery })) yield Buffer.from(`${line}\r\n`);
  }
  const reader = readProductCsv(Readable.from(text()));
  for (;;) {
    const next = await reader.next();
    if (next.done) break;
    chunk.push(next.value);
    if (chunk.length >= CHUNK) await flush();
  }
  if (chunk.length > 0) await flush();
  await own.end();
  const h = (await pool.query<{ valid_records: number; error_records: number; status: string }>('SELECT valid_records, error_records, status FROM upload_history WHERE upload_id = $1', [uploadId])).rows[0]!;
  if (h.valid_records + h.error_records !== rows || h.status === 'processing') throw new Error(`validator: upload not closed: ${JSON.stringify(h)}`);
  return { ms, cpuMs, valid: h.valid_records, errors: h.error_records };
}

/** An upload whose every row is an error (the report's worst case); not timed. */
async function syntheticErrors(pool: Pool, uploadId: string, rows: number): Promise<void> {
  await pool.query(
    "INSERT INTO upload_history (upload_id, vendor_id, file_name, total_records, error_records, status, failure_reason) VALUES ($1, 'VEND001', 'all-bad.csv', $2, $2, 'failed', 'none of the rows passed validation')",
    [uploadId, rows],
  );
  await pool.query(
    `INSERT INTO validation_errors (upload_id, vendor_id, record_id, row_number, line_number, vendor_product_id, error_type, error_field, error_message, original_data)
     SELECT $1, 'VEND001', 'REC_' || lpad(g::text, greatest(5, length(g::text)), '0'), g, g + 1, 'PROD' || lpad(g::text, greatest(6, length(g::text)), '0'),
            'INVALID_PRICE', 'price', 'price must be >= 0.01, got -10.00', jsonb_build_object('sku', 'VEND001-SKU-' || lpad(g::text, greatest(6, length(g::text)), '0'))
       FROM generate_series(1, $2::int) g`,
    [uploadId, rows],
  );
}

async function naiveValidatorStage(servers: OnboardingServers, pool: Pool, tables: Tables, uploadId: string): Promise<number> {
  const staged = await readStaged(servers.doc, tables.uploadTable, uploadId);
  const messaging = new FakeMessaging();
  const deps = { db: pool, s3: servers.s3, doc: servers.doc, sqs: messaging.sqs, uploadTable: tables.uploadTable, queueUrl: 'https://sqs.local/q' };
  const t = performance.now();
  for (let i = 0; i < staged.length; i += 100) await naiveValidate(deps, staged.slice(i, i + 100));
  return performance.now() - t;
}

/** Frees the disk of a finished size (1M rows are a few GB in PostgreSQL). */
async function dropDatabase(servers: OnboardingServers, name: string): Promise<void> {
  const { Client } = await import('pg');
  const client = new Client({ connectionString: servers.pg.url('postgres') });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

const perS = (rows: number, ms: number) => Math.round((rows / ms) * 1000);
const mb = (x: number) => Math.round(x * 10) / 10;

function table(results: OnboardingBenchResult[]): string {
  const header = ['rows', 'parser rows/s', 'naive parser rows/s', 'validator rows/s', 'validator rows/CPU-s', 'naive validator rows/s', 'parser peak RSS MB', 'naive parser RSS MB', 'report rows/s', 'report peak RSS MB', 'naive report RSS MB'];
  const lines = results.map((r) => [
    r.rows.toLocaleString('en-US'),
    r.parser_rows_per_s.toLocaleString('en-US'),
    `${r.naive_parser_rows_per_s.toLocaleString('en-US')} (${r.naive_rows.parser.toLocaleString('en-US')})`,
    r.validator_rows_per_s.toLocaleString('en-US'),
    r.validator_cpu_rows_per_s === null ? '?' : r.validator_cpu_rows_per_s.toLocaleString('en-US'),
    `${r.naive_validator_rows_per_s.toLocaleString('en-US')} (${r.naive_rows.validator.toLocaleString('en-US')})`,
    String(r.parser_peak_rss_mb),
    String(r.naive_parser_peak_rss_mb),
    r.report_rows_per_s.toLocaleString('en-US'),
    String(r.report_peak_rss_mb),
    String(r.naive_report_peak_rss_mb),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(widths[i]!)).join(' | ')} |`;
  return [fmt(header), `|${widths.map((w) => `${'-'.repeat(w + 1)}:`).join('|')}|`, ...lines.map(fmt)].join('\n');
}

async function main(): Promise<void> {
  const stageList = arg('stages', 'parser,validator,report').split(',').map((s) => s.trim());
  const stages = new Set(stageList);
  if (!stages.has('validator') || stageList.some((s) => !['parser', 'validator', 'report'].includes(s)) || (stages.has('report') && !stages.has('parser'))) {
    throw new Error(`--stages must list validator, optionally parser, and report only with parser (all three: the full run that writes the results), got ${arg('stages', '')}`);
  }
  const sizes = arg('rows', '1000,100000,1000000').split(',').map((s) => Number(s.trim().replace(/_/g, '')));
  const badEvery = Number(arg('bad-every', '20'));
  const validatorBatch = Number(arg('validator-batch', String(ONBOARDING_SETTINGS.stream.batchSize)));
  const dynamo = arg('parser-dynamodb', 'sink') as 'dynalite' | 'sink';
  if (!['dynalite', 'sink'].includes(dynamo) || !Number.isInteger(validatorBatch) || validatorBatch < 1 || validatorBatch > 10_000) {
    throw new Error(`--parser-dynamodb must be dynalite or sink and --validator-batch 1-10000, got ${dynamo} and ${arg('validator-batch', '')}`);
  }
  if (sizes.some((n) => !Number.isInteger(n) || n < 1) || !Number.isInteger(badEvery) || badEvery < 2) {
    throw new Error(`--rows must be positive integers and --bad-every an integer ≥ 2, got --rows ${arg('rows', '')} --bad-every ${arg('bad-every', '')}`);
  }
  const parserMiB = ONBOARDING_SETTINGS.functions['csv-parser'].memorySizeMiB;
  const reportMiB = ONBOARDING_SETTINGS.functions['error-processor'].memorySizeMiB;
  console.log(
    `machine: ${cpus().length} CPUs, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} (1/5/15 min)\n` +
      `starting PostgreSQL, dynalite (own process) and s3rver…`,
  );
  const runStart = performance.now();
  const servers = await startServers({ dynamoProcess: true });
  const results: OnboardingBenchResult[] = [];
  try {
    for (const rows of sizes) {
      const loadBefore = loadavg()[0]!;
      const sizeStart = performance.now();
      const { pool, tables } = await freshCatalog(servers, `bench_${rows}`);
      try {
        await addVendor(pool, 'VEND001');
        const key = `uploads/VEND001/bench_${rows}.csv`;
        process.stdout.write(`${rows.toLocaleString('en-US')} rows: `);
        if (stages.has('parser')) {
          process.stdout.write('file… ');
          await putGenerated(servers, key, rows, badEvery);
        }
        const common = { databaseUrl: servers.pg.url(`bench_${rows}`), dynamoEndpoint: servers.dynamo.endpoint, s3Endpoint: servers.s3server.endpoint, bucket: BUCKET, table: tables.uploadTable };

        let parser: StageResult;
        if (stages.has('parser')) {
          process.stdout.write('parser… ');
          parser = await stage({ ...common, dynamo, stage: 'parser', key, rows }, parserMiB);
          process.stdout.write(`(${perS(rows, parser.ms)} rows/s, ${mb(parser.peak_rss_mb)} MB) `);
        } else {
          // Validator only: the upload row the parser would have written (not timed).
          parser = { stage: 'parser', rows, ms: NaN, peak_rss_mb: NaN, upload_id: `UPLOAD_BENCH_${rows}` };
          await pool.query(
            "INSERT INTO upload_history (upload_id, vendor_id, file_name, total_records, status, processing_started_at) VALUES ($1, 'VEND001', $2, $3, 'processing', now())",
            [parser.upload_id, `bench_${rows}.csv`, rows],
          );
        }
        process.stdout.write('validator… ');
        const validator = await validatorStage(pool, common.databaseUrl, parser.upload_id!, rows, badEvery, validatorBatch);
        process.stdout.write(`(${perS(rows, validator.ms)} rows/s, ${validator.cpuMs === undefined ? '?' : perS(rows, validator.cpuMs)} rows per CPU-s) `);
        if (!stages.has('report')) {
          console.log(`done (validator ${(validator.ms / 1000).toFixed(1)} s: ${validator.valid} valid, ${validator.errors} errors; --stages ${[...stages].join(',')}: nothing written)`);
          continue;
        }
        process.stdout.write('report… ');
        await syntheticErrors(pool, 'UPLOAD_BENCH_REPORT', rows);
        const report = await stage({ ...common, dynamo, stage: 'report', key: `errors/VEND001/bench_${rows}_errors.csv`, uploadId: 'UPLOAD_BENCH_REPORT', rows }, reportMiB);

        process.stdout.write('naive… ');
        const naiveParserRows = Math.min(rows, NAIVE_PARSER_MAX_ROWS);
        const naiveKey = `uploads/VEND001/naive_${naiveParserRows}.csv`;
        await putGenerated(servers, naiveKey, naiveParserRows, badEvery);
        const naiveParser = await stage({ ...common, dynamo, stage: 'parser-naive', key: naiveKey, rows: naiveParserRows });
        // The per-row validator on the first rows of the naive upload, in a catalog of its own.
        const naiveCatalog = await freshCatalog(servers, `bench_naive_${rows}`);
        let naiveValidatorMs: number;
        const naiveValidatorRows = Math.min(rows, NAIVE_VALIDATOR_MAX_ROWS);
        try {
          await addVendor(naiveCatalog.pool, 'VEND001');
          const smallKey = `uploads/VEND001/naive_v_${naiveValidatorRows}.csv`;
          await putGenerated(servers, smallKey, naiveValidatorRows, badEvery);
          const staged = await stage({ ...common, databaseUrl: servers.pg.url(`bench_naive_${rows}`), table: naiveCatalog.tables.uploadTable, dynamo: 'dynalite', stage: 'parser-naive', key: smallKey, rows: naiveValidatorRows });
          naiveValidatorMs = await naiveValidatorStage(servers, naiveCatalog.pool, naiveCatalog.tables, staged.upload_id!);
        } finally {
          await naiveCatalog.pool.end();
        }
        const naiveReport = await stage({ ...common, dynamo, stage: 'report-naive', key: `errors/VEND001/naive_${rows}_errors.csv`, uploadId: 'UPLOAD_BENCH_REPORT', rows });
        console.log(
          `done (parser ${(parser.ms / 1000).toFixed(1)} s, validator ${(validator.ms / 1000).toFixed(1)} s: ${validator.valid} valid, ${validator.errors} errors; report ${(report.ms / 1000).toFixed(1)} s)`,
        );

        results.push({
          rows,
          parser_rows_per_s: perS(rows, parser.ms),
          validator_rows_per_s: perS(rows, validator.ms),
          validator_cpu_rows_per_s: validator.cpuMs === undefined ? null : perS(rows, validator.cpuMs),
          parser_peak_rss_mb: mb(parser.peak_rss_mb),
          report_peak_rss_mb: mb(report.peak_rss_mb),
          report_rows_per_s: perS(rows, report.ms),
          validator_batch: validatorBatch,
          parser_dynamodb: dynamo,
          naive_rows: { parser: naiveParserRows, validator: naiveValidatorRows, report: rows },
          naive_parser_rows_per_s: perS(naiveParserRows, naiveParser.ms),
          naive_validator_rows_per_s: perS(naiveValidatorRows, naiveValidatorMs),
          naive_parser_peak_rss_mb: mb(naiveParser.peak_rss_mb),
          naive_report_peak_rss_mb: mb(naiveReport.peak_rss_mb),
          load_avg_1m_before: Math.round(loadBefore * 100) / 100,
          load_avg_1m_after: Math.round(loadavg()[0]! * 100) / 100,
          size_wall_s: Math.round((performance.now() - sizeStart) / 1000),
        });
        // Written after every size, so a long run keeps what it measured.
        mkdirSync(dirname(RESULTS), { recursive: true });
        writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
      } finally {
        await pool.end();
        await dropDatabase(servers, `bench_${rows}`);
        await dropDatabase(servers, `bench_naive_${rows}`);
      }
    }
  } finally {
    await servers.stop();
  }
  if (!stages.has('report')) return;
  console.log(`\n${table(results)}\n`);
  console.log(
    `Naive columns: rows/s (rows measured). Parser and report run in child processes capped at the functions' memory ` +
      `(--max-old-space-size ${parserMiB} / ${reportMiB} MiB); RSS includes Node and tsx. Validator rows/CPU-s: rows per second of CPU time ` +
      `(this process + its PostgreSQL backend). Load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ` +
      `whole run ${Math.round((performance.now() - runStart) / 1000)} s (per size: ${results.map((r) => `${r.rows.toLocaleString('en-US')}: ${r.size_wall_s} s`).join(', ')}).`,
  );
  mkdirSync(dirname(RESULTS), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`wrote ${relative(ROOT, RESULTS)}`);
}

main().catch((err: Error) => {
  console.error(`bench:onboarding: ${err.stack ?? err.message}`);
  process.exit(1);
});
