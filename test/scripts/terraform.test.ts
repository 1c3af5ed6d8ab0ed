/**
 * Tier 3: every environment stack and every stage stack passes `terraform validate` and a real offline
 * `terraform plan` (no credentials), with the project's own CLI config, in the stack's offline working
 * copy (local backend, dummy credentials; the synthesized folder is only read).
 *
 * Cost on 2 cores is what decides the shape: the tree is synthesized once per jest run
 * (test/support/synthesized.ts), a stage stack byte-identical to an environment stack is planned once,
 * plans run two at a time, and `terraform show -json` (about a third of a plan's time) runs only for
 * the environment stacks, whose digests feed the plan-summary check. The stage stacks' counts come from
 * the plan's own machine-readable stream (`-json`: diagnostics and the change summary).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { environmentNames } from '../../environments/lib/load';
import { listStacks, init, prepareOfflineCopy, showPlanJson, summarizePlan, terraform, validateIn, writeCliConfig } from '../../scripts/lib/terraform';
import { digestPlan, GITHUB_COMMENT_LIMIT, renderPlanSummary, type StackDigest } from '../../scripts/lib/plan-summary';
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
const cliDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-cli-'));
const cliConfig = writeCliConfig(cliDir);
afterAll(() => fs.rmSync(cliDir, { recursive: true, force: true }));

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

interface PlanEvent {
  type: string;
  diagnostic?: { severity: string; summary: string; detail?: string };
  changes?: { add: number; change: number; import: number; remove: number };
}

test.concurrent.each(stacks)('%s: terraform validate and offline plan create every declared resource', async (name, dir) => {
  const work = prepareOfflineCopy(dir);
  await init(work, { cliConfig });
  await validateIn(work, { cliConfig, name: dir });
  const run = await terraform(['plan', '-input=false', '-no-color', '-refresh=false', '-lock=false', '-json', '-out=tfplan'], { cwd: work, cliConfig, allowFailure: true });
  const events = run.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as PlanEvent);
  const errors = events.filter((e) => e.type === 'diagnostic' && e.diagnostic?.severity === 'error').map((e) => `${e.diagnostic?.summary}: ${e.diagnostic?.detail ?? ''}`);
  expect({ name, errors, exitCode: run.exitCode }).toEqual({ name, errors: [], exitCode: 0 });
  const config = JSON.parse(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8')) as { resource: Record<string, object> };
  const declared = Object.values(config.resource).reduce((n, byName) => n + Object.keys(byName).length, 0);
  expect(events.find((e) => e.type === 'change_summary')?.changes).toMatchObject({ add: declared, change: 0, remove: 0 });
  if (name.startsWith('environment ')) {
    const json = await showPlanJson(work, 'tfplan', { cliConfig });
    expect(summarizePlan(json).actions).toMatchObject({ create: declared, update: 0, replace: 0, delete: 0 });
    const digest = digestPlan(path.basename(dir), json);
    expect(renderPlanSummary([digest]).length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    environmentDigests.push(digest);
  }
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
