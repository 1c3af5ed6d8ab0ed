/**
 * `npx tsx scripts/stage-plan-artifact.ts <env> --out <dir> [--outdir cdktf.out]`
 *
 * Stages the plan artifact of one environment after `npm run deploy -- <env> --plan-only`: for every stack
 * of the environment its cdk.tf.json, lock file, assets/ and saved plan (scripts/lib/artifact.ts), laid out
 * as `<dir>/manifest.json` and `<dir>/stacks/<stack>/...`. The deploy workflow uploads `<dir>` and the apply
 * job downloads it into `cdktf.out`. Prints what it staged.
 */
import * as path from 'node:path';
import { stagePlanArtifact } from './lib/artifact';
import { OUTDIR, parseArgv, resolveTargets } from './lib/delivery';

const USAGE = 'usage: npx tsx scripts/stage-plan-artifact.ts <env> --out <dir> [--outdir cdktf.out]';

function main(): void {
  const args = parseArgv(process.argv.slice(2), { flags: [], valued: ['--out', '--outdir'] }, USAGE);
  const out = args.value('--out');
  if (args.positional.length !== 1 || !out) throw new Error(USAGE);
  const outdir = path.resolve(args.value('--outdir') ?? OUTDIR);
  const targets = resolveTargets({ environments: args.positional }, outdir);
  const staged = stagePlanArtifact({ outdir, stacks: targets.map((t) => t.stack), dest: out });
  const plans = staged.filter((f) => f.endsWith('.tfplan'));
  const assets = staged.filter((f) => f.includes('/assets/'));
  console.log(`${out}: ${staged.length} files of ${targets.length} stacks (${plans.length} saved plans, ${assets.length} asset files)`);
  for (const file of staged) console.log(`  ${file}`);
}

try {
  main();
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
