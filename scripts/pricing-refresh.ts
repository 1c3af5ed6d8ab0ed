/**
 * `npm run pricing:refresh -- [--offers <dir>] [--date YYYY-MM-DD]`
 *
 * Re-reads every figure of the newest pricing/aws-<date>.json from AWS's public Price List Bulk
 * API offer files and writes pricing/aws-<date>.json for today (or --date). Needs network access
 * to pricing.us-east-1.amazonaws.com, or `--offers <dir>` holding `<service>/<region>.json` copies
 * of the offer files (an air-gapped mirror). Figures it cannot match stay as they were and are listed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgv } from './lib/delivery';
import { loadPriceTable, PRICING_DIR } from './lib/cost/prices';
import { PRICE_LIST_BASE, refreshTable, type OfferFile, type OfferSource } from './lib/cost/refresh';

const USAGE = 'usage: npm run pricing:refresh -- [--offers <dir>] [--date YYYY-MM-DD]';

async function main(): Promise<number> {
  const args = parseArgv(process.argv.slice(2), { flags: [], valued: ['--offers', '--date'] }, USAGE);
  const version = args.value('--date') ?? new Date().toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(version)) throw new Error(`--date: received ${JSON.stringify(version)}; expected YYYY-MM-DD`);
  const table = loadPriceTable();
  const dir = args.value('--offers');
  const cache = new Map<string, Promise<OfferFile>>();
  const source: OfferSource = (service, region) => {
    const k = `${service}/${region}`;
    if (!cache.has(k)) {
      cache.set(
        k,
        dir
          ? fs.promises.readFile(path.join(dir, service, `${region}.json`), 'utf8').then((t) => JSON.parse(t) as OfferFile)
          : fetch(`${PRICE_LIST_BASE}/offers/v1.0/aws/${service}/current/${region}/index.json`).then(async (r) => {
              if (!r.ok) throw new Error(`HTTP ${r.status}`);
              return (await r.json()) as OfferFile;
            }),
      );
    }
    return cache.get(k) as Promise<OfferFile>;
  };
  const result = await refreshTable(table, source, version);
  const out = path.join(PRICING_DIR, `aws-${version}.json`);
  fs.writeFileSync(`${out}.tmp`, `${JSON.stringify(result.table, null, 2)}\n`);
  fs.renameSync(`${out}.tmp`, out);
  for (const c of result.changed) console.log(`changed ${c.key} ${c.region}: ${c.from} → ${c.to}`);
  for (const s of result.skipped) console.log(`kept ${s.key}${s.region ? ` ${s.region}` : ''}: ${s.reason}`);
  console.log(`wrote ${path.relative(process.cwd(), out)}: ${result.changed.length} figures changed, ${result.skipped.length} kept`);
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  },
);
