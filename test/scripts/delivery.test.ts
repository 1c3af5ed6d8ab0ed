/**
 * Delivery plumbing: the declared S3 backend, which stacks belong to an environment, argument parsing, and
 * `npm run deploy` refusing to run without credentials.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { environmentOfStack } from '../../environments/lib/schema';
import { parseArgv, resolveTargets } from '../../scripts/lib/delivery';
import { Testing } from 'cdktf';
import { ReadableStack } from '../../modules/core/stack';
import { s3Backend, stateLocation } from '../../scripts/lib/state';
import { synthInto } from '../../scripts/lib/synth';
import { LEGACY_OVERRIDE_FILES, stacksOfEnvironment } from '../../scripts/lib/terraform';

const ROOT = path.join(__dirname, '..', '..');
let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'delivery-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function outdir(stacks: string[]): string {
  const dir = fs.mkdtempSync(path.join(tmp, 'out-'));
  for (const s of stacks) {
    fs.mkdirSync(path.join(dir, 'stacks', s), { recursive: true });
    fs.writeFileSync(path.join(dir, 'stacks', s, 'cdk.tf.json'), '{}');
  }
  return dir;
}

describe('declared S3 state', () => {
  const environment = { name: 'dev', file: 'environments/dev.ts', account: { id: '111111111111', region: 'us-east-1' } };

  test('a stack given its environment declares the S3 backend in cdk.tf.json: one key per stack, encrypted, S3-native lock file', () => {
    const stack = new ReadableStack(Testing.app(), 'webhooks-dev', { environment });
    const config = JSON.parse(Testing.synth(stack));
    expect(config.terraform.backend).toEqual({
      s3: { bucket: 'classifyhub-tfstate-111111111111-us-east-1', key: 'webhooks-dev/terraform.tfstate', region: 'us-east-1', encrypt: true, use_lockfile: true },
    });
    expect(config.terraform.backend.s3).toEqual(s3Backend(stateLocation(environment), 'webhooks-dev'));
  });

  test('with a lock table the backend locks in DynamoDB instead', () => {
    const stack = new ReadableStack(Testing.app(), 'onboarding-dev', { environment: { ...environment, state: { lockTable: 'tf-locks', keyPrefix: 'platform/' } } });
    expect(JSON.parse(Testing.synth(stack)).terraform.backend.s3).toEqual({
      bucket: 'classifyhub-tfstate-111111111111-us-east-1',
      key: 'platform/onboarding-dev/terraform.tfstate',
      region: 'us-east-1',
      encrypt: true,
      dynamodb_table: 'tf-locks',
    });
  });

  test('synth refuses a system stack without a declared S3 backend, naming it, and leaves the output as it was', () => {
    const out = path.join(tmp, 'no-backend-out');
    expect(() =>
      synthInto(out, (app) => {
        new ReadableStack(app, 'webhooks-dev', { environment });
        new ReadableStack(app, 'recall-dev');
      }),
    ).toThrow(/stack recall-dev declares no S3 state backend.*ReadableStack/);
    expect(fs.existsSync(out)).toBe(false);
  });

  test('synth deletes override files earlier versions left in a stack folder', () => {
    const out = path.join(tmp, 'legacy-out');
    fs.mkdirSync(path.join(out, 'stacks', 'webhooks-dev'), { recursive: true });
    for (const file of LEGACY_OVERRIDE_FILES) fs.writeFileSync(path.join(out, 'stacks', 'webhooks-dev', file), '{}');
    synthInto(out, (app) => new ReadableStack(app, 'webhooks-dev', { environment }));
    expect(fs.readdirSync(path.join(out, 'stacks', 'webhooks-dev')).filter((f) => f.includes('override'))).toEqual([]);
  });
});

describe('stacks of an environment', () => {
  const names = ['classifyhub-dev', 'classifyhub-prod', 'classifyhub-staging', 'onboarding-dev', 'onboarding-prod', 'onboarding-staging'];

  test('every synthesized folder ending in -<env>, whatever the system', () => {
    const dir = outdir(names);
    expect(stacksOfEnvironment(dir, 'dev').map((d) => path.basename(d))).toEqual(['classifyhub-dev', 'onboarding-dev']);
    expect(stacksOfEnvironment(outdir([...names, 'webhooks-dev', 'ingestion-dev', 'recall-prod']), 'dev').map((d) => path.basename(d))).toEqual([
      'classifyhub-dev',
      'ingestion-dev',
      'onboarding-dev',
      'webhooks-dev',
    ]);
    expect(resolveTargets({ environments: ['prod'] }, dir, ['dev', 'prod', 'staging']).map((t) => [t.stack, t.environment])).toEqual([
      ['classifyhub-prod', 'prod'],
      ['onboarding-prod', 'prod'],
    ]);
    expect(resolveTargets({ environments: [], stacks: ['onboarding-staging'] }, dir, ['dev', 'prod', 'staging']).map((t) => t.environment)).toEqual(['staging']);
    expect(resolveTargets({ environments: [], all: true }, dir, ['dev', 'prod', 'staging'])).toHaveLength(6);
  });

  test('the longest matching environment name wins; unknown names are errors naming what exists', () => {
    expect(environmentOfStack('classifyhub-pre-prod', ['prod', 'pre-prod'])).toBe('pre-prod');
    expect(environmentOfStack('classifyhub-qa', ['dev', 'prod'])).toBeUndefined();
    const dir = outdir(names);
    expect(() => resolveTargets({ environments: ['qa'] }, dir, ['dev', 'prod', 'staging'])).toThrow('unknown environment "qa"; environments: dev, prod, staging');
    expect(() => resolveTargets({ environments: [], stacks: ['nope-dev'] }, dir, ['dev'])).toThrow(/no stack "nope-dev" in .*; stacks: classifyhub-dev/);
    expect(() => resolveTargets({ environments: ['dev'] }, outdir([]), ['dev'])).toThrow('run npm run synth first');
  });
});

describe('parseArgv', () => {
  const spec = { flags: ['--all'], valued: ['--stack', '--markdown'] };

  test('positionals, flags, repeated and inline values', () => {
    const args = parseArgv(['dev', '--stack', 'a-dev', '--stack=b-dev', '--all', '--markdown', 'out.md'], spec, 'usage');
    expect(args.positional).toEqual(['dev']);
    expect(args.flags.has('--all')).toBe(true);
    expect(args.all('--stack')).toEqual(['a-dev', 'b-dev']);
    expect(args.value('--markdown')).toBe('out.md');
  });

  test('unknown options and missing values are errors with the usage', () => {
    expect(() => parseArgv(['--nope'], spec, 'usage: x')).toThrow('unknown option --nope\nusage: x');
    expect(() => parseArgv(['--markdown'], spec, 'usage: x')).toThrow('option --markdown needs a value');
  });
});

describe('npm run deploy', () => {
  test('without credentials: refuses before synthesizing anything, names the account, exits 1', () => {
    const home = fs.mkdtempSync(path.join(tmp, 'home-'));
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
    const result = spawnSync('npx', ['tsx', 'scripts/deploy.ts', 'staging'], { cwd: ROOT, env: { ...env, HOME: home }, encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('deploy needs AWS credentials of account 222222222222 (no AWS credentials found); nothing was changed.');
    expect(result.stderr).toContain('Offline you can still plan: npm run plan -- staging');
    expect(result.stdout).not.toContain('synthesized');
  });
});
