/**
 * Bad environment input through the real command (`tsx main.ts`, what `npm run synth` runs): each
 * broken file fails with its file, field, value and what is allowed, the exit code is non-zero, and
 * the output folder is left exactly as it was (no stack folder deleted, nothing half-written).
 * Also the region table (environments/lib/regions.ts) against the pinned provider binary, when the
 * mirror is on the machine.
 */
import { spawn } from 'child_process';
import { App } from 'cdktf';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AWS_REGION_TABLE, AWS_REGIONS, regionProblem, zoneProblem } from '../../environments/lib/regions';
import { cidrProblem } from '../../environments/lib/fields';
import { compareRegionTable, providerBinaryIn } from '../../scripts/lib/regions';
import { findProviderMirror } from '../../scripts/lib/terraform';
import { synthInto } from '../../scripts/lib/synth';
import { buildApp } from '../../main';

const ROOT = path.resolve(__dirname, '..', '..');
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-envs-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A cdktf.out as an earlier synth left it (two stack folders with content); returns a fingerprint reader. */
function earlierOutput(name: string): { outdir: string; fingerprint: () => string } {
  const outdir = path.join(dir, name);
  for (const stack of ['classifyhub-dev', 'onboarding-dev']) {
    fs.mkdirSync(path.join(outdir, 'stacks', stack, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(outdir, 'stacks', stack, 'cdk.tf.json'), `{"stack":"${stack}"}`);
    fs.writeFileSync(path.join(outdir, 'stacks', stack, 'assets', 'a.zip'), 'zip');
  }
  fs.writeFileSync(path.join(outdir, 'manifest.json'), '{"version":"0.21.0"}');
  const fingerprint = () => {
    const walk = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [`${path.relative(outdir, path.join(d, e.name))}=${fs.readFileSync(path.join(d, e.name), 'utf8')}`]));
    return walk(outdir).sort().join('\n');
  };
  return { outdir, fingerprint };
}

