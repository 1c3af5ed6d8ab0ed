/**
 * The AWS regions an environment may name, and the zone letters of each, shipped with the project so
 * that a typo that looks like a region (`us-eats-1` with `us-eats-1a`) fails validation instead of
 * reaching `terraform plan` (which, offline, accepts any name).
 *
 * Regions: those of the pinned provider hashicorp/aws 5.100.0 in the partitions this platform can
 * deploy to (aws, aws-cn, aws-us-gov; the air-gapped ISO partitions are left out). They were read on
 * `madeOn` from the provider binary of the mirror (its SDK partition table: every id below appears
 * there with its description), with `npm run preflight -- --regions`.
 *
 * Zone letters: AWS maps letters to physical zones per account and publishes no list in the provider;
 * the letters below are those AWS's "Regions and Zones" documentation showed for each region as the
 * platform team knew it on `madeOn` (not re-read online; the machine has no internet). `preflight <env>`
 * checks the pinned zones against the real account with the EC2 API.
 *
 * Refresh after a provider upgrade: `npm run preflight -- --regions` compares this table with the
 * provider binary it finds (the mirror, or TF_PROVIDER_BINARY) and lists regions to add or remove; add
 * a new region with its zone letters, update `provider` and `madeOn`, and run
 * `npx jest test/environments`.
 */
export const AWS_REGION_TABLE = {
  /** The day the table was made (ISO date). */
  madeOn: '2026-12-04',
  /** The provider whose regions these are. */
  provider: 'hashicorp/aws 5.100.0',
  /** Region id -> its name and the letters of its availability zones. */
  regions: {
    'us-east-1': { name: 'US East (N. Virginia)', zones: 'abcdef' },
    'us-east-2': { name: 'US East (Ohio)', zones: 'abc' },
    'us-west-1': { name: 'US West (N. California)', zones: 'abc' },
    'us-west-2': { name: 'US West (Oregon)', zones: 'abcd' },
    'af-south-1': { name: 'Africa (Cape Town)', zones: 'abc' },
    'ap-east-1': { name: 'Asia Pacific (Hong Kong)', zones: 'abc' },
    'ap-east-2': { name: 'Asia Pacific (Taipei)', zones: 'abc' },
    'ap-northeast-1': { name: 'Asia Pacific (Tokyo)', zones: 'abcd' },
    'ap-northeast-2': { name: 'Asia Pacific (Seoul)', zones: 'abcd' },
    'ap-northeast-3': { name: 'Asia Pacific (Osaka)', zones: 'abc' },
    'ap-south-1': { name: 'Asia Pacific (Mumbai)', zones: 'abc' },
    'ap-south-2': { name: 'Asia Pacific (Hyderabad)', zones: 'abc' },
    'ap-southeast-1': { name: 'Asia Pacific (Singapore)', zones: 'abc' },
    'ap-southeast-2': { name: 'Asia Pacific (Sydney)', zones: 'abc' },
    'ap-southeast-3': { name: 'Asia Pacific (Jakarta)', zones: 'abc' },
    'ap-southeast-4': { name: 'Asia Pacific (Melbourne)', zones: 'abc' },
    'ap-southeast-5': { name: 'Asia Pacific (Malaysia)', zones: 'abc' },
    'ap-southeast-7': { name: 'Asia Pacific (Thailand)', zones: 'abc' },
    'ca-central-1': { name: 'Canada (Central)', zones: 'abcd' },
    'ca-west-1': { name: 'Canada West (Calgary)', zones: 'abc' },
    'cn-north-1': { name: 'China (Beijing)', zones: 'abcd' },
    'cn-northwest-1': { name: 'China (Ningxia)', zones: 'abc' },
    'eu-central-1': { name: 'Europe (Frankfurt)', zones: 'abc' },
    'eu-central-2': { name: 'Europe (Zurich)', zones: 'abc' },
    'eu-north-1': { name: 'Europe (Stockholm)', zones: 'abc' },
    'eu-south-1': { name: 'Europe (Milan)', zones: 'abc' },
    'eu-south-2': { name: 'Europe (Spain)', zones: 'abc' },
    'eu-west-1': { name: 'Europe (Ireland)', zones: 'abc' },
    'eu-west-2': { name: 'Europe (London)', zones: 'abc' },
    'eu-west-3': { name: 'Europe (Paris)', zones: 'abc' },
    'il-central-1': { name: 'Israel (Tel Aviv)', zones: 'abc' },
    'me-central-1': { name: 'Middle East (UAE)', zones: 'abc' },
    'me-south-1': { name: 'Middle East (Bahrain)', zones: 'abc' },
    'mx-central-1': { name: 'Mexico (Central)', zones: 'abc' },
    'sa-east-1': { name: 'South America (Sao Paulo)', zones: 'abc' },
    'us-gov-east-1': { name: 'AWS GovCloud (US-East)', zones: 'abc' },
    'us-gov-west-1': { name: 'AWS GovCloud (US-West)', zones: 'abc' },
  } as Readonly<Record<string, { readonly name: string; readonly zones: string }>>,
} as const;

/** Region ids of the table, sorted. */
export const AWS_REGIONS: readonly string[] = Object.keys(AWS_REGION_TABLE.regions).sort();

/** Why a region id is not allowed, or undefined when it is. */
export function regionProblem(region: string): string | undefined {
  if (AWS_REGION_TABLE.regions[region]) return undefined;
  const near = nearest(region, AWS_REGIONS);
  return (
    `not an AWS region of ${AWS_REGION_TABLE.provider}${near ? ` (did you mean "${near}"?)` : ''}; ` +
    `expected one of: ${AWS_REGIONS.join(', ')} (region table of ${AWS_REGION_TABLE.madeOn}, environments/lib/regions.ts)`
  );
}

/** Why an availability-zone name is not allowed, or undefined when it is. */
export function zoneProblem(zone: string): string | undefined {
  const m = /^(.*\d)([a-z])$/.exec(zone);
  if (!m) return 'expected an AZ name such as us-east-1a (region + zone letter)';
  const [, region, letter] = m;
  const entry = AWS_REGION_TABLE.regions[region];
  if (!entry) {
    const near = nearest(region, AWS_REGIONS);
    return `the zone's region "${region}" is not an AWS region of ${AWS_REGION_TABLE.provider}${near ? ` (did you mean "${near}${letter}"?)` : ''}; see the region list in environments/lib/regions.ts`;
  }
  if (!entry.zones.includes(letter)) {
    return `${region} (${entry.name}) has no zone "${letter}"; expected one of: ${[...entry.zones].map((l) => region + l).join(', ')}`;
  }
  return undefined;
}

/** The closest id within edit distance 2 (a typo), if there is exactly one best. */
function nearest(value: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = editDistance(value, c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}

/** Damerau-Levenshtein (optimal string alignment) distance: a swap of two letters counts 1. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}
