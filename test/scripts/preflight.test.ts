/**
 * `npm run preflight`: zone, instance-type and AMI checks against a mocked EC2 API (one client per region,
 * answering like EC2 does), the AMI pin rewrite on a copy of the environment files, and the CLI without
 * credentials.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  DescribeAvailabilityZonesCommand,
  DescribeImagesCommand,
  DescribeInstanceTypeOfferingsCommand,
  DescribeInstanceTypesCommand,
  EC2Client,
  type Image,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { loadEnvironment } from '../../environments/lib/load';
import { newestImage, preflight, unifiedDiff, updateAmiPin, writeAmiPin, type PreflightEnvironment } from '../../scripts/lib/preflight';

const ROOT = path.join(__dirname, '..', '..');

/** A fake account: zones per region, instance types (with architectures) offered per zone, AMIs per region. */
interface FakeEc2 {
  zones: Record<string, Record<string, string>>;
  types: Record<string, { archs: string[]; zones: string[] }>;
  images: Record<string, Image[]>;
  failRegion?: { region: string; name: string; message: string };
}

const AL2023 = (id: string, date: string, arch = 'x86_64'): Image => ({ ImageId: id, Name: `al2023-ami-2023.6.${date.slice(0, 10).replace(/-/g, '')}.0-kernel-6.1-${arch}`, CreationDate: date, Architecture: arch as Image['Architecture'] });

function fakeAccount(): FakeEc2 {
  const zones = (region: string, letters: string) => Object.fromEntries([...letters].map((l) => [`${region}${l}`, 'available']));
  return {
    zones: { 'us-east-1': zones('us-east-1', 'abcdef'), 'eu-west-1': zones('eu-west-1', 'abc'), 'ap-southeast-1': zones('ap-southeast-1', 'abc') },
    types: {
      't3.large': { archs: ['x86_64'], zones: ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1d', 'us-east-1f'] },
      't4g.large': { archs: ['arm64'], zones: ['us-east-1a', 'us-east-1b'] },
    },
    images: {
      'us-east-1': [
        AL2023('ami-0aaaaaaaaaaaaaaa1', '2025-01-10T10:00:00.000Z'),
        AL2023('ami-0bbbbbbbbbbbbbbb2', '2025-03-02T08:30:00.000Z'),
        AL2023('ami-0ccccccccccccccc3', '2024-11-20T12:00:00.000Z'),
        AL2023('ami-0ddddddddddddddd4', '2025-03-01T08:30:00.000Z', 'arm64'),
        AL2023('ami-0eeeeeeeeeeeeeee5', '2025-02-01T08:30:00.000Z', 'arm64'),
      ],
    },
  };
}

function awsError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}

