/**
 * Tier 3: every environment stack and every stage stack passes `terraform validate` and a real offline
 * `terraform plan` (no credentials), with the project's own CLI config, in the stack's offline working
 * copy (local backend, dummy credentials; the synthesized folder is only read).
 *
 * Cost on 2 cores is what decides the shape. Every Terraform command loads the AWS provider's schema
 * (seconds each), so each stack runs one command, `plan`:
 * - `terraform init` runs once per distinct provider requirement (today one: every stack requires
 *   hashicorp/aws 5.100.0), into a data dir the plans share through TF_DATA_DIR, instead of once per stack
 *   (the tier alone went from 544 to 469 CPU-seconds, 2026-12-04: init also hashes the 700 MB provider). Each working copy gets init's lock file and the same local backend, so the
 *   backend recorded in the shared data dir matches every copy; Terraform refuses to plan when it does not.
 * - `terraform plan` runs `terraform validate`'s walk itself before planning (the local backend's
 *   "running validation operation", walkValidate) and fails with the same diagnostics, so a separate
 *   `validate` would only load the schema a second time. The first test below proves that equivalence on
 *   a config only validation can reject, so the claim is checked, not assumed.
 * - The plan's own machine-readable stream (`-json`) carries the diagnostics, the change summary and one
 *   `planned_change` per resource: the environment digests for the plan-summary check are built from it.
 *   `terraform show -json` (the product's path in `npm run plan:summary`) runs once, on the largest
 *   environment stack, and must give the same digest.
 * The tree is synthesized once per jest run (test/support/synthesized.ts), a stage stack byte-identical to
 * an environment stack is planned once, and plans run two at a time.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { environmentNames } from '../../environments/lib/load';
import { listStacks, init, prepareOfflineCopy, showPlanJson, summarizePlan, terraform, validateIn, writeCliConfig, writeOfflineOverride, type TerraformConfig } from '../../scripts/lib/terraform';
import { digestPlan, GITHUB_COMMENT_LIMIT, renderPlanSummary, type ChangeDigest, type StackDigest } from '../../scripts/lib/plan-summary';
import { SYSTEMS } from '../../environments/lib/schema';
import { synthesizedTree } from '../support/synthesized';

jest.setTimeout(600_000);

const tree = synthesizedTree();
const allStacks: Array<[string, string]> = [
  ...listStacks(tree.environments).map((d) => [`environment ${path.basename(d)}`, d] as [string, string]),
  ...[...tree.stages].flatMap(([slug, outdir]) => listStacks(outdir).map((d) => [`stage ${slug}`, d] as [string, string])),
];
// A stage stack byte-identical to an environment stack (dev runs its own stage) is planned once.
const seen = new Map<string, string>();
const duplicates: Array<[string, string]> = [];
const stacks = allStacks.filter(([name, dir]) => {
  const content = fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8');
  const first = seen.get(content);
  if (first) duplicates.push([name, first]);
  else seen.set(content, name);
  return !first;
});
const declaredCount = (dir: string): number => {
  const config = JSON.parse(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8')) as { resource: Record<string, object> };
  return Object.values(config.resource).reduce((n, byName) => n + Object.keys(byName).length, 0);
};
// The largest environment stack: its plan is also read back with `terraform show -json`.
const showStack = listStacks(tree.environments).reduce((a, b) => (declaredCount(b) > declaredCount(a) ? b : a));
const cliDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-cli-'));
const cliConfig = writeCliConfig(cliDir);
afterAll(() => fs.rmSync(cliDir, { recursive: true, force: true }));

/** Name of the local state in every working copy (never written: plans run with -lock=false, nothing is applied). */
const SHARED_STATE_NAME = 'offline';
const initDirs = new Map<string, Promise<string>>();
/**
 * The folder initialized for the provider requirement of `stackDir` (`terraform.required_providers`): the first
 * stack with a requirement inits a folder holding only that requirement and the offline backend; the others
 * with the same requirement reuse it.
 */
function sharedInit(stackDir: string): Promise<string> {
  const config = JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8')) as TerraformConfig;
  const requirement = config.terraform?.required_providers ?? {};
  const key = JSON.stringify(requirement);
  let ready = initDirs.get(key);
  if (!ready) {
    ready = (async () => {
      const dir = fs.mkdtempSync(path.join(cliDir, 'init-'));
      // The requirement alone, with the offline backend every working copy gets (same override, same name).
      fs.writeFileSync(path.join(dir, 'cdk.tf.json'), JSON.stringify({ terraform: { required_providers: requirement } }));
      writeOfflineOverride(dir, SHARED_STATE_NAME);
      await init(dir, { cliConfig });
      return dir;
    })();
    initDirs.set(key, ready);
  }
  return ready;
}

interface PlanEvent {
  type: string;
  diagnostic?: { severity: string; summary: string; detail?: string };
  changes?: { add: number; change: number; import: number; remove: number };
  change?: { action: string; resource: { addr: string; resource_type: string } };
}

const planArgs = ['plan', '-input=false', '-no-color', '-refresh=false', '-lock=false', '-json'];
const parseEvents = (stdout: string): PlanEvent[] => stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as PlanEvent);
const errorsOf = (events: PlanEvent[]): string[] =>
  events.filter((e) => e.type === 'diagnostic' && e.diagnostic?.severity === 'error').map((e) => `${e.diagnostic?.summary}: ${e.diagnostic?.detail ?? ''}`);
const byAddress = (a: ChangeDigest, b: ChangeDigest): number => a.address.localeCompare(b.address);

