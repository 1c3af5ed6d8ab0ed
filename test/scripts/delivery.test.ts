/**
 * Delivery plumbing: the S3 backend override, which stacks belong to an environment, argument parsing, and
 * `npm run deploy` refusing to run without credentials.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { environmentOfStack, parseArgv, resolveTargets } from '../../scripts/lib/delivery';
import { BACKEND_OVERRIDE_FILE, removeBackendOverride, s3Backend, writeBackendOverride } from '../../scripts/lib/state';
import { stacksOfEnvironment } from '../../scripts/lib/terraform';

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

describe('S3 backend override', () => {
  const location = { bucket: 'classifyhub-tfstate-111111111111-us-east-1', region: 'us-east-1', accountId: '111111111111' };

  test('one key per stack, encrypted, S3-native lock file', () => {
    expect(s3Backend(location, 'classifyhub-prod')).toEqual({
      bucket: 'classifyhub-tfstate-111111111111-us-east-1',
      key: 'classifyhub-prod/terraform.tfstate',
      region: 'us-east-1',
      encrypt: true,
      use_lockfile: true,
    });
  });

  test('written next to cdk.tf.json as a backend block (which replaces the stack backend wholesale), and removed', () => {
    const stackDir = path.join(outdir(['onboarding-dev']), 'stacks', 'onboarding-dev');
    const file = writeBackendOverride(stackDir, location);
    expect(path.basename(file)).toBe(BACKEND_OVERRIDE_FILE);
    expect(BACKEND_OVERRIDE_FILE).toMatch(/_override\.tf\.json$/); // Terraform only merges *_override files as overrides
    const override = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(override.terraform).toEqual({ backend: { s3: s3Backend(location, 'onboarding-dev') } });
    removeBackendOverride(stackDir);
    expect(fs.existsSync(file)).toBe(false);
  });
});

describe('stacks of an environment', () => {
  const names = ['classifyhub-dev', 'classifyhub-prod', 'classifyhub-staging', 'onboarding-dev', 'onboarding-prod', 'onboarding-staging'];

  test('every synthesized folder ending in -<env>, whatever the system', () => {
    const dir = outdir(names);
    expect(stacksOfEnvironment(dir, 'dev').map((d) => path.basename(d))).toEqual(['classifyhub-dev', 'onboarding-dev']);
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