/** A client factory answering from `fake`, applying the request filters like EC2; records regions asked. */
function clients(fake: FakeEc2) {
  const asked: Array<[string, string]> = [];
  const cache = new Map<string, EC2Client>();
  const clientFor = (region: string): EC2Client => {
    if (cache.has(region)) return cache.get(region) as EC2Client;
    const client = new EC2Client({ region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    const mock = mockClient(client);
    const guard = (operation: string) => {
      asked.push([region, operation]);
      if (fake.failRegion?.region === region) throw awsError(fake.failRegion.name, fake.failRegion.message);
    };
    const filter = (filters: Array<{ Name?: string; Values?: string[] }> | undefined, name: string) => filters?.find((f) => f.Name === name)?.Values;
    mock.on(DescribeAvailabilityZonesCommand).callsFake((input) => {
      guard('DescribeAvailabilityZones');
      expect(filter(input.Filters, 'region-name')).toEqual([region]);
      return { AvailabilityZones: Object.entries(fake.zones[region] ?? {}).map(([ZoneName, State]) => ({ ZoneName, State, RegionName: region })) };
    });
    mock.on(DescribeInstanceTypesCommand).callsFake((input) => {
      guard('DescribeInstanceTypes');
      const type = fake.types[input.InstanceTypes?.[0] as string];
      if (!type) throw awsError('InvalidInstanceType', `The following supplied instance types do not exist: [${input.InstanceTypes?.[0]}]`);
      return { InstanceTypes: [{ InstanceType: input.InstanceTypes?.[0], ProcessorInfo: { SupportedArchitectures: type.archs } }] };
    });
    mock.on(DescribeInstanceTypeOfferingsCommand).callsFake((input) => {
      guard('DescribeInstanceTypeOfferings');
      expect(input.LocationType).toBe('availability-zone');
      const types = filter(input.Filters, 'instance-type') ?? [];
      const locations = filter(input.Filters, 'location') ?? [];
      return {
        InstanceTypeOfferings: types.flatMap((t) => (fake.types[t]?.zones ?? []).filter((z) => locations.includes(z)).map((Location) => ({ InstanceType: t, Location, LocationType: 'availability-zone' }))),
      };
    });
    mock.on(DescribeImagesCommand).callsFake((input) => {
      guard('DescribeImages');
      expect(input.Owners).toEqual(['amazon']);
      const pattern = new RegExp(`^${(filter(input.Filters, 'name') ?? ['*'])[0].replace(/[.]/g, '\\.').replace(/\*/g, '.*')}$`);
      const arch = filter(input.Filters, 'architecture');
      return { Images: (fake.images[region] ?? []).filter((i) => pattern.test(i.Name as string) && (!arch || arch.includes(i.Architecture as string))) };
    });
    cache.set(region, client);
    return client;
  };
  return { clientFor, asked };
}

const dev = (): PreflightEnvironment => loadEnvironment('dev');

describe('preflight', () => {
  test('dev: zones of all three regions, t3.large in the pinned zones, the newest x86_64 AL2023 AMI', async () => {
    const { clientFor, asked } = clients(fakeAccount());
    const report = await preflight(dev(), clientFor);
    expect(report.findings.filter((f) => f.level !== 'ok')).toEqual([]);
    expect(report.findings.map((f) => f.region)).toEqual(['us-east-1', 'eu-west-1', 'ap-southeast-1', 'us-east-1', 'us-east-1']);
    expect(report.findings[3].message).toBe('t3.large (x86_64) is offered in us-east-1a, us-east-1b, us-east-1c');
    expect(report.architecture).toBe('x86_64');
    expect(report.ami).toEqual({ id: 'ami-0bbbbbbbbbbbbbbb2', name: 'al2023-ami-2023.6.20250302.0-kernel-6.1-x86_64', creationDate: '2025-03-02T08:30:00.000Z' });
    // Instance types and AMIs are asked in the environment's own region only.
    expect(asked.filter(([region]) => region !== 'us-east-1').map(([, op]) => op)).toEqual(['DescribeAvailabilityZones', 'DescribeAvailabilityZones']);
  });

  test('a Graviton instance type resolves the arm64 AMI', async () => {
    const { clientFor } = clients(fakeAccount());
    const env = dev();
    const report = await preflight({ ...env, classifyhub: { ...env.classifyhub, instanceType: 't4g.large' } }, clientFor);
    expect(report.architecture).toBe('arm64');
    expect(report.ami?.id).toBe('ami-0ddddddddddddddd4');
  });

  test('missing zones, a type not offered in the host zone, an unknown type are errors naming the field', async () => {
    const fake = fakeAccount();
    delete fake.zones['eu-west-1']['eu-west-1b'];
    fake.zones['us-east-1']['us-east-1b'] = 'impaired';
    fake.types['t3.large'].zones = ['us-east-1b'];
    const { clientFor } = clients(fake);
    const env = dev();
    const report = await preflight(env, clientFor);
    const errors = report.findings.filter((f) => f.level === 'error').map((f) => `${f.region}: ${f.message}`);
    expect(errors).toEqual([
      'us-east-1: network.availabilityZones: us-east-1b is impaired',
      'eu-west-1: classifyhub.multiRegion.regions[0].availabilityZones: eu-west-1b not found in eu-west-1 for this account; zones: eu-west-1a, eu-west-1c',
      "us-east-1: classifyhub.instanceType: t3.large is not offered in us-east-1a, the Docker host's zone (network.availabilityZones[0])",
    ]);
    const unknown = await preflight({ ...env, classifyhub: { ...env.classifyhub, instanceType: 'x9.huge' } }, clients(fakeAccount()).clientFor);
    expect(unknown.findings.filter((f) => f.level === 'error').map((f) => f.message)).toEqual(['classifyhub.instanceType: received "x9.huge"; no such EC2 instance type']);
  });

  test('an AWS error (region not enabled) becomes an error finding with a hint, the rest still runs', async () => {
    const fake = fakeAccount();
    fake.failRegion = { region: 'ap-southeast-1', name: 'AuthFailure', message: 'AWS was not able to validate the provided access credentials' };
    const report = await preflight(dev(), clients(fake).clientFor);
    expect(report.findings.filter((f) => f.level === 'error')).toEqual([
      { level: 'error', region: 'ap-southeast-1', message: expect.stringMatching(/^DescribeAvailabilityZones failed: AuthFailure: AWS was not able .*is ap-southeast-1 enabled for the account\?\)$/) },
    ]);
    expect(report.ami?.id).toBe('ami-0bbbbbbbbbbbbbbb2');
  });

  test('newestImage picks the latest CreationDate', () => {
    expect(newestImage(fakeAccount().images['us-east-1'])?.ImageId).toBe('ami-0bbbbbbbbbbbbbbb2');
    expect(newestImage([])).toBeUndefined();
  });
});

describe('the AMI pin', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'preflight-envs-'));
    fs.cpSync(path.join(ROOT, 'environments'), dir, { recursive: true, filter: (src) => !src.endsWith('.test.ts') });
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('only the amiId value changes; the diff shows that one line; the copy loads with the new pin', () => {
    const file = path.join(dir, 'staging.ts');
    const before = fs.readFileSync(file, 'utf8');
    const old = loadEnvironment('staging', dir).classifyhub.amiId;
    const diff = writeAmiPin(file, old, 'ami-0bbbbbbbbbbbbbbb2', { shownAs: 'environments/staging.ts' });
    const after = fs.readFileSync(file, 'utf8');
    expect(after).toBe(before.replace(`amiId: '${old}'`, "amiId: 'ami-0bbbbbbbbbbbbbbb2'"));
    expect(diff.split('\n').filter((l) => /^[-+](?![-+])/.test(l))).toEqual([`-    amiId: '${old}',`, "+    amiId: 'ami-0bbbbbbbbbbbbbbb2',"]);
    expect(diff).toMatch(/^--- a\/environments\/staging\.ts\n\+\+\+ b\/environments\/staging\.ts\n@@ -\d+,7 \+\d+,7 @@\n/);
    expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    // The committed file is untouched.
    expect(fs.readFileSync(path.join(ROOT, 'environments', 'staging.ts'), 'utf8')).toBe(before);
  });

  test('--dry-run writes nothing; a file without exactly one literal pin is refused, naming the file', () => {
    const file = path.join(dir, 'dev.ts');
    const before = fs.readFileSync(file, 'utf8');
    const old = loadEnvironment('dev', dir).classifyhub.amiId;
    expect(writeAmiPin(file, old, 'ami-0bbbbbbbbbbbbbbb2', { dryRun: true })).toContain("+    amiId: 'ami-0bbbbbbbbbbbbbbb2',");
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
    expect(() => updateAmiPin(before.replace('classifyhub: {', "classifyhub: {\n    // amiId: 'ami-0123456789abcdef0'"), 'environments/dev.ts', old, 'ami-0bbbbbbbbbbbbbbb2')).toThrow(
      'environments/dev.ts: expected exactly one "amiId: \'ami-…\'" literal in the classifyhub section to update, found 2',
    );
    // Other systems' pins (recall, ingestion) are left as they are, even when they hold the same AMI.
    const updated = updateAmiPin(before, 'environments/dev.ts', old, 'ami-0bbbbbbbbbbbbbbb2');
    expect([...updated.matchAll(/amiId: '(ami-[0-9a-f]+)'/g)].length).toBe([...before.matchAll(/amiId: '(ami-[0-9a-f]+)'/g)].length);
    expect(updated.split('ami-0bbbbbbbbbbbbbbb2').length - 1).toBe(1);
    expect(() => updateAmiPin(before, 'environments/dev.ts', 'ami-0123456789abcdef0', 'ami-0bbbbbbbbbbbbbbb2')).toThrow('the loaded environment says ami-0123456789abcdef0');
  });

  test('unifiedDiff: context, hunk header, nothing for equal texts', () => {
    const a = Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n');
    const b = a.replace('line 10', 'line ten');
    expect(unifiedDiff(a, b, 'f')).toBe(['--- a/f', '+++ b/f', '@@ -8,7 +8,7 @@', 'line 7', 'line 8', 'line 9', '-line 10', '+line ten', 'line 11', 'line 12', 'line 13', ''].join('\n').replace(/\nline/g, '\n line'));
    expect(unifiedDiff(a, a, 'f')).toBe('');
  });
});

describe('npm run preflight', () => {
  test('without credentials: says so, exits 1 and changes nothing', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'preflight-home-'));
    const envDir = fs.mkdtempSync(path.join(os.tmpdir(), 'preflight-cli-'));
    fs.cpSync(path.join(ROOT, 'environments'), envDir, { recursive: true });
    const before = fs.readFileSync(path.join(envDir, 'dev.ts'), 'utf8');
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
    const result = spawnSync('npx', ['tsx', 'scripts/preflight.ts', 'dev'], { cwd: ROOT, env: { ...env, HOME: home, CLASSIFYHUB_ENVIRONMENTS_DIR: envDir }, encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('preflight needs AWS credentials of account 111111111111 (no AWS credentials found)');
    expect(result.stderr).toContain('Nothing was changed.');
    expect(fs.readFileSync(path.join(envDir, 'dev.ts'), 'utf8')).toBe(before);
    fs.rmSync(home, { recursive: true, force: true });
    fs.rmSync(envDir, { recursive: true, force: true });
  });
});