test('terraform plan rejects what terraform validate rejects (so the tier runs plan only)', async () => {
  // Values only the provider's validation rejects (no plan-time or API check is involved).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-validate-'));
  try {
    const only = JSON.parse(fs.readFileSync(path.join(showStack, 'cdk.tf.json'), 'utf8')) as { terraform: { required_providers: object }; provider: { aws: Array<Record<string, unknown>> } };
    fs.writeFileSync(
      path.join(dir, 'cdk.tf.json'),
      JSON.stringify({
        terraform: { required_providers: only.terraform.required_providers },
        provider: { aws: [{ region: 'us-east-1' }] },
        resource: {
          aws_sqs_queue: { q: { name: 'q', visibility_timeout_seconds: 99_999_999 } },
          aws_lambda_function: { f: { function_name: 'f', role: 'arn:aws:iam::123456789012:role/r', runtime: 'nodejs99.x', handler: 'i.h', filename: 'x.zip' } },
        },
      }),
    );
    writeOfflineOverride(dir, 'validate');
    await init(dir, { cliConfig });
    const validate = await validateIn(dir, { cliConfig, name: 'fixture' }).then(() => 'passed', (e: Error) => e.message);
    const planned = await terraform(planArgs, { cwd: dir, cliConfig, allowFailure: true });
    const planErrors = errorsOf(parseEvents(planned.stdout));
    for (const expected of [/visibility_timeout_seconds to be in the range/, /expected runtime to be one of .*got nodejs99\.x/]) {
      expect(validate).toMatch(expected);
      expect(planErrors.join('\n')).toMatch(expected);
    }
    expect(planned.exitCode).not.toBe(0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('every system of every environment, and every implemented stage, has a stack to plan', () => {
  const environments = environmentNames();
  const envStacks = allStacks.filter(([n]) => n.startsWith('environment ')).map(([n]) => n.slice('environment '.length));
  for (const env of environments) {
    const systems = envStacks.filter((s) => s.endsWith(`-${env}`)).map((s) => s.slice(0, -env.length - 1));
    expect({ env, systems: systems.sort() }).toEqual({ env, systems: expect.arrayContaining(['classifyhub']) });
    for (const s of systems) expect(SYSTEMS).toContain(s);
  }
  expect(allStacks.filter(([n]) => n.startsWith('stage ')).length).toBe(tree.stages.size);
  // Only exact copies are skipped (dev runs the last stage, so that stage stack is its environment stack).
  for (const [copy, original] of duplicates) expect([copy, original.startsWith('environment ')]).toEqual([copy, true]);
});

/** Plan digests of the environment stacks, for the plan summary of each environment (last test). */
const environmentDigests: StackDigest[] = [];

test.concurrent.each(stacks)('%s: terraform validate (inside plan) and offline plan create every declared resource', async (name, dir) => {
  const work = prepareOfflineCopy(dir);
  writeOfflineOverride(work, SHARED_STATE_NAME);
  const initDir = await sharedInit(dir);
  fs.copyFileSync(path.join(initDir, '.terraform.lock.hcl'), path.join(work, '.terraform.lock.hcl'));
  const env = { ...process.env, TF_DATA_DIR: path.join(initDir, '.terraform') };
  const shown = dir === showStack;
  const run = await terraform([...planArgs, ...(shown ? ['-out=tfplan'] : [])], { cwd: work, cliConfig, env, allowFailure: true });
  const events = parseEvents(run.stdout);
  expect({ name, errors: errorsOf(events), exitCode: run.exitCode }).toEqual({ name, errors: [], exitCode: 0 });
  const declared = declaredCount(dir);
  expect(events.find((e) => e.type === 'change_summary')?.changes).toMatchObject({ add: declared, change: 0, remove: 0 });
  if (!name.startsWith('environment ')) return;
  // Offline there is no state: every managed resource is a create, so the digest is the planned creates.
  const changes = events
    .filter((e) => e.type === 'planned_change' && e.change && !e.change.resource.addr.startsWith('data.') && !e.change.resource.addr.includes('.data.'))
    .map((e): ChangeDigest => ({ address: e.change!.resource.addr, type: e.change!.resource.resource_type, action: e.change!.action as ChangeDigest['action'] }))
    .sort(byAddress);
  expect({ name, actions: [...new Set(changes.map((c) => c.action))], count: changes.length }).toEqual({ name, actions: ['create'], count: declared });
  const digest: StackDigest = { stack: path.basename(dir), changes, unchanged: 0, drift: [] };
  if (shown) {
    const json = await showPlanJson(work, 'tfplan', { cliConfig, env });
    expect(summarizePlan(json).actions).toMatchObject({ create: declared, update: 0, replace: 0, delete: 0 });
    const fromShow = digestPlan(path.basename(dir), json);
    expect({ ...fromShow, changes: [...fromShow.changes].sort(byAddress) }).toEqual(digest);
  }
  expect(renderPlanSummary([digest]).length).toBeLessThan(GITHUB_COMMENT_LIMIT);
  environmentDigests.push(digest);
});

test('the plan summary of every environment (all its stacks) stays under GitHub\'s comment limit', () => {
  expect(environmentDigests.length).toBe(listStacks(tree.environments).length);
  for (const env of environmentNames()) {
    const own = environmentDigests.filter((d) => d.stack.endsWith(`-${env}`));
    expect(own.length).toBeGreaterThan(0);
    const markdown = renderPlanSummary(own, { title: `Terraform plan: ${env}` });
    expect({ env, length: markdown.length, under: markdown.length < GITHUB_COMMENT_LIMIT }).toMatchObject({ env, under: true });
    const planned = own.reduce((n, d) => n + d.changes.length, 0);
    expect(markdown).toContain(`**${planned} to add**`);
  }
});
