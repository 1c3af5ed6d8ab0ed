/**
 * The deploy workflow's plan artifact is complete: a plan of a small stack with two Lambda functions (the
 * project's ReadableStack and LambdaFunction constructs, the same asset staging every system uses) is saved
 * offline, ONLY the files the workflow uploads (scripts/lib/artifact.ts, the same list
 * scripts/stage-plan-artifact.ts stages) are copied to a second directory, and there
 *
 * 1. `terraform init -backend=false` installs the providers the lock file names (from the mirror);
 * 2. `terraform show -json deploy.tfplan` reads the plan, and every file the plan names by path (each
 *    Lambda's `filename`) exists at that path with exactly the SHA-256 the plan recorded
 *    (`source_code_hash`), which is what the provider reads and uploads when it creates the function;
 * 3. `terraform apply deploy.tfplan` gets past loading the plan, its backend and the providers and starts
 *    creating resources; the first AWS API calls then fail (no account offline: every HTTPS request goes
 *    to a closed port on 127.0.0.1 through HTTPS_PROXY, so nothing leaves the machine).
 *
 * Offline nothing can be applied for real; what this proves is that the artifact holds everything apply
 * reads from disk. The stack folder itself is never written by the offline plan. (A small stack on purpose:
 * the artifact's contents do not depend on the stack's size, and every real stack is planned by the
 * Terraform tier.)
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { App } from 'cdktf';
import { loadEnvironment } from '../../environments/lib/load';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { ReadableStack } from '../../modules/core/stack';
import { LambdaFunction } from '../../modules/function';
import { DEPLOY_PLAN_FILE, stagePlanArtifact } from '../../scripts/lib/artifact';
import { synthInto } from '../../scripts/lib/synth';
import { init, managedChanges, plan, prepareOfflineCopy, showPlanJson, terraform, writeCliConfig, type PlanJson } from '../../scripts/lib/terraform';

jest.setTimeout(240_000);

const STACK = 'artifact-dev';
const FUNCTIONS = ['csv_parser', 'report_writer'];
const FIXTURE = path.join(__dirname, '..', 'fixtures', 'lambda-function', 'index.ts');
let work: string;
let out: string;
let stackDir: string;
let cliConfig: string;
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-artifact-'));
  out = path.join(work, 'cdktf.out');
  synthInto(out, (app: App) => {
    const dev = loadEnvironment('dev');
    const stack = new ReadableStack(app, STACK, { environment: dev });
    // maxRetries 1: the dry apply (step 3) ends at its first refused API call instead of retrying each call nine
    // times over about 25 s of idle wall time; retries are not what this test is about.
    new AwsProvider(stack, 'aws', { region: dev.account.region, allowedAccountIds: [dev.account.id], maxRetries: 1 });
    for (const id of FUNCTIONS) new LambdaFunction(stack, id, { functionName: `artifact-dev-${id}`, entry: FIXTURE, logRetentionDays: 14, tracing: 'Active' });
  });
  stackDir = path.join(out, 'stacks', STACK);
  cliConfig = writeCliConfig(path.join(work, 'terraform'));
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
  env = { ...clean, HOME: fs.mkdtempSync(path.join(work, 'home-')) };
});

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** Problems with the files a plan names by path, checked in `dir`: missing, or not the content the plan recorded. */
function assetProblems(dir: string, plan: PlanJson): string[] {
  return managedChanges(plan)
    .filter((c) => c.type === 'aws_lambda_function')
    .flatMap((c) => {
      const after = c.change.after as { filename?: string; source_code_hash?: string };
      const file = path.join(dir, after.filename ?? '');
      if (!after.filename || !fs.existsSync(file)) return [`${c.address}: ${after.filename} is missing`];
      const sha = createHash('sha256').update(fs.readFileSync(file)).digest('base64');
      return sha === after.source_code_hash ? [] : [`${c.address}: ${after.filename} has SHA-256 ${sha}, the plan recorded ${after.source_code_hash}`];
    });
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('a saved plan applies from a directory holding only the artifact files', async () => {
  const before = fs.readdirSync(stackDir).sort();
  // What planStackJson does offline, without its `show -json` (step 2 below reads the plan from the artifact).
  const planned = { workDir: prepareOfflineCopy(stackDir) };
  await init(planned.workDir, { cliConfig, env });
  expect(await plan(planned.workDir, { cliConfig, env, out: DEPLOY_PLAN_FILE, refresh: false })).toBe(false);
  // Planned in the offline working copy; the stack folder cdktf uses is exactly as synth left it.
  expect(planned.workDir).not.toBe(stackDir);
  expect(fs.readdirSync(stackDir).sort()).toEqual(before);
  expect(fs.readdirSync(stackDir).filter((f) => /override|tfplan|^\.terraform$/.test(f))).toEqual([]);

  const second = path.join(work, 'second');
  const staged = stagePlanArtifact({ outdir: out, stacks: [STACK], dest: second, stackDirOf: () => planned.workDir });
  expect(staged).toEqual(
    expect.arrayContaining([
      'manifest.json',
      `stacks/${STACK}/cdk.tf.json`,
      `stacks/${STACK}/.terraform.lock.hcl`,
      `stacks/${STACK}/${DEPLOY_PLAN_FILE}`,
      expect.stringMatching(new RegExp(`^stacks/${STACK}/assets/csv_parser_code/[0-9a-f]+/[a-z0-9-]+\\.zip$`)),
    ]),
  );
  expect(staged.filter((f) => f.includes('override') || f.includes('.terraform/') || f.endsWith('.tfstate'))).toEqual([]);
  const dir = path.join(second, 'stacks', STACK);

  // 1. Providers from the lock file, without touching the backend (its S3 bucket does not exist offline).
  await terraform(['init', '-input=false', '-no-color', '-backend=false'], { cwd: dir, cliConfig, env });

  // 2. The plan reads, and the files it names are there with the content it recorded.
  const shown = await showPlanJson(dir, DEPLOY_PLAN_FILE, { cliConfig, env });
  expect(managedChanges(shown).filter((c) => c.type === 'aws_lambda_function')).toHaveLength(FUNCTIONS.length);
  expect(assetProblems(dir, shown)).toEqual([]);
  // The check can fail: without assets/ (the old artifact), every function's ZIP is missing.
  const withoutAssets = path.join(work, 'without-assets');
  fs.cpSync(dir, withoutAssets, { recursive: true });
  fs.rmSync(path.join(withoutAssets, 'assets'), { recursive: true });
  expect(assetProblems(withoutAssets, shown)).toHaveLength(FUNCTIONS.length);

  // 3. A dry apply: past the plan, backend and providers, into the provider's first API calls.
  const proxy = `http://127.0.0.1:${await closedPort()}`;
  const result = await terraform(['apply', '-input=false', '-no-color', DEPLOY_PLAN_FILE], {
    cwd: dir,
    cliConfig,
    env: { ...env, HTTPS_PROXY: proxy, HTTP_PROXY: proxy, NO_PROXY: '', AWS_MAX_ATTEMPTS: '1', AWS_EC2_METADATA_DISABLED: 'true' },
    allowFailure: true,
  });
  const output = `${result.stdout}\n${result.stderr}`;
  expect(result.exitCode).toBe(1);
  expect(output).toMatch(/: Creating\.\.\./);
  expect(output).toMatch(/127\.0\.0\.1:\d+: connect: connection refused/);
  expect(output).not.toMatch(/no such file|reading ZIP|Failed to load|dependency lock file|Saved plan is stale|Backend initialization required/i);
});
