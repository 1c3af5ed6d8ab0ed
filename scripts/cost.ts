/**
 * `npm run cost -- <env|stage|stack ...> [--json] [--docs]`
 *
 * Monthly estimate of stacks from their synthesized Terraform JSON, offline (no AWS, no network):
 * fixed costs from each resource's configuration, usage-based costs from the usage assumptions
 * (pricing/usage-defaults.json, environments/usage/<env>.json), prices from pricing/aws-<date>.json.
 * Targets: an environment (all its stacks), a ClassifyHub stage slug (the dev environment at that
 * stage) or a stack name; default: every environment. `--json` prints
 * `{ stacks: [{ stack, region, monthly_usd, resources: [...] }] }`; `--docs` rewrites docs/costs.md.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgv } from './lib/delivery';
import { estimateOutdir, loadPriceTable, renderEstimate, type StackEstimate } from './lib/cost';
import { costDocsInputs, renderCostDocs, synthForCost } from './lib/cost/targets';
import { environmentNames } from '../environments/lib/load';

const USAGE = 'usage: npm run cost -- [env|stage|stack ...] [--json] [--docs]';

function main(): number {
  const args = parseArgv(process.argv.slice(2), { flags: ['--json', '--docs'], valued: [] }, USAGE);
  const table = loadPriceTable();
  const environments = environmentNames();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cost-'));
  try {
    if (args.flags.has('--docs')) {
      const file = path.resolve(__dirname, '..', 'docs', 'costs.md');
      fs.writeFileSync(file, renderCostDocs(table, costDocsInputs(work, table)));
      console.log(`wrote ${path.relative(process.cwd(), file)}`);
      return 0;
    }
    const targets = synthForCost(work, args.positional.length ? args.positional : environments);
    const estimates: (StackEstimate & { stage?: string })[] = targets.flatMap((t) =>
      estimateOutdir(t.outdir, { table, environments }).filter((e) => t.stacks.includes(e.stack)).map((e) => (t.stage ? { ...e, stage: t.stage } : e)),
    );
    if (args.flags.has('--json')) {
      console.log(JSON.stringify({ prices: path.relative(process.cwd(), table.file), stacks: estimates }, null, 2));
    } else {
      for (const e of estimates) console.log(`${renderEstimate(e)}\n`);
      const total = estimates.reduce((n, e) => n + e.monthly_usd, 0);
      console.log(`${estimates.length} stack${estimates.length === 1 ? '' : 's'}: $${total.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} a month (prices ${path.relative(process.cwd(), table.file)}; usage: pricing/usage-defaults.json + environments/usage/<env>.json)`);
    }
    return 0;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

try {
  process.exitCode = main();
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
}
