/**
 * Tier 3: every environment stack and every stage stack passes
 * `terraform validate` and a real offline `terraform plan` (no credentials),
 * with the project's own CLI config and offline override.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildApp } from '../../main';
import { environmentNames, loadEnvironment } from '../../environments/lib/load';
import { IMPLEMENTED_STAGES, StageSlug } from '../../systems/classifyhub/stages';
import { addClassifyHubStacks, atStage } from '../../systems/classifyhub/app';
import { synthInto } from '../../scripts/lib/synth';
import { listStacks, planStackJson, summarizePlan, validate, writeCliConfig } from '../../scripts/lib/terraform';
import { digestPlan, GITHUB_COMMENT_LIMIT, renderPlanSummary, type StackDigest } from '../../scripts/lib/plan-summary';

jest.setTimeout(300_000);

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-stacks-'));
synthInto(path.join(work, 'environments'), buildApp);
const dev = loadEnvironment('dev');
for (const s of IMPLEMENTED_STAGES) synthInto(path.join(work, 'stages', s.slug), (app) => addClassifyHubStacks(app, [atStage(dev, s.slug as StageSlug)]));

const allStacks: Array<[string, string]> = [
  ...listStacks(path.join(work, 'environments')).map((d) => [`environment ${path.basename(d)}`, d] as [string, string]),
  ...IMPLEMENTED_STAGES.flatMap((s) => listStacks(path.join(work, 'stages', s.slug)).map((d) => [`stage ${s.slug}`, d] as [string, string])),
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
const cliConfig = writeCliConfig(path.join(work, 'terraform'));

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

test('every environment and implemented stage has a stack to plan', () => {
  expect(allStacks).toHaveLength(3 * 2 + IMPLEMENTED_STAGES.length); // 3 environments x (classifyhub, onboarding), and the stages
  // Only exact copies are skipped: dev runs the last stage, so its stage stack is its environment stack.
  expect(duplicates).toEqual([[`stage ${dev.classifyhub.stage}`, 'environment classifyhub-dev']]);
});

/** Plan digests of the environment stacks, for the plan summary of each environment (last test). */
const environmentDigests: StackDigest[] = [];

test.concurrent.each(stacks)('%s: terraform validate and offline plan', async (name, dir) => {
  const { json } = await planStackJson(dir, { cliConfig, offline: true });
  const summary = summarizePlan(json);
  await validate(dir, { cliConfig });
  const config = JSON.parse(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8')) as { resource: Record<string, object> };
  const declared = Object.values(config.resource).reduce((n, byName) => n + Object.keys(byName).length, 0);
  expect(summary.actions).toMatchObject({ create: declared, update: 0, replace: 0, delete: 0 });
  const digest = digestPlan(path.basename(dir), json);
  expect(renderPlanSummary([digest]).length).toBeLessThan(GITHUB_COMMENT_LIMIT);
  if (name.startsWith('environment ')) environmentDigests.push(digest);
});

test('the plan summary of every environment (all its stacks) stays under GitHub\'s comment limit', () => {
  const environments = environmentNames();
  expect(environmentDigests.length).toBe(listStacks(path.join(work, 'environments')).length);
  for (const env of environments) {
    const own = environmentDigests.filter((d) => d.stack.endsWith(`-${env}`));
    expect(own.length).toBeGreaterThan(0);
    const markdown = renderPlanSummary(own, { title: `Terraform plan: ${env}` });
    expect({ env, length: markdown.length, under: markdown.length < GITHUB_COMMENT_LIMIT }).toMatchObject({ env, under: true });
    const planned = own.reduce((n, d) => n + d.changes.length, 0);
    expect(markdown).toContain(`**${planned} to add**`);
  }
});
