/**
 * Local mode (`npm run local:onboarding -- --demo`), in-process: real PostgreSQL, dynalite and s3rver,
 * the real handlers wired as AWS wires them (stand-ins for the S3 event, the DynamoDB stream, SQS, SNS).
 */
import { Pool } from 'pg';
import { DEMO_CSV, runDemo } from '../../../lambdas/onboarding/local/demo';
import { parseArgs } from '../../../lambdas/onboarding/local/main';
import { startLocalOnboarding, type LocalOnboarding } from '../../../lambdas/onboarding/local/system';

let system: LocalOnboarding;
const QUIET = { POWERTOOLS_LOG_LEVEL: 'ERROR', POWERTOOLS_METRICS_DISABLED: 'true' } as const;
const saved = Object.fromEntries(Object.keys(QUIET).map((k) => [k, process.env[k]]));

beforeAll(async () => {
  Object.assign(process.env, QUIET);
  system = await startLocalOnboarding();
});
afterAll(async () => {
  await system?.stop();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe('local:onboarding', () => {
  test('the catalog is applied by the real catalog-migrator: 3 migrations, the categories, the demo vendor', () => {
    expect(system.catalog.migrations_applied).toEqual(['001_catalog_schema.sql', '002_seed_categories.sql', '003_exactly_once.sql']);
    expect(system.catalog.vendors_changed).toBe(1);
    expect(system.uploadUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/upload-url$/);
  });

  test('--demo: upload-url → PUT → parser → validator → error processor; final state, notification, report through the link', async () => {
    const r = await runDemo(system);
    expect(r.key).toBe(`uploads/VEND001/${r.file}`);
    expect(r.state).toMatchObject({
      vendor_id: 'VEND001',
      s3_key: r.key,
      status: 'partial',
      total_records: 8,
      valid_records: 5,
      error_records: 3,
      error_file_s3_key: `errors/VEND001/${r.state.upload_id}_errors.csv`,
      failure_reason: null,
      notified: true,
    });
    expect(r.notification?.subject).toBe('Upload Complete (62.5%)');
    expect(r.notification?.message).toContain(`Upload ID: ${r.state.upload_id}\nVendor: VEND001\nFile: ${r.file}\nTotal: 8\nValid: 5 (62.5%)\nInvalid: 3 (37.5%)\nStatus: PARTIAL\n`);
    expect(r.reportLink?.startsWith(`${system.reportLink}/errors/VEND001/${r.state.upload_id}_errors.csv?t=`)).toBe(true);
    expect(r.reportLinkStatus).toBe(302);
    expect(r.report?.split('\r\n').filter(Boolean)).toEqual([
      'Row,Line,Vendor Product ID,SKU,Error Type,Field,Message',
      '3,4,PROD000003,DEMO-SKU-000003,INVALID_PRICE,price,"price must be >= 0.01, got -10.00"',
      "5,6,PROD000005,DEMO-SKU-000005,INVALID_CATEGORY,category,category 'Weapons' is not an active category",
      "7,8,PROD000007,DEMO-SKU-000006,DUPLICATE_SKU,sku,SKU 'DEMO-SKU-000006' also appears in row 6 of this file",
    ]);
    const pool = new Pool({ connectionString: system.postgresUrl, max: 1 });
    try {
      const products = await pool.query<{ sku: string }>('SELECT sku FROM products WHERE upload_id = $1 ORDER BY sku', [r.state.upload_id]);
      expect(products.rows.map((p) => p.sku)).toEqual(['DEMO-SKU-000001', 'DEMO-SKU-000002', 'DEMO-SKU-000004', 'DEMO-SKU-000006', 'DEMO-SKU-000008']);
    } finally {
      await pool.end();
    }
    expect(system.notifications.filter((n) => n.Message?.includes(r.state.upload_id))).toHaveLength(1);
  });

  test('the HTTP functions refuse what AWS would: a bad vendor token (401), a tampered report link (403)', async () => {
    const bad = await fetch(system.uploadUrl, { method: 'POST', headers: { authorization: `Bearer ${system.vendorToken}x` }, body: JSON.stringify({ file_name: 'a.csv' }) });
    expect(bad.status).toBe(401);
    const other = await fetch(system.uploadUrl, { method: 'POST', headers: { authorization: `Bearer ${system.vendorToken}` }, body: JSON.stringify({ file_name: 'a.csv', vendor_id: 'VEND002' }) });
    expect(other.status).toBe(403);
    const link = system.notifications[0]?.Message?.match(/Download Errors: (\S+)/)?.[1];
    expect(link).toBeDefined();
    const tampered = await fetch(link!.replace('/errors/VEND001/', '/errors/VEND002/'), { redirect: 'manual' });
    expect(tampered.status).toBe(403);
    expect(await tampered.json()).toEqual({ error: 'the token was issued for another report' });
  });

  test('a second upload of the same rows is a new upload: its SKUs now clash with the catalog', async () => {
    const r = await runDemo(system, DEMO_CSV);
    expect(r.state.upload_id).not.toBe(system.notifications[0]?.Message?.match(/Upload ID: (\S+)/)?.[1]);
    expect(r.state).toMatchObject({ status: 'failed', total_records: 8, valid_records: 0, error_records: 8, failure_reason: 'none of the 8 rows passed validation', notified: true });
    expect(r.notification?.subject).toBe('Upload Failed (0%)');
    expect(r.report).toContain("1,2,PROD000001,DEMO-SKU-000001,DUPLICATE_SKU; DUPLICATE_VENDOR_PRODUCT_ID,sku; vendor_product_id,SKU 'DEMO-SKU-000001' already exists in the catalog;");
  });

  test('options: --port and --demo; anything else is refused with the value received', () => {
    expect(parseArgs(['--port', '8080', '--demo'])).toEqual({ port: 8080, demo: true });
    expect(() => parseArgs(['--port', 'x'])).toThrow('--port: received "x"; expected a port number 0-65535');
    expect(() => parseArgs(['--verbose'])).toThrow('unknown option "--verbose"');
  });
});
