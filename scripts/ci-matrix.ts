/**
 * `npx tsx scripts/ci-matrix.ts [--head <outdir>] [--base <outdir>] [--environment <env>]...`
 *
 * The GitHub Actions matrices of plan.yml, deploy.yml and drift.yml, from the synth output (`--head`,
 * default cdktf.out) and the environment files:
 *
 * - `stacks`: one entry per stack to plan: `{ environment, stack, account, region, plan_role, deploy_role }`;
 * - `environments`: one entry per environment, ordered dev → staging → prod (tier, then name);
 * - `any`: "true" when there is something to do.
 *
 * With `--base <outdir>` (the synth output of the base commit) only what the change touches is listed: a
 * stack whose cdk.tf.json differs or is new, and the environments of those stacks. Without it, every stack
 * (of the `--environment`s given, else of every environment).
 *
 * The role ARNs follow one convention per account, so there is nothing to configure per repository:
 * `arn:aws:iam::<account>:role/classifyhub-github-plan` (read-only + state lock) and
 * `…/classifyhub-github-deploy` (assumable only from the GitHub environment of the same name).
 * Writes `stacks=`, `environments=` and `any=` to $GITHUB_OUTPUT when set, and prints the matrix.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadEnvironment } from '../environments/lib/load';
import { TIERS } from '../environments/lib/tiers';
import { OUTDIR, parseArgv, resolveTargets } from './lib/delivery';

const USAGE = 'usage: npx tsx scripts/ci-matrix.ts [--head <outdir>] [--base <outdir>] [--environment <env>]...';

/** IAM role names the workflows assume in every environment's account. */
export const CI_ROLES = { plan: 'classifyhub-github-plan', deploy: 'classifyhub-github-deploy' } as const;

function main(): void {
  const args = parseArgv(process.argv.slice(2), { flags: [], valued: ['--head', '--base', '--environment'] }, USAGE);
  const head = path.resolve(args.value('--head') ?? OUTDIR);
  const base = args.value('--base');
  const only = args.all('--environment');
  const targets = resolveTargets(only.length > 0 ? { environments: only } : { environments: [], all: true }, head);
  const touched = targets.filter((t) => {
    if (!base) return true;
    const before = path.join(path.resolve(base), 'stacks', t.stack, 'cdk.tf.json');
    return !fs.existsSync(before) || fs.readFileSync(before, 'utf8') !== fs.readFileSync(path.join(t.dir, 'cdk.tf.json'), 'utf8');
  });
  const envs = new Map(
    [...new Set(touched.map((t) => t.environment))].map((name) => {
      const env = loadEnvironment(name);
      return [name, { environment: name, tier: env.tier, account: env.account.id, region: env.account.region }];
    }),
  );
  const role = (account: string, kind: keyof typeof CI_ROLES) => `arn:aws:iam::${account}:role/${CI_ROLES[kind]}`;
  const stacks = touched.map((t) => {
    const env = envs.get(t.environment)!;
    return { environment: t.environment, stack: t.stack, account: env.account, region: env.region, plan_role: role(env.account, 'plan'), deploy_role: role(env.account, 'deploy') };
  });
  const environments = [...envs.values()]
    .sort((a, b) => TIERS.indexOf(a.tier) - TIERS.indexOf(b.tier) || (a.environment < b.environment ? -1 : 1))
    .map(({ environment, account, region }) => ({ environment, account, region, plan_role: role(account, 'plan'), deploy_role: role(account, 'deploy') }));
  const output = { stacks: JSON.stringify(stacks), environments: JSON.stringify(environments), any: String(stacks.length > 0) };
  if (process.env.GITHUB_OUTPUT) fs.appendFileSync(process.env.GITHUB_OUTPUT, Object.entries(output).map(([k, v]) => `${k}=${v}\n`).join(''));
  const skipped = targets.length - touched.length;
  console.log(`${stacks.length} stack(s) in ${environments.length} environment(s)${base ? ` touched (${skipped} unchanged)` : ''}: ${stacks.map((s) => s.stack).join(', ') || 'none'}`);
  console.log(JSON.stringify({ stacks, environments }, null, 2));
}

try {
  main();
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
