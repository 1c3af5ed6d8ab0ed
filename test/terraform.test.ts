/**
 * Tier 3: every environment stack and every stage stack passes
 * `terraform validate` and a real offline `terraform plan` (no credentials),
 * with the project's own CLI config and offline override.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildApp } from '../main';
import { loadEnvironment } from '../environments/lib/load';
import { IMPLEMENTED_STAGES, StageSlug } from '../systems/classifyhub/stages';
import { addClassifyHubStacks, atStage } from '../systems/classifyhub/app';
import { synthInto } from '../scripts/lib/synth';
import { listStacks, planStack, validate, writeCliConfig } from '../scripts/lib/terraform';

jest.setTimeout(300_000);

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-stacks-'));
synthInto(path.join(work, 'environments'), buildApp);
const dev = loadEnvironment('dev');
for (const s of IMPLEMENTED_STAGES) synthInto(path.join(work, 'stages', s.slug), (app) => addClassifyHubStacks(app, [atStage(dev, s.slug as StageSlug)]));

const stacks: Array<[string, string]> = [
  ...listStacks(path.join(work, 'environments')).map((d) => [`environment ${path.basename(d)}`, d] as [string, string]),
  ...IMPLEMENTED_STAGES.flatMap((s) => listStacks(path.join(work, 'stages', s.slug)).map((d) => [`stage ${s.slug}`, d] as [string, string])),
];
const cliConfig = writeCliConfig(path.join(work, 'terraform'));

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

test('every environment and implemented stage has a stack to plan', () => {
  expect(stacks).toHaveLength(3 + IMPLEMENTED_STAGES.length);
});

test.concurrent.each(stacks)('%s: terraform validate and offline plan', async (_name, dir) => {
  const summary = await planStack(dir, { cliConfig, offline: true });
  await validate(dir, { cliConfig });
  const config = JSON.parse(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8')) as { resource: Record<string, object> };
  const declared = Object.values(config.resource).reduce((n, byName) => n + Object.keys(byName).length, 0);
  expect(summary.actions).toMatchObject({ create: declared, update: 0, replace: 0, delete: 0 });
});
