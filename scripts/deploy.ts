/**
 * `npm run deploy -- <env> [--no-synth] [--verbose] [--yes] [--plan-only | --apply-planned] [--markdown <file>] [--lock-timeout <d>]`
 *
 * Deploys every stack of one environment (the synthesized folders named `*-<env>`), with the S3 state each
 * stack declares in its cdk.tf.json (the environment's `state`; create it first with `npm run bootstrap -- <env>`):
 *
 *   synth → per stack, in cdktf.out/stacks/<stack>: init, plan -out=deploy.tfplan → summary → confirm →
 *   apply the saved plans.
 *
 * What is applied is exactly the plan that was shown: `terraform apply tfplan`, never a new plan, and
 * Terraform refuses a saved plan whose state changed in between. The run can be split, as CI does:
 * `--plan-only` stops after writing the plans (and the summary), `--apply-planned` applies the saved plans
 * of an earlier `--plan-only` run (in CI: a later job of the same workflow run, after the environment's
 * reviewers approved, with the plan files passed as an artifact).
 *
 * The same folders and the same declared state serve `npx cdktf deploy <stack>`: both paths read and write
 * one state. (`--backend-only`, which used to patch a backend into the folders, is no longer needed.)
 *
 * Needs AWS credentials of the environment's account; offline it refuses and changes nothing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { question } from 'zx';
import { environmentNames, loadEnvironment } from '../environments/lib/load';
import { DEPLOY_PLAN_FILE } from './lib/artifact';
import { OUTDIR, parseArgv, resolveTargets, seconds, synth, type Target } from './lib/delivery';
import { digestPlan, renderPlanSummary, type StackDigest } from './lib/plan-summary';
import { STATEFUL_RESOURCE_TYPES } from './lib/stateful';
import { describeState, stateLocation } from './lib/state';
import { apply, describeChanges, findProviderMirror, formatSummary, init, offlineReason, planStackJson, removeLegacyOverrides, summarizePlan, writeCliConfig } from './lib/terraform';

const USAGE = 'usage: npm run deploy -- <env> [--no-synth] [--verbose] [--yes] [--plan-only | --apply-planned] [--markdown <file>] [--lock-timeout <duration>]';
/** Saved plan of a deploy; not `tfplan`, which `npm run plan` writes. */
const PLAN_FILE = DEPLOY_PLAN_FILE;

