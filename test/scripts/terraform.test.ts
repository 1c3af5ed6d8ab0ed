/**
 * Tier 3: every environment stack and every stage stack passes `terraform validate` and a real offline
 * `terraform plan` (no credentials), with the project's own CLI config, in offline working copies (local
 * backend, dummy credentials; the synthesized folders are only read).
 *
 * Cost on 2 cores is what decides the shape. Every Terraform command loads the AWS provider's schema and
 * starts a provider per configuration before it plans anything (4-8 CPU-seconds a stack), so:
 * - Stacks are planned in groups, one `terraform plan` per group: the stacks of each environment, and the
 *   stage ladder. Each stack is a child module of a generated root (test/support/plan-groups.ts says what
 *   stays the same and what the root puts back); diagnostics and planned changes are split by stack. One
 *   environment stack is also planned on its own, as `npm run plan` plans it, and must plan the same changes.
 *   Alone, the tier took 405 CPU-seconds against 470 and 506 for one plan per stack (runs interleaved,
 *   2026-12-05).
 * - `terraform init` runs once per distinct provider requirement (today one: hashicorp/aws 5.100.0), into a
 *   data dir the plans share through TF_DATA_DIR. Each root gets init's lock file and the same local backend,
 *   so the backend recorded in the shared data dir matches; Terraform refuses to plan when it does not.
 * - `terraform plan` runs `terraform validate`'s walk itself before planning (the local backend's "running
 *   validation operation", walkValidate) and fails with the same diagnostics, so a separate `validate` would
 *   only load the schema again. The first test below proves that equivalence on a config only validation
 *   rejects, planned inside a group, so the split of diagnostics by stack is checked too.
 * - The plan's own machine-readable stream (`-json`) carries the diagnostics, the change summary and one
 *   `planned_change` per resource: the environment digests for the plan-summary check are built from it.
 *   `terraform show -json` (the product's path in `npm run plan:summary`) reads the stack planned on its own.
 * The tree is synthesized once per jest run (test/support/synthesized.ts), a stage stack byte-identical to an
 * environment stack is planned once (as the environment's), and two plans run at a time.
 * - The same goes for a stage stack's WAF web ACL (seconds of CPU each) that an environment stack declares byte for
 *   byte under the same provider block: the environment's plan plans it, the stage stack plans a `terraform_data`
 *   stand-in in its place, and its other resources see the same unknown ARN (test/support/stand-ins.ts says when).
 *   The ladder planned in 40-47 CPU-seconds instead of 99-104, with the same planned values for all 942 other
 *   resources (`terraform show -json` of both, 2026-12-05).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { environmentNames } from '../../environments/lib/load';
import { listStacks, init, prepareOfflineCopy, providerBlocks, showPlanJson, summarizePlan, terraform, validateIn, writeCliConfig, writeOfflineOverride, type TerraformConfig } from '../../scripts/lib/terraform';
import { digestPlan, GITHUB_COMMENT_LIMIT, renderPlanSummary, type ChangeDigest, type StackDigest } from '../../scripts/lib/plan-summary';
import { SYSTEMS } from '../../environments/lib/schema';
import { synthesizedTree } from '../support/synthesized';
import { parseEvents, rootChanges, splitGroupPlan, writeGroupRoot, type GroupMember, type GroupPlan } from '../support/plan-groups';
import { plannedAsIs, standIn, type StandIn } from '../support/stand-ins';

jest.setTimeout(600_000);

interface TierStack extends GroupMember {
  /** `environment classifyhub-dev`, `stage 09-cdn`. */
  readonly name: string;
  /** The plan group: the environment's name, or `stages`. */
  readonly group: string;
}

