/**
 * Runs the Terraform tooling against a real terraform binary and the AWS
 * provider (from a local mirror when there is one, else the registry).
 * Without terraform on PATH these tests fail on purpose.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  findProviderMirror,
  formatSummary,
  hasAwsCredentials,
  init,
  listStacks,
  OFFLINE_OVERRIDE_FILE,
  plan,
  type PlanJson,
  showPlanJson,
  summarizePlan,
  terraformEnv,
  TERRAFORM_GOGC,
  validate,
  writeCliConfig,
  writeOfflineOverride,
} from '../../scripts/lib/terraform';

const TERRAFORM_TIMEOUT = 300_000;

/** A hand-written stack shaped like CDKTF output: default + aliased aws provider, one resource on each. */
const FIXTURE = {
  terraform: {
    required_providers: { aws: { source: 'aws', version: '5.100.0' } },
    backend: { local: { path: '../../terraform.fixture.tfstate' } },
  },
  provider: {
    aws: [
      { region: 'eu-west-1', allowed_account_ids: ['111111111111'] },
      { alias: 'us_east_1', region: 'us-east-1', allowed_account_ids: ['111111111111'] },
    ],
  },
  resource: {
    aws_sqs_queue: { jobs: { name: 'fixture-jobs' } },
    aws_s3_bucket: { assets: { bucket: 'fixture-assets-111111111111', provider: 'aws.us_east_1' } },
  },
};

let tmp: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'terraform-tooling-'));
});

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A fresh directory under the test's temp folder. */
function dir(...parts: string[]): string {
  const created = path.join(tmp, ...parts);
  fs.mkdirSync(created, { recursive: true });
  return created;
}

function writeStack(stackDir: string, config: object): string {
  fs.mkdirSync(stackDir, { recursive: true });
  fs.writeFileSync(path.join(stackDir, 'cdk.tf.json'), JSON.stringify(config, null, 2));
  return stackDir;
}

/** The current environment without any AWS settings and with an empty HOME. */
function credentialFreeEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
  return { ...env, HOME: dir('empty-home') };
}

describe('offline plan of a fixture stack', () => {
  let stackDir: string;
  let cliConfig: string;
  let planJson: PlanJson | undefined;
  let env: NodeJS.ProcessEnv;

  beforeAll(() => {
    env = credentialFreeEnv();
    stackDir = writeStack(path.join(dir('out', 'stacks'), 'fixture'), FIXTURE);
    cliConfig = writeCliConfig(dir('out'));
  });

  test('the override covers the default and the aliased provider and replaces the backend', () => {
    const file = writeOfflineOverride(stackDir);
    expect(path.basename(file)).toBe(OFFLINE_OVERRIDE_FILE);
    const override = JSON.parse(fs.readFileSync(file, 'utf8'));
    const offline = {
      skip_credentials_validation: true,
      skip_requesting_account_id: true,
      skip_metadata_api_check: true,
      skip_region_validation: true,
      access_key: expect.any(String),
      secret_key: expect.any(String),
    };
    expect(override.provider.aws).toEqual([expect.objectContaining(offline), expect.objectContaining({ ...offline, alias: 'us_east_1' })]);
    expect(override.provider.aws[0]).not.toHaveProperty('alias');
    expect(override.terraform.backend).toEqual({ local: { path: 'terraform.fixture.tfstate' } });
  });

  test(
    'init, validate and an offline plan succeed without credentials',
    async () => {
      expect(hasAwsCredentials(env)).toBe(false);
      await init(stackDir, { cliConfig, env });
      const validation = await validate(stackDir, { cliConfig, env });
      expect(validation).toMatchObject({ valid: true, error_count: 0 });
      await plan(stackDir, { cliConfig, env, out: 'tfplan', refresh: false });
      planJson = await showPlanJson(stackDir, 'tfplan', { cliConfig, env });
      expect(fs.existsSync(path.join(stackDir, 'terraform.fixture.tfstate'))).toBe(false);
    },
    TERRAFORM_TIMEOUT,
  );

  test('the summary counts two creates, one per resource type', () => {
    expect(planJson).toBeDefined();
    const summary = summarizePlan(planJson as PlanJson);
    expect(summary.actions).toMatchObject({ create: 2, update: 0, replace: 0, delete: 0 });
    expect(summary.byType.aws_sqs_queue.create).toBe(1);
    expect(summary.byType.aws_s3_bucket.create).toBe(1);
    const table = formatSummary('fixture', summary);
    expect(table).toMatch(/^fixture: 2 to add$/m);
    expect(table).toMatch(/aws_s3_bucket\s+1\s+0\s+0\s+0/);
  });

  test(
    'the override replaces an S3 backend, so init needs no AWS access',
    async () => {
      const s3Stack = writeStack(path.join(tmp, 'out', 'stacks', 'fixture-s3'), {
        ...FIXTURE,
        terraform: { ...FIXTURE.terraform, backend: { s3: { bucket: 'state-bucket', key: 'fixture.tfstate', region: 'eu-west-1' } } },
      });
      writeOfflineOverride(s3Stack);
      await init(s3Stack, { cliConfig, env });
      const state = JSON.parse(fs.readFileSync(path.join(s3Stack, '.terraform', 'terraform.tfstate'), 'utf8'));
      expect(state.backend).toMatchObject({ type: 'local', config: { path: 'terraform.fixture-s3.tfstate' } });
    },
    TERRAFORM_TIMEOUT,
  );

  test('a failing command names the stack dir and carries the errors', async () => {
    const broken = writeStack(path.join(tmp, 'broken'), { resource: { aws_sqs_queue: { q: { no_such_argument: 1 } } } });
    await expect(plan(broken, { cliConfig, env, out: 'tfplan' })).rejects.toThrow(
      new RegExp(`terraform plan .* failed in ${broken}[\\s\\S]*Error:`),
    );
    // Not initialized: validate initializes the offline working copy first (providers, no credentials).
    await expect(validate(broken, { cliConfig, env })).rejects.toThrow(new RegExp(`terraform validate failed in ${broken}[\\s\\S]*Error:`));
    expect(fs.readdirSync(broken).filter((f) => f.includes('override') || f === '.terraform')).toEqual([]); // the copy was initialized, not the folder
  }, TERRAFORM_TIMEOUT);
});

