/**
 * Query plans that must stay O(chunk) while an upload grows to a million rows (issue 14).
 *
 * The parser's duplicate marks (`duplicateMarks`, also used by the benchmark to rebuild staged
 * records) probe `upload_row_keys` once per key of the chunk. The kinds were sent as text, and
 * `char(1) = text` compares `key_kind::text`, which the primary key (upload_id, key_kind, key_hash)
 * cannot use: each probe then scanned every key of the upload (EXPLAIN: `Index Cond: upload_id = …
 * AND key_hash = i.h`, `Filter: key_kind::text = i.k`, 1,261 buffers per probe at 200,000 keys, one
 * chunk 70 s), or, with fresh statistics, a hash join over all of them. At 1M rows that was the
 * "single statement at 90 % CPU" of the benchmark's validator stage.
 *
 * The statement runs here, through the real function, under auto_explain (plans sent to the client
 * as notices, JSON), and the plan is checked: the probe is an index scan whose condition holds all
 * three key columns, with a handful of buffers per probe. No timing is asserted.
 */
import { Pool } from 'pg';
import { duplicateMarks } from '../../../lambdas/onboarding/csv-parser/core';
import type { CsvRow } from '../../../lambdas/onboarding/csv-parser/parse';
import { migrate } from '../../../lambdas/onboarding/migrations/migrate';
import { startPostgres, type TestPostgres } from '../../support/postgres';

/** Keys per kind already stored for the upload: a scan of its whole range would read ~300 pages. */
const STORED = 20_000;

let pg: TestPostgres;
let url: string;
let pool: Pool;
beforeAll(async () => {
  pg = await startPostgres();
  url = await pg.createDatabase('plans');
  pool = new Pool({ connectionString: url, max: 2 });
  await migrate(pool);
  await pool.query("INSERT INTO vendors (vendor_id, vendor_name, email) VALUES ('VEND001', 'Vendor 1', 'v1@example.com')");
  await pool.query("INSERT INTO upload_history (upload_id, vendor_id, file_name, total_records) VALUES ('UPLOAD_PLANS', 'VEND001', 'x.csv', $1)", [STORED + 100]);
  // What earlier chunks of the same upload left behind (the same digests duplicateMarks stores).
  await pool.query(
    `INSERT INTO upload_row_keys (upload_id, key_kind, key_hash, row_number)
     SELECT 'UPLOAD_PLANS', x.k, decode(md5(convert_to(CASE x.k WHEN 's' THEN 'SKU-' ELSE 'P-' END || g, 'UTF8')), 'hex'), g
       FROM generate_series(1, $1::int) g, (VALUES ('s'), ('v')) AS x(k)`,
    [STORED],
  );
}, 60_000);
afterAll(async () => {
  await pool?.end();
  pg?.stop();
});

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Cond'?: string;
  Filter?: string;
  'Actual Loops'?: number;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PlanNode[];
}

const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];

/** Runs `fn` on a one-connection pool whose every statement's plan (EXPLAIN ANALYZE, BUFFERS, JSON) is collected. */
async function withPlans<T>(fn: (db: Pool) => Promise<T>): Promise<{ result: T; plans: { 'Query Text': string; Plan: PlanNode }[] }> {
  const options = [
    'session_preload_libraries=auto_explain',
    'auto_explain.log_min_duration=0',
    'auto_explain.log_analyze=on',
    'auto_explain.log_buffers=on',
    'auto_explain.log_timing=off',
    'auto_explain.log_format=json',
    'auto_explain.log_level=notice',
    'client_min_messages=notice',
  ];
  const db = new Pool({ connectionString: url, max: 1, options: options.map((o) => `-c ${o}`).join(' ') });
  const plans: { 'Query Text': string; Plan: PlanNode }[] = [];
  db.on('connect', (client) =>
    client.on('notice', (n) => {
      const m = /^duration: [\d.]+ ms\s+plan:\s*([\s\S]*)$/.exec(n.message ?? '');
      if (m) plans.push(JSON.parse(m[1]!) as { 'Query Text': string; Plan: PlanNode });
    }),
  );
  try {
    return { result: await fn(db), plans };
  } finally {
    await db.end();
  }
}

test('duplicate marks: each probe of upload_row_keys is one descent of its primary key, not a scan of the upload', async () => {
  // 100 new rows after the stored ones; row 2 repeats the SKU of stored row 7, row 3 the product ID of stored row 9,
  // row 5 the SKU of row 4 of this chunk.
  const rows: CsvRow[] = Array.from({ length: 100 }, (_, i) => {
    const n = STORED + 1 + i;
    const sku = i === 1 ? 'SKU-7' : i === 4 ? `SKU-${STORED + 4}` : `SKU-${n}`;
    return { rowNumber: n, line: n + 1, values: { sku, vendor_product_id: i === 2 ? 'P-9' : `P-${n}` } };
  });
  const { result: marks, plans } = await withPlans((db) => duplicateMarks(db, 'UPLOAD_PLANS', rows));

  expect([...marks.sku].sort((a, b) => a[0] - b[0])).toEqual([
    [STORED + 2, 7],
    [STORED + 5, STORED + 4],
  ]);
  expect([...marks.vpid]).toEqual([[STORED + 3, 9]]);

  const plan = plans.find((p) => p['Query Text'].includes('upload_row_keys'));
  expect(plan).toBeDefined();
  const probes = nodes(plan!.Plan).filter((n) => n['Relation Name'] === 'upload_row_keys' && n['Node Type'] !== 'ModifyTable');
  expect(probes.map((n) => n['Node Type'])).toEqual([expect.stringMatching(/^Index (Only )?Scan$/)]);
  const probe = probes[0]!;
  expect(probe['Index Cond']).toMatch(/upload_id/);
  expect(probe['Index Cond']).toMatch(/key_kind/);
  expect(probe['Index Cond']).toMatch(/key_hash/);
  expect(probe.Filter).toBeUndefined();
  // 200 probes (100 rows × 2 kinds); a descent reads 3–5 pages, a scan of the upload's range ~300.
  expect(probe['Actual Loops']).toBe(200);
  const buffers = (probe['Shared Hit Blocks'] ?? 0) + (probe['Shared Read Blocks'] ?? 0);
  expect(buffers / probe['Actual Loops']!).toBeLessThan(10);
});