const tree = synthesizedTree();
const environments = environmentNames();
const environmentOf = (dir: string): string => {
  const env = environments.find((e) => path.basename(dir).endsWith(`-${e}`));
  if (!env) throw new Error(`stack ${path.basename(dir)} belongs to no environment (${environments.join(', ')})`);
  return env;
};
const allStacks: TierStack[] = [
  ...listStacks(tree.environments).map((dir): TierStack => ({ name: `environment ${path.basename(dir)}`, module: path.basename(dir), dir, group: environmentOf(dir) })),
  ...[...tree.stages].flatMap(([slug, outdir]) => listStacks(outdir).map((dir): TierStack => ({ name: `stage ${slug}`, module: `stage-${slug}`, dir, group: 'stages' }))),
];
// A stage stack byte-identical to an environment stack (dev runs its own stage) is planned once.
const seen = new Map<string, string>();
const duplicates: Array<[string, string]> = [];
/** Resources each planned stack declares, counted from the same read as the comparison. */
const declared = new Map<string, number>();
/** Each planned stack's configuration, from the same read. */
const configs = new Map<string, TerraformConfig>();
const distinct = allStacks.filter(({ name, dir }) => {
  const content = fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8');
  const first = seen.get(content);
  if (first) {
    duplicates.push([name, first]);
    return false;
  }
  seen.set(content, name);
  const config = JSON.parse(content) as TerraformConfig;
  configs.set(dir, config);
  declared.set(dir, Object.values(config.resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0));
  return true;
});
const declaredCount = (dir: string): number => declared.get(dir)!;
const environmentStacks = distinct.filter((s) => s.group !== 'stages');
// A stage stack's WAF web ACL that an environment stack declares byte for byte (same provider block) is planned
// there, and stood in for here (test/support/stand-ins.ts); environment stacks are always planned as they are.
const plannedKeys = plannedAsIs(environmentStacks.map((s) => ({ name: s.module, config: configs.get(s.dir)! })));
const standIns = new Map<string, StandIn[]>();
const stacks = distinct.map((s): TierStack => {
  if (s.group !== 'stages') return s;
  const result = standIn(configs.get(s.dir)!, plannedKeys);
  if (result.standIns.length === 0) return s;
  standIns.set(s.module, result.standIns);
  return { ...s, config: result.config };
});
// The smallest environment stack is also planned on its own, the way `npm run plan` plans a stack.
const aloneStack = environmentStacks.reduce((a, b) => (declaredCount(b.dir) < declaredCount(a.dir) ? b : a));
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-tier-'));
const cliConfig = writeCliConfig(workDir);
afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

/** Name of the local state in every root (never written: plans run with -lock=false, nothing is applied). */
const SHARED_STATE_NAME = 'offline';
const initDirs = new Map<string, Promise<string>>();
/**
 * The folder initialized for a provider requirement (`terraform.required_providers`): the first root with a
 * requirement inits a folder holding only that requirement and the offline backend; the others reuse it.
 */
function sharedInit(config: TerraformConfig): Promise<string> {
  const requirement = config.terraform?.required_providers ?? {};
  const key = JSON.stringify(requirement);
  let ready = initDirs.get(key);
  if (!ready) {
    ready = (async () => {
      const dir = fs.mkdtempSync(path.join(workDir, 'init-'));
      // The requirement alone, with the offline backend every root gets (same override, same name).
      fs.writeFileSync(path.join(dir, 'cdk.tf.json'), JSON.stringify({ terraform: { required_providers: requirement } }));
      writeOfflineOverride(dir, SHARED_STATE_NAME);
      await init(dir, { cliConfig });
      return dir;
    })();
    initDirs.set(key, ready);
  }
  return ready;
}

const PLAN_ARGS = ['plan', '-input=false', '-no-color', '-refresh=false', '-lock=false', '-json'];

/**
 * Plans the root in `root` against the shared init; `out` also saves the plan there. The root's data dir links
 * the shared providers and holds the shared backend record; `terraform get` records its local modules (no
 * download, no provider hashing).
 */