describe('summarizePlan', () => {
  test('classifies replace, update, delete and no-op and ignores data sources', () => {
    const change = (type: string, actions: string[], mode: 'managed' | 'data' = 'managed') => ({ address: `${type}.x`, mode, type, change: { actions } });
    const summary = summarizePlan({
      format_version: '1.2',
      resource_changes: [
        change('aws_instance', ['delete', 'create']),
        change('aws_instance', ['create', 'delete']),
        change('aws_vpc', ['update']),
        change('aws_eip', ['delete']),
        change('aws_subnet', ['no-op']),
        change('aws_ami', ['read'], 'data'),
      ],
    });
    expect(summary.actions).toEqual({ create: 0, update: 1, replace: 2, delete: 1, 'no-op': 1, forget: 0 });
    expect(Object.keys(summary.byType).sort()).toEqual(['aws_eip', 'aws_instance', 'aws_subnet', 'aws_vpc']);
    expect(formatSummary('s', summary).split('\n')[0]).toBe('s: 1 to change, 2 to replace, 1 to destroy, 1 unchanged');
  });
});

describe('findProviderMirror', () => {
  test('honours TF_PROVIDER_MIRROR', () => {
    const mirror = dir('mirror');
    fs.mkdirSync(path.join(mirror, 'registry.terraform.io', 'hashicorp', 'aws', '5.100.0', 'linux_amd64'), { recursive: true });
    expect(findProviderMirror({ TF_PROVIDER_MIRROR: mirror, HOME: dir('empty-home') })).toBe(mirror);
  });

  test('rejects a TF_PROVIDER_MIRROR without the aws provider, naming the path', () => {
    const bogus = dir('bogus-mirror');
    expect(() => findProviderMirror({ TF_PROVIDER_MIRROR: bogus })).toThrow(bogus);
  });

  test('discovers a mirror among the plugin directories, e.g. ~/.terraform.d/plugins', () => {
    const home = dir('home-with-plugins');
    fs.mkdirSync(path.join(home, '.terraform.d', 'plugins', 'registry.terraform.io', 'hashicorp', 'aws', '5.100.0'), { recursive: true });
    const found = findProviderMirror({ HOME: home });
    expect(found).toBeDefined();
    expect(fs.existsSync(path.join(found as string, 'registry.terraform.io', 'hashicorp', 'aws'))).toBe(true);
  });
});

