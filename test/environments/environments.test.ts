import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadAllEnvironments, loadEnvironment } from '../../environments/lib/load';
import { EnvironmentError, validateEnvironment, isIpv4Cidr } from '../../environments/lib/schema';
import { TIER_PROFILES } from '../../environments/lib/tiers';
import { synthesizedTree } from '../support/synthesized';

const ROOT = path.resolve(__dirname, '..', '..');
/** A real synth of the committed environments, made once per jest run (test/support/synthesized.ts). */
const tree = synthesizedTree();

function devRaw(): Record<string, any> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return structuredClone(require('../../environments/dev').default);
}

function problemsOf(raw: unknown): string {
  try {
    validateEnvironment(raw, 'environments/dev.ts');
  } catch (e) {
    expect(e).toBeInstanceOf(EnvironmentError);
    return (e as Error).message;
  }
  throw new Error('expected the environment to be rejected');
}

describe('the committed environments', () => {
  test('dev, staging and prod load and validate, each with its tier profile', () => {
    const envs = loadAllEnvironments();
    expect(envs.map((e) => e.name)).toEqual(['dev', 'prod', 'staging']);
    for (const env of envs) expect(env.profile).toEqual(TIER_PROFILES[env.tier]);
  });

  test('systems: every environment runs ClassifyHub and onboarding; without the field only ClassifyHub', () => {
    for (const env of loadAllEnvironments()) {
      expect(env.systems).toEqual(expect.arrayContaining(['classifyhub', 'onboarding']));
      expect(env.onboarding).toMatchObject({ errorReportRetentionDays: expect.any(Number), stagingRecordTtlDays: 7 });
    }
    const raw = devRaw();
    delete raw.systems;
    delete raw.onboarding;
    // The pluggable systems' sections (systems/sections.ts) must go too: a section without its system is refused.
    for (const section of ['webhooks', 'ingestion', 'recall']) delete raw[section];
    expect(validateEnvironment(raw, 'environments/dev.ts').systems).toEqual(['classifyhub']);
  });

  test('defaults are merged under the file: third-party images pinned, overrides win', () => {
    const staging = loadEnvironment('staging');
    expect(staging.classifyhub.thirdPartyImages.postgres).toMatch(/^postgres:15\./);
    expect(staging.classifyhub.dataVolumeSizeGiB).toBe(50);
    expect(staging.classifyhub.rateLimit.requestsPerMinute).toBe(600);
  });
});