async function planRoot(root: string, out?: string) {
  const config = JSON.parse(fs.readFileSync(path.join(root, 'cdk.tf.json'), 'utf8')) as TerraformConfig;
  const initDir = await sharedInit(config);
  fs.copyFileSync(path.join(initDir, '.terraform.lock.hcl'), path.join(root, '.terraform.lock.hcl'));
  const dataDir = path.join(root, '.terraform');
  fs.mkdirSync(dataDir, { recursive: true });
  fs.rmSync(path.join(dataDir, 'providers'), { recursive: true, force: true }); // a link left by an earlier run of the same copy
  fs.symlinkSync(path.join(initDir, '.terraform', 'providers'), path.join(dataDir, 'providers'));
  fs.copyFileSync(path.join(initDir, '.terraform', 'terraform.tfstate'), path.join(dataDir, 'terraform.tfstate'));
  if (config.module) await terraform(['get', '-no-color'], { cwd: root, cliConfig });
  const run = await terraform([...PLAN_ARGS, ...(out ? [`-out=${out}`] : [])], { cwd: root, cliConfig, allowFailure: true });
  return { events: parseEvents(run.stdout), exitCode: run.exitCode };
}

/** Plans `members` as one group in a fresh root named `name`. */
async function planGroup(name: string, members: readonly GroupMember[]): Promise<GroupPlan> {
  const root = path.join(workDir, `group-${name}`);
  writeGroupRoot(root, members, SHARED_STATE_NAME);
  const { events, exitCode } = await planRoot(root);
  return splitGroupPlan(events, members.map((m) => m.module), exitCode);
}

/** Runs `task`s at most two at a time, in the order asked. */
const slots = { free: 2, waiting: [] as Array<() => void> };
async function twoAtATime<T>(task: () => Promise<T>): Promise<T> {
  if (slots.free === 0) await new Promise<void>((resolve) => slots.waiting.push(resolve));
  else slots.free -= 1;
  try {
    return await task();
  } finally {
    const next = slots.waiting.shift();
    if (next) next();
    else slots.free += 1;
  }
}

// Largest groups first, so the last to finish is small; every stack test awaits its group's plan.
const groupSize = new Map<string, number>();
for (const s of stacks) groupSize.set(s.group, (groupSize.get(s.group) ?? 0) + declaredCount(s.dir));
const groupNames = [...groupSize.keys()].sort((a, b) => groupSize.get(b)! - groupSize.get(a)!);
const groupPlans = new Map<string, Promise<GroupPlan>>();
let alonePlan: Promise<{ events: ReturnType<typeof parseEvents>; exitCode: number; digest: StackDigest; shownDigest: StackDigest; summary: ReturnType<typeof summarizePlan> }>;
beforeAll(() => {
  for (const group of groupNames) {
    const plan = twoAtATime(() => planGroup(group, stacks.filter((s) => s.group === group)));
    plan.catch(() => undefined); // reported by the tests that await it
    groupPlans.set(group, plan);
  }
  alonePlan = twoAtATime(async () => {
    // The product's offline working copy, with the backend name the shared init recorded.
    const root = prepareOfflineCopy(aloneStack.dir);
    writeOfflineOverride(root, SHARED_STATE_NAME);
    const { events, exitCode } = await planRoot(root, 'tfplan');
    const json = await showPlanJson(root, 'tfplan', { cliConfig });
    const shownDigest = digestPlan(aloneStack.module, json);
    const digest: StackDigest = { stack: aloneStack.module, changes: rootChanges(events), unchanged: 0, drift: [] };
    return { events, exitCode, digest, shownDigest, summary: summarizePlan(json) };
  });
  alonePlan.catch(() => undefined);
});

const byAddress = (a: ChangeDigest, b: ChangeDigest): number => a.address.localeCompare(b.address);