describe('writeCliConfig', () => {
  test('with a mirror: installs mirrored providers from it only, the rest directly', () => {
    const mirror = dir('mirror-for-config');
    fs.mkdirSync(path.join(mirror, 'registry.terraform.io', 'hashicorp', 'aws', '5.100.0'), { recursive: true });
    const config = fs.readFileSync(writeCliConfig(dir('with-mirror'), mirror), 'utf8');
    expect(config).toContain(`path    = "${mirror}"`);
    expect(config).toContain('include = ["registry.terraform.io/hashicorp/aws"]');
    expect(config).toContain('exclude = ["registry.terraform.io/hashicorp/aws"]');
    expect(config).not.toContain('plugin_cache_dir');
  });

  test('without a mirror: the registry, with a plugin cache in the output dir', () => {
    const outdir = dir('without-mirror');
    const config = fs.readFileSync(writeCliConfig(outdir, null), 'utf8');
    expect(config).toMatch(/direct \{\}/);
    expect(config).not.toContain('filesystem_mirror');
    expect(config).toContain(`plugin_cache_dir = "${path.join(outdir, '.terraform-plugin-cache')}"`);
    expect(fs.existsSync(path.join(outdir, '.terraform-plugin-cache'))).toBe(true);
  });
});

describe('terraformEnv', () => {
  test('the project CLI config and automation settings; GOGC 400 unless the caller sets one', () => {
    const env = terraformEnv({ PATH: '/bin', TF_CLI_CONFIG_FILE: '/home/user/.terraformrc' }, '/work/terraform.rc');
    expect(env).toEqual({ PATH: '/bin', TF_CLI_CONFIG_FILE: '/work/terraform.rc', TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1', GOGC: '400' });
    expect(TERRAFORM_GOGC).toBe('400');
    expect(terraformEnv({ GOGC: '100' }, '/work/terraform.rc').GOGC).toBe('100');
  });
});

describe('hasAwsCredentials', () => {
  const home = () => dir('creds-home', String(Math.random()).slice(2));

  test.each([
    ['nothing', false, {}],
    ['an access key without secret', false, { AWS_ACCESS_KEY_ID: 'AKIA' }],
    ['an access key and secret', true, { AWS_ACCESS_KEY_ID: 'AKIA', AWS_SECRET_ACCESS_KEY: 's' }],
    ['a profile', true, { AWS_PROFILE: 'dev' }],
    ['a web identity token file', true, { AWS_WEB_IDENTITY_TOKEN_FILE: '/var/run/token' }],
    ['a container credentials full URI', true, { AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://169.254.170.23/v1' }],
    ['a container credentials relative URI', true, { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials' }],
    ['keys, but CLASSIFYHUB_OFFLINE=1', false, { AWS_ACCESS_KEY_ID: 'AKIA', AWS_SECRET_ACCESS_KEY: 's', CLASSIFYHUB_OFFLINE: '1' }],
  ])('%s → %s', (_, expected, vars) => {
    expect(hasAwsCredentials({ HOME: home(), ...vars })).toBe(expected);
  });

  test.each(['credentials', 'config'])('a ~/.aws/%s file counts as credentials', (file) => {
    const withFile = home();
    fs.mkdirSync(path.join(withFile, '.aws'));
    fs.writeFileSync(path.join(withFile, '.aws', file), '[default]\n');
    expect(hasAwsCredentials({ HOME: withFile })).toBe(true);
    expect(hasAwsCredentials({ HOME: withFile, CLASSIFYHUB_OFFLINE: '1' })).toBe(false);
  });
});

describe('listStacks', () => {
  test('lists stack dirs holding cdk.tf.json, sorted', () => {
    const outdir = dir('list');
    writeStack(path.join(outdir, 'stacks', 'b-stack'), {});
    writeStack(path.join(outdir, 'stacks', 'a-stack'), {});
    fs.mkdirSync(path.join(outdir, 'stacks', 'empty'));
    expect(listStacks(outdir)).toEqual([path.join(outdir, 'stacks', 'a-stack'), path.join(outdir, 'stacks', 'b-stack')]);
    expect(listStacks(dir('no-output'))).toEqual([]);
  });
});
