/**
 * The price table shipped with the project (pricing/aws-<date>.json): on-demand list prices per
 * region, each with its unit, description and the AWS offer it comes from. Prices are data; this
 * file only loads, validates and looks them up.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';

export const PRICING_DIR = path.resolve(__dirname, '..', '..', '..', 'pricing');

const priceSchema = z
  .object({
    unit: z.string().min(1),
    description: z.string().min(1),
    source: z.object({ service: z.string().min(1), page: z.string().url() }).passthrough(),
    usd: z.record(z.number().nonnegative()),
  })
  .strict();

const tableSchema = z
  .object({
    version: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'expected the date of the table, YYYY-MM-DD' }),
    currency: z.literal('USD'),
    regions: z.array(z.string()).min(1),
    hoursPerMonth: z.number().positive(),
    source: z.string().min(1),
    prices: z.record(priceSchema),
  })
  .strict();

export type PriceTable = z.output<typeof tableSchema> & { readonly file: string };
export type PriceEntry = z.output<typeof priceSchema>;

/** A unit price looked up for one region. */
export interface UnitPrice {
  readonly key: string;
  readonly unit: string;
  readonly description: string;
  readonly usd: number;
}

/** The newest table in pricing/ (by the date in its name) unless a file is named. */
export function loadPriceTable(file?: string): PriceTable {
  const chosen = file ?? newestTable();
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(chosen, 'utf8'));
  } catch (e) {
    throw new Error(`${chosen}: cannot read the price table: ${e instanceof Error ? e.message : String(e)}`);
  }
  const parsed = tableSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `  - field "${i.path.join('.') || '(root)'}": ${i.message}`);
    throw new Error(`${chosen}: invalid price table\n${issues.join('\n')}`);
  }
  for (const [key, entry] of Object.entries(parsed.data.prices)) {
    const missing = parsed.data.regions.filter((r) => entry.usd[r] === undefined);
    if (missing.length) throw new Error(`${chosen}: field "prices.${key}.usd": no price for ${missing.join(', ')} (every entry covers every region of "regions")`);
  }
  return { ...parsed.data, file: chosen };
}

function newestTable(): string {
  const files = fs.existsSync(PRICING_DIR) ? fs.readdirSync(PRICING_DIR).filter((f) => /^aws-\d{4}-\d{2}-\d{2}\.json$/.test(f)).sort() : [];
  if (files.length === 0) throw new Error(`${PRICING_DIR}: no price table (aws-<YYYY-MM-DD>.json) found`);
  return path.join(PRICING_DIR, files[files.length - 1]);
}

/** The price of `key` in `region`; undefined when the table has no such entry. Throws for a region the table does not cover. */
export function unitPrice(table: PriceTable, key: string, region: string): UnitPrice | undefined {
  const entry = table.prices[key];
  if (!entry) return undefined;
  const usd = entry.usd[region];
  if (usd === undefined) throw new Error(`${table.file}: no prices for region ${region}; the table covers ${table.regions.join(', ')} (add the region and refresh with npm run pricing:refresh)`);
  return { key, unit: entry.unit, description: entry.description, usd };
}
