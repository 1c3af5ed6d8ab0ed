/**
 * Refreshing the price table from AWS's public Price List Bulk API offer files
 * (`<base>/offers/v1.0/aws/<service>/current/<region>/index.json`). Every entry whose `source`
 * names filters (productFamily, attributes, usagetype, group) is looked up per region: exactly one
 * matching product with an on-demand price updates the figure; none or several leave it as it was
 * and say so. Pure over an `OfferSource`, so the matching is tested on fixture offer files.
 */
import type { PriceEntry, PriceTable } from './prices';

export const PRICE_LIST_BASE = 'https://pricing.us-east-1.amazonaws.com';

/** An offer file: products by SKU and their on-demand terms, as AWS publishes them. */
export interface OfferFile {
  readonly products: Record<string, { productFamily?: string; attributes: Record<string, string> }>;
  readonly terms: { readonly OnDemand?: Record<string, Record<string, { priceDimensions: Record<string, { unit: string; beginRange?: string; pricePerUnit: { USD?: string } }> }>> };
}

/** Where offer files come from: the network (npm run pricing:refresh) or a folder (tests, air-gapped copies). */
export type OfferSource = (service: string, region: string) => Promise<OfferFile>;

export interface RefreshResult {
  readonly table: Omit<PriceTable, 'file'>;
  readonly changed: { key: string; region: string; from: number; to: number }[];
  readonly skipped: { key: string; region?: string; reason: string }[];
}

const FILTER_KEYS = ['productFamily', 'attributes', 'usagetype', 'group'] as const;

function matches(product: OfferFile['products'][string], source: PriceEntry['source']): boolean {
  const s = source as Record<string, unknown>;
  if (typeof s.productFamily === 'string' && product.productFamily !== s.productFamily) return false;
  const attrs = product.attributes ?? {};
  if (typeof s.usagetype === 'string' && !(attrs.usagetype ?? '').endsWith(s.usagetype)) return false;
  if (typeof s.group === 'string' && attrs.group !== s.group) return false;
  for (const [k, v] of Object.entries((s.attributes as Record<string, string> | undefined) ?? {})) if (attrs[k] !== v) return false;
  return true;
}

/** The first-tier on-demand USD price of a SKU. */
function onDemandUsd(offer: OfferFile, sku: string): number | undefined {
  const terms = offer.terms.OnDemand?.[sku];
  if (!terms) return undefined;
  for (const term of Object.values(terms)) {
    for (const dim of Object.values(term.priceDimensions)) {
      if ((dim.beginRange ?? '0') === '0' && dim.pricePerUnit.USD !== undefined) return Number(dim.pricePerUnit.USD);
    }
  }
  return undefined;
}

export async function refreshTable(table: PriceTable, source: OfferSource, version: string): Promise<RefreshResult> {
  const changed: RefreshResult['changed'] = [];
  const skipped: RefreshResult['skipped'] = [];
  const prices: Record<string, PriceEntry> = {};
  for (const [key, entry] of Object.entries(table.prices)) {
    const src = entry.source as Record<string, unknown>;
    const usd = { ...entry.usd };
    prices[key] = { ...entry, usd };
    if (!FILTER_KEYS.some((k) => src[k] !== undefined)) {
      skipped.push({ key, reason: 'its source names no offer filters (kept as transcribed)' });
      continue;
    }
    for (const region of table.regions) {
      let offer: OfferFile;
      try {
        offer = await source(entry.source.service, region);
      } catch (e) {
        skipped.push({ key, region, reason: `offer ${entry.source.service}/${region} unavailable: ${e instanceof Error ? e.message : String(e)}` });
        continue;
      }
      const skus = Object.entries(offer.products)
        .filter(([sku, p]) => (p.attributes?.regionCode ?? region) === region && matches(p, entry.source) && onDemandUsd(offer, sku) !== undefined)
        .map(([sku]) => sku);
      if (skus.length !== 1) {
        skipped.push({ key, region, reason: `${skus.length} matching on-demand products in ${entry.source.service}/${region}` });
        continue;
      }
      const to = onDemandUsd(offer, skus[0]) as number;
      if (to !== usd[region]) changed.push({ key, region, from: usd[region], to });
      usd[region] = to;
    }
  }
  const { file: _file, ...rest } = table;
  return { table: { ...rest, version, prices }, changed, skipped };
}