/** Runs main.ts with the given environments folder and output folder. */
function synth(envDir: string, outdir: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [require.resolve('tsx/cli'), path.join(ROOT, 'main.ts')], {
      cwd: dir,
      env: { ...process.env, CLASSIFYHUB_ENVIRONMENTS_DIR: envDir, CDKTF_OUTDIR: outdir },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** A copy of environments/dev.ts named `<name>.ts` with text replaced. */
function brokenCopy(envDir: string, name: string, edits: Array<[string, string]>): void {
  let text = fs.readFileSync(path.join(ROOT, 'environments', 'dev.ts'), 'utf8').replace("name: 'dev'", `name: '${name}'`);
  for (const [from, to] of edits) {
    expect(text).toContain(from);
    text = text.split(from).join(to);
  }
  fs.writeFileSync(path.join(envDir, `${name}.ts`), text);
}

describe('broken environment files fail cleanly through the real command', () => {
  test('every broken file is named with its field, value and what is allowed; exit 1; output untouched', async () => {
    const envDir = path.join(dir, 'broken');
    fs.mkdirSync(envDir);
    brokenCopy(envDir, 'region-typo', [["region: 'us-east-1'", "region: 'us-eats-1'"], ["'us-east-1a', 'us-east-1b'", "'us-eats-1a', 'us-eats-1b'"]]);
    brokenCopy(envDir, 'host-bits', [["cidr: '10.10.0.0/16'", "cidr: '10.10.0.1/16'"]]);
    brokenCopy(envDir, 'zone-letter', [["'us-east-1a', 'us-east-1b', 'us-east-1c'", "'us-east-1a', 'us-east-1z', 'us-east-1c'"]]);
    brokenCopy(envDir, 'syntax', [['export default {', 'export default {{']]);
    fs.writeFileSync(path.join(envDir, 'no-default.ts'), 'export const dev = {};\n');
    const { outdir, fingerprint } = earlierOutput('out-broken');
    const before = fingerprint();

    const result = await synth(envDir, outdir);

    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    const expected = [
      /host-bits\.ts: invalid environment \(\d problems?\)\n {2}- field "network\.cidr": received "10\.10\.0\.1\/16"; host bits are set: .*did you mean 10\.10\.0\.0\/16\?/,
      /no-default\.ts: invalid environment \(1 problem\)\n {2}- the file has no default export/,
      /region-typo\.ts: invalid environment/,
      /field "account\.region": received "us-eats-1"; not an AWS region of hashicorp\/aws 5\.100\.0 \(did you mean "us-east-1"\?\); expected one of: af-south-1, /,
      /field "network\.availabilityZones\.1": received "us-eats-1b"; the zone's region "us-eats-1" is not an AWS region of hashicorp\/aws 5\.100\.0 \(did you mean "us-east-1b"\?\)/,
      /syntax\.ts: invalid environment \(1 problem\)\n {2}- the file could not be loaded as TypeScript: .*syntax\.ts:\d+:\d+: ERROR/,
      /zone-letter\.ts: invalid environment \(1 problem\)\n {2}- field "network\.availabilityZones\.1": received "us-east-1z"; us-east-1 \(US East \(N\. Virginia\)\) has no zone "z"; expected one of: us-east-1a, /,
    ];
    for (const p of expected) expect(result.stderr).toMatch(p);
    expect(fingerprint()).toBe(before);
    expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  }, 240_000);

  test('an empty or missing environments folder is an error that leaves the output as it was', () => {
    // In-process (spawning main.ts twice more costs a minute on a loaded machine): the same synthInto and
    // buildApp that main.ts runs; the exit code path is the one the test above proves.
    const empty = path.join(dir, 'empty');
    fs.mkdirSync(empty);
    fs.writeFileSync(path.join(empty, 'README.md'), 'not an environment');
    const a = earlierOutput('out-empty');
    const b = earlierOutput('out-missing');
    const [beforeA, beforeB] = [a.fingerprint(), b.fingerprint()];
    const previous = process.env.CLASSIFYHUB_ENVIRONMENTS_DIR;
    try {
      process.env.CLASSIFYHUB_ENVIRONMENTS_DIR = empty;
      expect(() => synthInto(a.outdir, buildApp)).toThrow(/empty: the environments folder \(CLASSIFYHUB_ENVIRONMENTS_DIR=".*empty"\) holds no environment file \(<name>\.ts, e\.g\. dev\.ts\); nothing was synthesized/);
      process.env.CLASSIFYHUB_ENVIRONMENTS_DIR = path.join(dir, 'no-such-folder');
      expect(() => synthInto(b.outdir, buildApp)).toThrow(/no-such-folder: no such environments folder \(CLASSIFYHUB_ENVIRONMENTS_DIR=".*no-such-folder"\)/);
    } finally {
      if (previous === undefined) delete process.env.CLASSIFYHUB_ENVIRONMENTS_DIR;
      else process.env.CLASSIFYHUB_ENVIRONMENTS_DIR = previous;
    }
    expect(a.fingerprint()).toBe(beforeA);
    expect(b.fingerprint()).toBe(beforeB);
    expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  test('the systems (and the provider classes they import) load only once every environment file is valid', () => {
    // A bad file fails fast: main.ts loads systems/ after the environments are validated. In an isolated module
    // registry where loading systems/ throws, a bad file still gets its own error, and a good one reaches systems/.
    const envDir = path.join(dir, 'load-order');
    fs.mkdirSync(envDir);
    brokenCopy(envDir, 'bad-cidr', [["cidr: '10.10.0.0/16'", "cidr: '10.10.0.1/16'"]]);
    const previous = process.env.CLASSIFYHUB_ENVIRONMENTS_DIR;
    try {
      process.env.CLASSIFYHUB_ENVIRONMENTS_DIR = envDir;
      jest.isolateModules(() => {
        jest.doMock('../../systems', () => {
          throw new Error('systems/ loaded');
        });
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const isolated = (require('../../main') as typeof import('../../main')).buildApp;
        expect(() => isolated(new App({ outdir: path.join(dir, 'load-order-out') }))).toThrow(/bad-cidr\.ts: invalid environment/);
        fs.rmSync(path.join(envDir, 'bad-cidr.ts'));
        brokenCopy(envDir, 'good', []);
        expect(() => isolated(new App({ outdir: path.join(dir, 'load-order-out') }))).toThrow('systems/ loaded');
      });
    } finally {
      jest.dontMock('../../systems');
      if (previous === undefined) delete process.env.CLASSIFYHUB_ENVIRONMENTS_DIR;
      else process.env.CLASSIFYHUB_ENVIRONMENTS_DIR = previous;
    }
  });
});

describe('input checks', () => {
  test('CIDR: every reason is named, host bits included', () => {
    expect(cidrProblem('10.10.0.0/16')).toBeUndefined();
    expect(cidrProblem('10.10.16.0/20')).toBeUndefined();
    expect(cidrProblem('10.10.8.0/20')).toMatch(/^host bits are set: .*did you mean 10\.10\.0\.0\/20\?$/);
    expect(cidrProblem('10.10.0.0/8')).toMatch(/prefix \/8 is outside \/16 to \/20/);
    expect(cidrProblem('256.0.0.0/16')).toMatch(/0-255/);
    expect(cidrProblem('10.10.0.0')).toMatch(/expected an IPv4 CIDR block/);
  });

  test('regions and zones come from the table, with a suggestion for a typo', () => {
    expect(AWS_REGIONS).toHaveLength(37);
    for (const region of ['us-east-1', 'eu-west-1', 'ap-southeast-1', 'mx-central-1', 'us-gov-west-1', 'cn-north-1']) expect(regionProblem(region)).toBeUndefined();
    expect(regionProblem('us-eats-1')).toMatch(/did you mean "us-east-1"/);
    expect(regionProblem('us-east-9')).toMatch(/not an AWS region/);
    expect(regionProblem('mars-north-1')).not.toMatch(/did you mean/);
    expect(zoneProblem('us-east-1f')).toBeUndefined();
    expect(zoneProblem('eu-west-1d')).toMatch(/eu-west-1 \(Europe \(Ireland\)\) has no zone "d"; expected one of: eu-west-1a, eu-west-1b, eu-west-1c$/);
    expect(zoneProblem('us-east-1')).toMatch(/expected an AZ name such as us-east-1a/);
    expect(AWS_REGION_TABLE.madeOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  const binary = (() => {
    const mirror = findProviderMirror();
    return process.env.TF_PROVIDER_BINARY ?? (mirror ? providerBinaryIn(mirror, '5.100.0') : undefined);
  })();
  (binary ? test : test.skip)('the table holds exactly the regions of the pinned provider binary (npm run preflight -- --regions)', () => {
    expect(compareRegionTable(binary!)).toMatchObject({ missing: [], extra: [] });
  });
});