test('terraform plan rejects what terraform validate rejects (so the tier runs plan only), and a group names the stack at fault', async () => {
  // Values only the provider's validation rejects (no plan-time or API check is involved), in one stack of two.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-validate-'));
  try {
    const only = JSON.parse(fs.readFileSync(path.join(aloneStack.dir, 'cdk.tf.json'), 'utf8')) as { terraform: { required_providers: object } };
    const write = (name: string, resource: object) => {
      fs.mkdirSync(path.join(dir, name, 'stacks', name), { recursive: true });
      const file = path.join(dir, name, 'stacks', name, 'cdk.tf.json');
      fs.writeFileSync(file, JSON.stringify({ terraform: { required_providers: only.terraform.required_providers }, provider: { aws: [{ region: 'us-east-1' }] }, resource }));
      return path.dirname(file);
    };
    const broken = write('broken', {
      aws_sqs_queue: { q: { name: 'q', visibility_timeout_seconds: 99_999_999 } },
      aws_lambda_function: { f: { function_name: 'f', role: 'arn:aws:iam::123456789012:role/r', runtime: 'nodejs99.x', handler: 'i.h', filename: 'x.zip' } },
    });
    const fine = write('fine', { aws_sqs_queue: { q: { name: 'fine' } } });
    const alone = path.join(dir, 'validate');
    fs.cpSync(broken, alone, { recursive: true });
    writeOfflineOverride(alone, 'validate');
    await init(alone, { cliConfig });
    const validate = await validateIn(alone, { cliConfig, name: 'fixture' }).then(() => 'passed', (e: Error) => e.message);
    const group = await planGroup('fixture', [{ module: 'broken', dir: broken }, { module: 'fine', dir: fine }]);
    for (const expected of [/visibility_timeout_seconds to be in the range/, /expected runtime to be one of .*got nodejs99\.x/]) {
      expect(validate).toMatch(expected);
      expect(group.members.get('broken')!.errors.join('\n')).toMatch(expected);
    }
    expect({ fine: group.members.get('fine')!.errors, unattributed: group.unattributed }).toEqual({ fine: [], unattributed: [] });
    expect(group.exitCode).not.toBe(0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('every system of every environment, and every implemented stage, has a stack to plan', () => {
  const envStacks = allStacks.filter((s) => s.group !== 'stages').map((s) => s.module);
  for (const env of environments) {
    const systems = envStacks.filter((s) => s.endsWith(`-${env}`)).map((s) => s.slice(0, -env.length - 1));
    expect({ env, systems: systems.sort() }).toEqual({ env, systems: expect.arrayContaining(['classifyhub']) });
    for (const s of systems) expect(SYSTEMS).toContain(s);
  }
  expect(allStacks.filter((s) => s.group === 'stages').length).toBe(tree.stages.size);
  // Only exact copies are skipped (dev runs the last stage, so that stage stack is its environment stack).
  for (const [copy, original] of duplicates) expect([copy, original.startsWith('environment ')]).toEqual([copy, true]);
});

test('a stage stack\'s WAF web ACL is stood in for only when an environment stack declares it byte for byte, under the same provider settings', () => {
  // The block without CDKTF's metadata and without the alias it names (the settings are compared next).
  const strip = (body: Record<string, unknown>) => JSON.stringify({ ...body, '//': undefined, provider: undefined });
  const providerOf = (config: TerraformConfig, body: Record<string, unknown>) => {
    const [name, alias] = typeof body.provider === 'string' ? body.provider.split('.') : ['aws', undefined];
    return JSON.stringify({ ...providerBlocks(config, name).find((b) => b.alias === alias), alias: undefined });
  };
  const all = [...standIns].flatMap(([module, list]) => list.map((s) => ({ module, ...s })));
  // Today all seven of the ladder's ACLs (stages 09-13) are copies of classifyhub-dev's two. If a change makes them
  // differ, this fails: the tier then plans them in full (about 7 CPU-seconds each), so check npm test's time first.
  expect({ standIns: all.length }).toEqual({ standIns: 7 });
  for (const { module, address, plannedIn } of all) {
    const stage = stacks.find((s) => s.module === module)!;
    const original = configs.get(stage.dir)!;
    const environment = configs.get(environmentStacks.find((e) => e.module === plannedIn)!.dir)!;
    const [type, name] = address.split('.');
    const body = original.resource![type][name];
    const twin = Object.values(environment.resource?.[type] ?? {}).find((b) => strip(b) === strip(body) && providerOf(environment, b) === providerOf(original, body));
    expect({ module, address, plannedIn, twin: twin !== undefined }).toEqual({ module, address, plannedIn, twin: true });
    // What is planned instead: the stand-in, and nothing left that refers to the ACL (no interpolation, no depends_on).
    const planned = JSON.stringify(stage.config);
    const left = { resource: stage.config!.resource![type]?.[name] !== undefined, interpolation: new RegExp(`\\$\\{[^}]*\\b${type}\\.${name}\\b`).test(planned), dependsOn: planned.includes(`"${address}"`) };
    expect({ address, ...left }).toEqual({ address, resource: false, interpolation: false, dependsOn: false });
    expect(stage.config!.resource!.terraform_data[name]).toEqual(expect.objectContaining({ input: `stand-in for ${address}, planned in ${plannedIn}` }));
  }
});

/** Plan digests of the environment stacks, for the plan summary of each environment (last test). */
const environmentDigests: StackDigest[] = [];

test.each(stacks.map((s) => [s.name, s] as const))('%s: terraform validate (inside plan) and offline plan create every declared resource', async (name, stack) => {
  const group = await groupPlans.get(stack.group)!;
  const own = group.members.get(stack.module)!;
  // A stack whose group failed because of another stack says which one (Terraform plans nothing after an error).
  const failedElsewhere = [...group.members].filter(([m, p]) => m !== stack.module && p.errors.length > 0).map(([m]) => m);
  expect({ name, errors: own.errors, unattributed: group.unattributed, failedElsewhere }).toEqual({ name, errors: [], unattributed: [], failedElsewhere: [] });
  expect({ name, exitCode: group.exitCode }).toEqual({ name, exitCode: 0 });
  // Offline there is no state: every managed resource is a create, so the digest is the planned creates.
  const changes = [...own.changes].sort(byAddress);
  expect({ name, actions: [...new Set(changes.map((c) => c.action))], count: changes.length }).toEqual({ name, actions: ['create'], count: declaredCount(stack.dir) });
  if (stack.group === 'stages') return;
  const digest: StackDigest = { stack: stack.module, changes, unchanged: 0, drift: [] };
  expect(renderPlanSummary([digest]).length).toBeLessThan(GITHUB_COMMENT_LIMIT);
  environmentDigests.push(digest);
});

test(`a stack planned on its own, as npm run plan plans it, plans what it plans in its group (${aloneStack.module})`, async () => {
  const alone = await alonePlan;
  expect(alone.exitCode).toBe(0);
  const declared = declaredCount(aloneStack.dir);
  expect(alone.summary.actions).toMatchObject({ create: declared, update: 0, replace: 0, delete: 0 });
  // The plan stream and `terraform show -json` (npm run plan:summary's path) give the same digest ...
  const sorted = (d: StackDigest) => ({ ...d, changes: [...d.changes].sort(byAddress) });
  expect(sorted(alone.shownDigest)).toEqual(sorted(alone.digest));
  // ... and the stack's group planned the same changes at the same addresses.
  const inGroup = (await groupPlans.get(aloneStack.group)!).members.get(aloneStack.module)!;
  expect(sorted(alone.digest).changes).toEqual([...inGroup.changes].sort(byAddress));
  expect(alone.digest.changes).toHaveLength(declared);
});

test('the plan summary of every environment (all its stacks) stays under GitHub\'s comment limit', () => {
  expect(environmentDigests.length).toBe(allStacks.filter((s) => s.group !== 'stages').length);
  for (const env of environments) {
    const own = environmentDigests.filter((d) => d.stack.endsWith(`-${env}`));
    expect(own.length).toBeGreaterThan(0);
    const markdown = renderPlanSummary(own, { title: `Terraform plan: ${env}` });
    expect({ env, length: markdown.length, under: markdown.length < GITHUB_COMMENT_LIMIT }).toMatchObject({ env, under: true });
    const planned = own.reduce((n, d) => n + d.changes.length, 0);
    expect(markdown).toContain(`**${planned} to add**`);
  }
});
