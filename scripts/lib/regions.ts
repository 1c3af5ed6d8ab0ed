/**
 * `npm run preflight -- --regions`: compares the shipped region table (environments/lib/regions.ts)
 * with the regions the pinned AWS provider knows. The provider binary embeds its SDK's partition table;
 * every region id of the aws, aws-cn and aws-us-gov partitions appears in it as text, so a scan of the
 * binary for region-shaped strings finds them (about 700 MB, read in chunks).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AWS_REGION_TABLE } from '../../environments/lib/regions';

/** Region ids of the partitions the platform deploys to (not the air-gapped ISO partitions). */
const REGION_ID = /(?:af|ap|ca|cn|eu|il|me|mx|sa|us)(?:-gov)?-(?:north|south|east|west|central|northeast|southeast|northwest|southwest)-\d/g;

/** Every region id the file contains (a provider binary), sorted. */
export function regionsInBinary(file: string): string[] {
  const found = new Set<string>();
  const fd = fs.openSync(file, 'r');
  const chunk = Buffer.alloc(16 * 1024 * 1024);
  let carry = '';
  try {
    for (;;) {
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      const text = carry + chunk.toString('latin1', 0, n);
      for (const m of text.matchAll(REGION_ID)) found.add(m[0]);
      carry = text.slice(-32); // a region id cut at the chunk boundary is found in the next round
    }
  } finally {
    fs.closeSync(fd);
  }
  return [...found].sort();
}

/** The hashicorp/aws provider binary of a version in a filesystem mirror, if there is one. */
export function providerBinaryIn(mirror: string, version: string): string | undefined {
  const versionDir = path.join(mirror, 'registry.terraform.io', 'hashicorp', 'aws', version);
  if (!fs.existsSync(versionDir)) return undefined;
  for (const platform of fs.readdirSync(versionDir).sort()) {
    const dir = path.join(versionDir, platform);
    if (!fs.statSync(dir).isDirectory()) continue;
    const binary = fs.readdirSync(dir).find((f) => f.startsWith('terraform-provider-aws'));
    if (binary) return path.join(dir, binary);
  }
  return undefined;
}

export interface RegionComparison {
  readonly provider: string;
  /** In the provider, not in the table: add them with their zone letters. */
  readonly missing: readonly string[];
  /** In the table, not in the provider: remove them (or the binary is of another version). */
  readonly extra: readonly string[];
}

/** Compares the table with the regions of a provider binary. */
export function compareRegionTable(binary: string): RegionComparison {
  const inProvider = regionsInBinary(binary);
  const inTable = Object.keys(AWS_REGION_TABLE.regions).sort();
  return {
    provider: binary,
    missing: inProvider.filter((r) => !inTable.includes(r)),
    extra: inTable.filter((r) => !inProvider.includes(r)),
  };
}

/** The report `preflight --regions` prints. */
export function formatRegionComparison(c: RegionComparison): string {
  const head = `region table (environments/lib/regions.ts, ${AWS_REGION_TABLE.provider}, made ${AWS_REGION_TABLE.madeOn}) vs ${c.provider}`;
  if (c.missing.length === 0 && c.extra.length === 0) return `${head}\n  up to date: ${Object.keys(AWS_REGION_TABLE.regions).length} regions`;
  return [
    head,
    ...c.missing.map((r) => `  add     ${r} (in the provider; add it with its zone letters from the AWS "Regions and Zones" page)`),
    ...c.extra.map((r) => `  remove  ${r} (in the table, not in the provider)`),
    '  then set `provider` and `madeOn` in the table and run `npx jest test/environments`',
  ].join('\n');
}