async function main(): Promise<void> {
  const args = parseArgv(process.argv.slice(2), { flags: ['--no-synth', '--verbose', '--yes', '--plan-only', '--apply-planned', '--backend-only'], valued: ['--markdown', '--lock-timeout'] }, USAGE);
  if (args.positional.length !== 1) throw new Error(`name one environment (${environmentNames().join(', ')})\n${USAGE}`);
  if (args.flags.has('--plan-only') && args.flags.has('--apply-planned')) throw new Error(`--plan-only and --apply-planned exclude each other\n${USAGE}`);
  const env = loadEnvironment(args.positional[0]);
  const state = stateLocation(env);
  if (args.flags.has('--backend-only')) {
    console.log(
      `--backend-only is no longer needed: every stack of ${env.name} declares its S3 state in cdktf.out/stacks/<stack>/cdk.tf.json ` +
        `(${describeState(state, '<stack>')}), so npx cdktf deploy <stack> uses it as it is. Nothing was changed.`,
    );
    return;
  }
  const reason = offlineReason();
  if (reason) {
    throw new Error(
      `deploy needs AWS credentials of account ${env.account.id} (${reason}); nothing was changed.\n` +
        `Offline you can still plan: npm run plan -- ${env.name}`,
    );
  }
  const lockTimeout = args.value('--lock-timeout') ?? '5m';
  const mirror = findProviderMirror();
  const cliConfig = writeCliConfig(OUTDIR, mirror ?? null);
  console.log(`deploying ${env.name} to account ${env.account.id} (${env.account.region}); state ${describeState(state, '<stack>')}`);

  if (args.flags.has('--apply-planned')) {
    await applyAll(resolveTargets({ environments: [env.name] }), { cliConfig, lockTimeout });
    return;
  }
  if (!args.flags.has('--no-synth')) await synth({ verbose: args.flags.has('--verbose') });
  const targets = resolveTargets({ environments: [env.name] });

  const digests: StackDigest[] = [];
  for (const [index, target] of targets.entries()) {
    const started = Date.now();
    process.stdout.write(`[${index + 1}/${targets.length}] ${target.stack}: `);
    const result = await planStackJson(target.dir, {
      cliConfig,
      offline: false,
      planFile: PLAN_FILE,
      lockTimeout,
      onStep: (step) => process.stdout.write(`${step}… `),
    });
    console.log(`${describeChanges(summarizePlan(result.json))} (${seconds(started)})`);
    const digest = digestPlan(target.stack, result.json);
    digests.push(digest);
    if (digest.changes.length === 0) fs.rmSync(path.join(target.dir, PLAN_FILE), { force: true }); // nothing to apply
    console.log(formatSummary(target.stack, summarizePlan(result.json)).replace(/^/gm, '    '));
  }
  const markdown = args.value('--markdown');
  if (markdown) {
    fs.mkdirSync(path.dirname(path.resolve(markdown)), { recursive: true });
    fs.writeFileSync(markdown, renderPlanSummary(digests, { title: `Deploy plan: ${env.name} (account ${env.account.id})` }));
    console.log(`plan summary: ${markdown}`);
  }
  const changing = targets.filter((_, i) => digests[i].changes.length > 0);
  const stateful = digests.flatMap((d) => d.changes.filter((c) => (c.action === 'replace' || c.action === 'delete') && STATEFUL_RESOURCE_TYPES[c.type]).map((c) => `${d.stack}: ${c.action} ${c.address} (${STATEFUL_RESOURCE_TYPES[c.type]})`));
  if (stateful.length > 0) console.log(`\nWARNING: ${stateful.length} stateful resources would be replaced or destroyed:\n  ${stateful.join('\n  ')}`);
  if (changing.length === 0) {
    console.log(`\n${env.name} is up to date: nothing to apply`);
    return;
  }
  if (args.flags.has('--plan-only')) {
    console.log(`\nsaved plans (apply them with npm run deploy -- ${env.name} --apply-planned):\n  ${changing.map((t) => path.relative(process.cwd(), path.join(t.dir, PLAN_FILE))).join('\n  ')}`);
    return;
  }
  if (!args.flags.has('--yes')) {
    if (!process.stdin.isTTY) throw new Error('not a terminal, so nobody can confirm: review the plan above and run again with --yes (nothing was applied)');
    const answer = await question(`\napply ${changing.length} plan(s) to ${env.name} (account ${env.account.id})? type "${env.name}" to confirm: `);
    if (answer.trim() !== env.name) throw new Error('not confirmed; nothing was applied');
  }
  await applyAll(changing, { cliConfig, lockTimeout, initialized: true });
}

/** Applies the saved plan of every target, stopping at the first failure (later stacks are not applied). */
async function applyAll(targets: Target[], options: { cliConfig: string; lockTimeout: string; initialized?: boolean }): Promise<void> {
  const planned = targets.filter((t) => fs.existsSync(path.join(t.dir, PLAN_FILE)));
  const missing = targets.filter((t) => !planned.includes(t));
  if (missing.length > 0) console.log(`no saved plan (${PLAN_FILE}) for ${missing.map((t) => t.stack).join(', ')}: nothing to apply there (--plan-only keeps plans with changes only)`);
  if (planned.length === 0) {
    console.log('nothing to apply');
    return;
  }
  for (const [index, target] of planned.entries()) {
    const started = Date.now();
    console.log(`[${index + 1}/${planned.length}] ${target.stack}: applying ${PLAN_FILE}`);
    if (!options.initialized) {
      // A fresh checkout of the plan artifact (scripts/stage-plan-artifact.ts): the stack folder as planned
      // (cdk.tf.json with its S3 backend, assets/, lock file), so init installs the locked providers.
      removeLegacyOverrides(target.dir);
      await init(target.dir, { cliConfig: options.cliConfig });
    }
    await apply(target.dir, PLAN_FILE, { cliConfig: options.cliConfig, lockTimeout: options.lockTimeout, echo: (line) => console.log(`    ${line}`) });
    fs.rmSync(path.join(target.dir, PLAN_FILE), { force: true }); // applied: never apply it twice
    console.log(`[${index + 1}/${planned.length}] ${target.stack}: applied (${seconds(started)})`);
  }
}

main().catch((error: unknown) => {
  console.error(`\n${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
