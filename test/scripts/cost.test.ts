/**
 * `npm run cost`: offline monthly estimates from the synthesized JSON. Prices are hand-checked
 * against the shipped table; the fixture's expected figures are computed here from first
 * principles (quantity × unit price), not read back from the estimator.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { costDelta, estimateStack, loadPriceTable, loadUsage, renderDeltaMarkdown, renderDeltaText } from '../../scripts/lib/cost';
import { costDocsInputsFrom, renderCostDocs } from '../../scripts/lib/cost/targets';
import { synthesizedTree } from '../support/synthesized';

const ROOT = path.resolve(__dirname, '..', '..');
const table = loadPriceTable();
const usage = loadUsage(undefined);
let tmp: string;
beforeAll(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cost-test-'))));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const fixture = {
  provider: { aws: [{ region: 'us-east-1' }, { alias: 'eu', region: 'eu-west-1' }] },
  resource: {
    aws_instance: {
      host: { instance_type: 't3.large', root_block_device: [{ volume_size: 20, volume_type: 'gp3' }] },
      host_eu: { provider: 'aws.eu', instance_type: 't3.large' },
    },
    aws_nat_gateway: { nat: { allocation_id: '${aws_eip.nat.id}' } },
    aws_db_instance: { db: { instance_class: 'db.t4g.medium', multi_az: true, allocated_storage: 20 } },
    aws_lambda_function: { fn: { memory_size: 512 } },
    aws_iam_role: { role: {} },
    aws_frobnicator: { thing: {} },
  },
};

describe('estimateStack', () => {
  const estimate = estimateStack('fixture-dev', fixture, table, usage);
  const byAddress = (a: string) => estimate.resources.find((r) => r.address === a);

  test('fixed costs: instance hours and its root volume, in the resource\'s own region', () => {
    expect(byAddress('aws_instance.host')?.monthly_usd).toBeCloseTo(0.0832 * 730 + 20 * 0.08, 2); // 62.34
    expect(byAddress('aws_instance.host_eu')).toMatchObject({ region: 'eu-west-1' });
    expect(byAddress('aws_instance.host_eu')?.monthly_usd).toBeCloseTo(0.0912 * 730 + 8 * 0.088, 2); // 67.28
  });

  test('Multi-AZ RDS doubles instance hours and storage', () => {
    const db = byAddress('aws_db_instance.db');
    expect(db?.monthly_usd).toBeCloseTo(0.065 * 2 * 730 + 20 * 0.115 * 2, 2); // 99.50
    expect(db?.lines.map((l) => l.unit)).toEqual(['hour', 'GB-month']);
  });

  test('a Multi-AZ DB cluster: three instances, cluster storage and its provisioned IOPS', () => {
    const cluster = { provider: { aws: [{ region: 'us-east-1' }] }, resource: { aws_rds_cluster: { db: { engine: 'postgres', db_cluster_instance_class: 'db.m6gd.large', storage_type: 'io1', allocated_storage: 100, iops: 1000 } } } };
    const db = estimateStack('cluster-dev', cluster, table, usage).resources.find((r) => r.address === 'aws_rds_cluster.db');
    expect(db?.monthly_usd).toBeCloseTo(0.1745 * 3 * 730 + 100 * 0.25 + 1000 * 0.2, 2); // 607.16
    expect(db?.lines.map((l) => l.unit)).toEqual(['hour', 'GB-month', 'IOPS-month']);
  });

  test('usage-based lines show quantity, unit price and the assumption', () => {
    const nat = byAddress('aws_nat_gateway.nat');
    expect(nat?.monthly_usd).toBeCloseTo(0.045 * 730 + 50 * 0.045, 2); // 35.10
    expect(nat?.lines[1]).toMatchObject({ quantity: 50, unit: 'GB', unit_usd: 0.045 });
    expect(nat?.lines[1].what).toContain('assumed 50');
    const fn = byAddress('aws_lambda_function.fn');
    expect(fn?.monthly_usd).toBeCloseTo(1e6 * 0.0000002 + 1e6 * 0.2 * 0.5 * 0.0000166667, 2); // 1.87
  });

  test('unpriced types are listed as such and not counted; free types cost nothing', () => {
    expect(byAddress('aws_frobnicator.thing')).toMatchObject({ priced: false, monthly_usd: 0, reason: expect.stringContaining('aws_frobnicator') });
    expect(byAddress('aws_iam_role.role')).toMatchObject({ priced: true, monthly_usd: 0 });
    const sum = estimate.resources.reduce((n, r) => n + r.monthly_usd, 0);
    expect(estimate.monthly_usd).toBeCloseTo(sum, 2);
    expect(estimate.monthly_usd).toBeCloseTo(62.336 + 67.28 + 99.5 + 35.1 + 1.8667, 1);
  });

  test('a usage file overrides a figure per address; a bad one names file and field', () => {
    const dir = path.join(tmp, 'usage');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'dev.json'), JSON.stringify({ byAddress: { 'aws_lambda_function.fn': { requestsPerMonth: 10_000_000 } } }));
    const own = estimateStack('fixture-dev', fixture, table, loadUsage('dev', { dir }));
    expect(own.resources.find((r) => r.address === 'aws_lambda_function.fn')?.monthly_usd).toBeCloseTo(10 * (0.2 + 1.66667), 1);
    fs.writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ byType: { aws_lambda_function: { requestsPerMonht: 1 } } }));
    expect(() => loadUsage('bad', { dir })).toThrow(/bad\.json: field "byType\.aws_lambda_function\.requestsPerMonht": aws_lambda_function has no usage figure/);
    fs.writeFileSync(path.join(dir, 'broken.json'), '{ nope');
    expect(() => loadUsage('broken', { dir })).toThrow(/broken\.json: cannot read the usage file/);
  });

  test('a region the table does not cover is an error, not a zero', () => {
    const far = { ...fixture, provider: { aws: [{ region: 'sa-east-1' }] }, resource: { aws_instance: fixture.resource.aws_instance } };
    expect(() => estimateStack('far', { ...far, resource: { aws_eip: { ip: {} } } }, table, usage)).toThrow(/no prices for region sa-east-1/);
  });
});

describe('real stacks', () => {
  // One synthesis of the ladder and the environments serves every test below.
  let inputs: ReturnType<typeof costDocsInputsFrom>;
  beforeAll(() => (inputs = costDocsInputsFrom(synthesizedTree(), table)));

  test('promotion 11 → 12 prices the new managed services and shows the movers', () => {
    const at = (stage: string) => [inputs.ladder.find((l) => l.stage === stage)!.estimate];
    const before = at('11-rate-limiting');
    const after = at('12-high-availability');
    const [delta] = costDelta(before, after);
    expect(delta.stack).toBe('classifyhub-dev');
    expect(delta.delta_usd).toBeGreaterThan(200);
    expect(delta.movers.length).toBeGreaterThan(0);
    expect(delta.movers.every((m) => m.delta_usd !== 0)).toBe(true);
    expect(renderDeltaText([delta])).toMatch(/^classifyhub-dev: \$[\d,.]+ → \$[\d,.]+ a month \(\+\$/);
    expect(renderDeltaMarkdown([delta])).toContain('| classifyhub-dev |');
    // every resource type of the ladder's top stage is priced or known to be free
    expect(after[0].resources.filter((r) => !r.priced)).toEqual([]);
  });

  test('docs/costs.md is generated from the command and up to date', () => {
    const current = fs.readFileSync(path.join(ROOT, 'docs', 'costs.md'), 'utf8');
    expect(renderCostDocs(table, inputs)).toBe(current);
  });

  test('npm run cost -- <stage> --json prints the documented shape and nothing else on stdout', () => {
    const run = spawnSync(process.execPath, [require.resolve('tsx/cli'), 'scripts/cost.ts', '09-cdn', '--json'], { cwd: ROOT, encoding: 'utf8' });
    expect(run.status).toBe(0);
    const out = JSON.parse(run.stdout) as { stacks: { stack: string; region: string; monthly_usd: number; resources: { address: string; type: string; monthly_usd: number; priced: boolean; lines: object[] }[] }[] };
    expect(out.stacks).toHaveLength(1);
    expect(out.stacks[0]).toMatchObject({ stack: 'classifyhub-dev', region: 'us-east-1', stage: '09-cdn' });
    const line = out.stacks[0].resources.find((r) => r.type === 'aws_instance')?.lines[0];
    expect(Object.keys(line ?? {}).sort()).toEqual(['monthly_usd', 'quantity', 'unit', 'unit_usd', 'what']);
    const bad = spawnSync(process.execPath, [require.resolve('tsx/cli'), 'scripts/cost.ts', 'nowhere'], { cwd: ROOT, encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('unknown target "nowhere"');
    // Checked against the environment files before any synth: the stacks they declare are listed.
    expect(bad.stderr).toMatch(/or a stack \(classifyhub-dev, classifyhub-prod, .*webhooks-staging\)/);
  });
});

describe('pricing refresh from offer files', () => {
  const offer = (usd: string, extra: Record<string, { productFamily?: string; attributes: Record<string, string> }> = {}) => ({
    products: {
      SKU1: { productFamily: 'Compute Instance', attributes: { regionCode: 'us-east-1', instanceType: 't3.large', operatingSystem: 'Linux', tenancy: 'Shared', preInstalledSw: 'NA', capacitystatus: 'Used' } },
      SKU2: { productFamily: 'Compute Instance', attributes: { regionCode: 'us-east-1', instanceType: 't3.large', operatingSystem: 'Windows', tenancy: 'Shared', preInstalledSw: 'NA', capacitystatus: 'Used' } },
      ...extra,
    },
    terms: {
      OnDemand: {
        SKU1: { 'SKU1.T': { priceDimensions: { 'SKU1.T.D': { unit: 'Hrs', beginRange: '0', pricePerUnit: { USD: usd } } } } },
        SKU2: { 'SKU2.T': { priceDimensions: { 'SKU2.T.D': { unit: 'Hrs', beginRange: '0', pricePerUnit: { USD: '0.1108' } } } } },
        SKU3: { 'SKU3.T': { priceDimensions: { 'SKU3.T.D': { unit: 'Hrs', beginRange: '0', pricePerUnit: { USD: '0.1' } } } } },
      },
    },
  });
  const small = { ...table, regions: ['us-east-1'], prices: { 'ec2.instance:t3.large': { ...table.prices['ec2.instance:t3.large'], usd: { 'us-east-1': 0.0832 } }, 'ec2.public_ipv4': table.prices['ec2.public_ipv4'] } };

  test('exactly one matching on-demand product updates the figure; others are kept and listed', async () => {
    const { refreshTable } = await import('../../scripts/lib/cost/refresh');
    const result = await refreshTable(small, async (service) => (service === 'AmazonEC2' ? offer('0.0900') : Promise.reject(new Error('HTTP 404'))), '2027-01-01');
    expect(result.table.version).toBe('2027-01-01');
    expect(result.table.prices['ec2.instance:t3.large'].usd['us-east-1']).toBe(0.09);
    expect(result.changed).toEqual([{ key: 'ec2.instance:t3.large', region: 'us-east-1', from: 0.0832, to: 0.09 }]);
    expect(result.skipped).toEqual([{ key: 'ec2.public_ipv4', region: 'us-east-1', reason: 'offer AmazonVPC/us-east-1 unavailable: HTTP 404' }]);
  });

  test('an ambiguous match keeps the old figure', async () => {
    const { refreshTable } = await import('../../scripts/lib/cost/refresh');
    const twin = { SKU3: { productFamily: 'Compute Instance', attributes: { regionCode: 'us-east-1', instanceType: 't3.large', operatingSystem: 'Linux', tenancy: 'Shared', preInstalledSw: 'NA', capacitystatus: 'Used' } } };
    const result = await refreshTable(small, async () => offer('0.0900', twin), '2027-01-01');
    expect(result.table.prices['ec2.instance:t3.large'].usd['us-east-1']).toBe(0.0832);
    expect(result.skipped[0]).toEqual({ key: 'ec2.instance:t3.large', region: 'us-east-1', reason: '2 matching on-demand products in AmazonEC2/us-east-1' });
  });
});