describe('bad input names the file, the field, the value received and what is allowed', () => {
  const cases: Array<[string, (raw: Record<string, any>) => void, RegExp[]]> = [
    ['unknown stage', (r) => (r.classifyhub.stage = '07-gateway'), [/environments\/dev\.ts/, /field "classifyhub\.stage": received "07-gateway"; expected one of: 01-monolith, .*14-multi-region/]],
    ['HA stage with one zone', (r) => (r.network.availabilityZones = ['us-east-1a']), [/field "network\.availabilityZones": received \["us-east-1a"\]; stage 14-multi-region spreads every service over the zones and its Multi-AZ DB cluster needs three; the dev tier needs at least 3 \(got 1\)/]],
    ['observability without on-call', (r) => (r.classifyhub.onCallEmails = []), [/field "classifyhub\.onCallEmails": received \[\]; stage 14-multi-region sends alarms to an on-call topic/]],
    ['decommission before 12', (r) => (r.classifyhub.stage = '11-rate-limiting'), [/field "classifyhub\.decommissionDockerHost": received true; the Docker host runs the whole system until 12-high-availability/]],
    ['multi-region without regions', (r) => (r.classifyhub.multiRegion.regions = []), [/field "classifyhub\.multiRegion\.regions": received \[\]; stage 14-multi-region needs at least one further region/]],
    ['overlapping regional CIDRs', (r) => (r.classifyhub.multiRegion.regions[1].cidr = '10.10.0.0/16'), [/field "classifyhub\.multiRegion\.regions\.1\.cidr": received "10\.10\.0\.0\/16"; overlaps network\.cidr \(10\.10\.0\.0\/16\)/]],
    ['overlapping secondary CIDRs', (r) => (r.classifyhub.multiRegion.regions[1].cidr = '10.11.0.0/16'), [/regions\.1\.cidr": received "10\.11\.0\.0\/16"; overlaps classifyhub\.multiRegion\.regions\.0\.cidr/]],
    ['two regions for one continent', (r) => (r.classifyhub.multiRegion.regions[1].location = 'EU'), [/regions\.1\.location": received "EU"; each continent is routed to one region only/]],
    ['regional AZ outside its region', (r) => (r.classifyhub.multiRegion.regions[0].availabilityZones = ['eu-west-1a', 'us-east-1b']), [/regions\.0\.availabilityZones\.1": received "us-east-1b"; AZ must be in the region eu-west-1/]],
    ['CIDR with host bits', (r) => (r.network.cidr = '10.0.0.1/16'), [/field "network\.cidr": received "10\.0\.0\.1\/16"; host bits are set: .*did you mean 10\.0\.0\.0\/16\?/]],
    ['CIDR prefix', (r) => (r.network.cidr = '10.0.0.0/24'), [/field "network\.cidr": received "10\.0\.0\.0\/24"; the prefix \/24 is outside \/16 to \/20/]],
    ['CIDR octet', (r) => (r.network.cidr = '10.300.0.0/16'), [/field "network\.cidr": received "10\.300\.0\.0\/16"; each of the four address numbers must be 0-255/]],
    ['CIDR format', (r) => (r.network.cidr = '10.0.0.0'), [/field "network\.cidr": received "10\.0\.0\.0"; expected an IPv4 CIDR block such as 10\.10\.0\.0\/16/]],
    ['region typo that looks like a region', (r) => ((r.account.region = 'us-eats-1'), (r.network.availabilityZones = ['us-eats-1a', 'us-eats-1b'])), [
      /field "account\.region": received "us-eats-1"; not an AWS region of hashicorp\/aws 5\.100\.0 \(did you mean "us-east-1"\?\); expected one of: af-south-1, .*us-west-2 \(region table of 2026-12-04/,
      /field "network\.availabilityZones\.0": received "us-eats-1a"; the zone's region "us-eats-1" is not an AWS region/,
    ]],
    ['regional region typo', (r) => (r.classifyhub.multiRegion.regions[0].region = 'eu-wset-1'), [/field "classifyhub\.multiRegion\.regions\.0\.region": received "eu-wset-1"; not an AWS region .*did you mean "eu-west-1"/]],
    ['zone letter the region does not have', (r) => (r.network.availabilityZones = ['us-east-1a', 'us-east-1g']), [/field "network\.availabilityZones\.1": received "us-east-1g"; us-east-1 \(US East \(N\. Virginia\)\) has no zone "g"; expected one of: us-east-1a, .*us-east-1f/]],
    ['AZ outside the region', (r) => (r.network.availabilityZones = ['eu-west-1a']), [/field "network\.availabilityZones\.0": received "eu-west-1a"; AZ must be in the environment's region us-east-1/]],
    ['account id', (r) => (r.account.id = '1234'), [/field "account\.id": received "1234"; expected a 12-digit AWS account id/]],
    ['unpinned image', (r) => (r.classifyhub.thirdPartyImages = { redis: 'redis:latest' }), [/field "classifyhub\.thirdPartyImages\.redis": received "redis:latest"; the "latest" tag is not pinned/]],
    ['missing field', (r) => delete r.classifyhub.amiId, [/field "classifyhub\.amiId": received nothing \(the field is missing\); expected string/]],
    ['wrong type', (r) => (r.classifyhub.dataVolumeSizeGiB = '20'), [/field "classifyhub\.dataVolumeSizeGiB": received "20"; expected number/]],
    ['unknown key', (r) => (r.classifyhub.instancetype = 't3.micro'), [/field "classifyhub": unknown key\(s\) "instancetype"/]],
    ['sender outside the SES domain', (r) => (r.classifyhub.senderEmail = 'ops@example.org'), [/field "classifyhub\.senderEmail": received "ops@example\.org"; the sender must be an address at the SES domain identity/]],
    ['CDN without a hosted zone', (r) => delete r.classifyhub.domain.hostedZoneId, [/field "classifyhub\.domain\.hostedZoneId": received nothing .*stages from 09-cdn on need a hosted zone/]],
    ['tier', (r) => (r.tier = 'production'), [/field "tier": received "production"; expected one of: dev, staging, prod/]],
    ['unknown system', (r) => (r.systems = ['classifyhub', 'shop']), [/field "systems\.1": received "shop"; expected one of: classifyhub, onboarding/]],
    ['system twice', (r) => (r.systems = ['onboarding', 'onboarding']), [/field "systems": received \["onboarding","onboarding"\]; each system may appear once/]],
    ['onboarding enabled without its section', (r) => delete r.onboarding, [/field "onboarding": received nothing \(the field is missing\); required when systems includes "onboarding": \{ cidr, notificationEmails, opsEmails \}/]],
    ['onboarding section without the system', (r) => (r.systems = ['classifyhub']), [/field "systems": received \["classifyhub"\]; the "onboarding" section is set but systems does not include "onboarding"/]],
    ['onboarding CIDR overlapping a ClassifyHub region', (r) => (r.onboarding.cidr = '10.11.0.0/16'), [/field "onboarding\.cidr": received "10\.11\.0\.0\/16"; overlaps classifyhub\.multiRegion\.regions\.0\.cidr \(10\.11\.0\.0\/16\)/]],
    ['onboarding CIDR overlapping the network', (r) => (r.onboarding.cidr = '10.10.0.0/20'), [/field "onboarding\.cidr": received "10\.10\.0\.0\/20"; overlaps network\.cidr/]],
    ['onboarding without ops addresses', (r) => (r.onboarding.opsEmails = []), [/field "onboarding\.opsEmails": received \[\]; name at least one address for the onboarding alarms/]],
    ['onboarding subscriber twice', (r) => (r.onboarding.notificationEmails = ['a@example.com', 'A@example.com']), [/field "onboarding\.notificationEmails": received \["a@example\.com","A@example\.com"\]; no address twice/]],
    ['onboarding in one zone', (r) => (r.onboarding.availabilityZones = ['us-east-1a']), [/field "onboarding\.availabilityZones": received \["us-east-1a"\]; RDS and the functions need private subnets in at least two zones/]],
    ['onboarding zone outside the region', (r) => (r.onboarding.availabilityZones = ['us-east-1a', 'eu-west-1b']), [/field "onboarding\.availabilityZones\.1": received "eu-west-1b"; AZ must be in the environment's region us-east-1/]],
    ['onboarding TTL', (r) => (r.onboarding.stagingRecordTtlDays = 0), [/field "onboarding\.stagingRecordTtlDays": received 0; Number must be greater than or equal to 1/]],
  ];
  test.each(cases)('%s', (_name, mutate, patterns) => {
    const raw = devRaw();
    mutate(raw);
    const message = problemsOf(raw);
    for (const p of patterns) expect(message).toMatch(p);
  });

  test('all problems are reported at once', () => {
    const raw = devRaw();
    raw.account.id = 'x';
    raw.network.cidr = 'nope';
    expect(problemsOf(raw)).toMatch(/invalid environment \(2 problems\)/);
  });

  test('CIDR check', () => {
    expect(isIpv4Cidr('10.10.0.0/16')).toBe(true);
    expect(isIpv4Cidr('10.10.1.0/16')).toBe(false);
    expect(isIpv4Cidr('10.10.0.0/8')).toBe(false);
    expect(isIpv4Cidr('10.10.0.0/24')).toBe(false);
    expect(isIpv4Cidr('300.1.0.0/16')).toBe(false);
  });
});

describe('synth with a bad environment file', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'envs-'));
    fs.cpSync(path.join(ROOT, 'environments'), path.join(dir, 'environments'), { recursive: true });
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function synth(outdir: string) {
    return spawnSync(process.execPath, [require.resolve('tsx/cli'), path.join(ROOT, 'main.ts')], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, CLASSIFYHUB_ENVIRONMENTS_DIR: path.join(dir, 'environments'), CDKTF_OUTDIR: outdir },
    });
  }

  test('exits non-zero with the file, field and value, and writes nothing', () => {
    const file = path.join(dir, 'environments', 'staging.ts');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace("stage: '13-observability'", "stage: '13-observabilty'"));
    const outdir = path.join(dir, 'cdktf.out');
    const result = synth(outdir);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/environments\/staging\.ts: invalid environment/);
    expect(result.stderr).toMatch(/field "classifyhub\.stage": received "13-observabilty"; expected one of: /);
    expect(fs.existsSync(outdir)).toBe(false);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('cdktf.out'))).toEqual([]);
  });

  test('a failed synth leaves an earlier cdktf.out untouched', () => {
    // The earlier output: a real synth of the committed environments (the run's shared tree).
    const outdir = path.join(dir, 'cdktf.out');
    fs.cpSync(tree.environments, outdir, { recursive: true });
    const before = fs.readFileSync(path.join(outdir, 'stacks', 'classifyhub-dev', 'cdk.tf.json'), 'utf8');
    const file = path.join(dir, 'environments', 'dev.ts');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace("cidr: '10.10.0.0/16'", "cidr: '10.10.0.0/33'"));
    const result = synth(outdir);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/field "network\.cidr": received "10\.10\.0\.0\/33"/);
    expect(fs.readFileSync(path.join(outdir, 'stacks', 'classifyhub-dev', 'cdk.tf.json'), 'utf8')).toBe(before);
    expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});

test('npm run synth is byte-identical on a second run, in another process', () => {
  // First run: the run's shared tree (synthesized in jest's process); second run: `tsx main.ts`, what npm run synth runs.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'det-'));
  try {
    execFileSync(process.execPath, [require.resolve('tsx/cli'), path.join(ROOT, 'main.ts')], { env: { ...process.env, CDKTF_OUTDIR: dir } });
    const first = tree.environments;
    const read = (d: string) => fs.readdirSync(`${d}/stacks`).sort().map((s) => [s, fs.readFileSync(`${d}/stacks/${s}/cdk.tf.json`, 'utf8')]);
    expect(read(dir)).toEqual(read(first));
    expect(fs.readFileSync(`${dir}/manifest.json`, 'utf8')).toBe(fs.readFileSync(`${first}/manifest.json`, 'utf8'));
    // Lambda archives too: the same bytes under the same hashed paths.
    const assets = (d: string) => fs.readdirSync(`${d}/stacks`, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.zip')).sort().map((f) => [f, fs.readFileSync(path.join(d, 'stacks', f)).toString('base64')]);
    expect(assets(dir)).toEqual(assets(first));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
