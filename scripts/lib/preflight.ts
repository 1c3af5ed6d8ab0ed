/**
 * Preflight of an environment against the real account, with the EC2 API only:
 *
 * - per region of the environment (its own region and each `classifyhub.multiRegion.regions[]`): the pinned
 *   availability zones exist and are available (DescribeAvailabilityZones);
 * - in the environment's region: the Docker host's instance type exists (DescribeInstanceTypes, which also
 *   gives its architecture) and is offered in the pinned zones (DescribeInstanceTypeOfferings, location type
 *   availability-zone); the first zone holds the host, so missing there is an error, elsewhere a warning;
 * - the current Amazon Linux 2023 AMI for that architecture (DescribeImages: owner amazon, name
 *   `al2023-ami-2023.*-<arch>`, newest CreationDate), compared with the pinned `classifyhub.amiId`.
 *
 * {@link updateAmiPin} rewrites only the `amiId` value in the environment file's text; {@link unifiedDiff}
 * shows the change. The EC2 client is injected (one per region), so tests use a mocked client.
 */
import {
  DescribeAvailabilityZonesCommand,
  DescribeImagesCommand,
  DescribeInstanceTypeOfferingsCommand,
  DescribeInstanceTypesCommand,
  type EC2Client,
  type Image,
  type _InstanceType,
} from '@aws-sdk/client-ec2';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Environment } from '../../environments/lib/schema';

/** One result line of the preflight. */
export interface Finding {
  readonly level: 'ok' | 'warning' | 'error';
  readonly region: string;
  readonly message: string;
}

/** The newest Amazon Linux 2023 AMI found. */
export interface AmiInfo {
  readonly id: string;
  readonly name: string;
  readonly creationDate: string;
}

/** Result of {@link preflight}. */
export interface PreflightReport {
  readonly findings: readonly Finding[];
  /** Newest AL2023 AMI in the environment's region (undefined when it could not be resolved). */
  readonly ami?: AmiInfo;
  /** Architecture of the host's instance type used for the AMI. */
  readonly architecture?: 'x86_64' | 'arm64';
}

/** The parts of an environment the preflight reads. */
export type PreflightEnvironment = Pick<Environment, 'name' | 'account' | 'network'> & {
  readonly classifyhub: Pick<Environment['classifyhub'], 'instanceType' | 'amiId' | 'multiRegion'>;
};

interface AwsError {
  name?: string;
  message?: string;
}

/** A readable message for an EC2 error, with a hint for the usual causes. */
function describeError(error: unknown, region: string): string {
  const e = error as AwsError;
  const name = e.name ?? 'Error';
  const hint =
    name === 'AuthFailure' || name === 'UnrecognizedClientException'
      ? ` (are the credentials valid, and is ${region} enabled for the account?)`
      : name === 'UnauthorizedOperation'
        ? ' (the role needs ec2:DescribeAvailabilityZones, ec2:DescribeInstanceTypes, ec2:DescribeInstanceTypeOfferings and ec2:DescribeImages)'
        : '';
  return `${name}: ${e.message ?? String(error)}${hint}`;
}

/** Regions of the environment with their pinned zones; the first is the environment's own region. */
export function regionsOf(env: PreflightEnvironment): Array<{ region: string; zones: readonly string[]; where: string }> {
  return [
    { region: env.account.region, zones: env.network.availabilityZones, where: 'network.availabilityZones' },
    ...env.classifyhub.multiRegion.regions.map((r, i) => ({ region: r.region, zones: r.availabilityZones, where: `classifyhub.multiRegion.regions[${i}].availabilityZones` })),
  ];
}

/** Runs every check; never throws for an AWS error (it becomes an error finding). */
export async function preflight(env: PreflightEnvironment, clientFor: (region: string) => EC2Client): Promise<PreflightReport> {
  const findings: Finding[] = [];
  const add = (level: Finding['level'], region: string, message: string) => findings.push({ level, region, message });
  const primary = env.account.region;

  for (const { region, zones, where } of regionsOf(env)) {
    try {
      const result = await clientFor(region).send(new DescribeAvailabilityZonesCommand({ Filters: [{ Name: 'region-name', Values: [region] }] }));
      const known = new Map((result.AvailabilityZones ?? []).map((z) => [z.ZoneName as string, z.State ?? 'unknown']));
      const missing = zones.filter((z) => !known.has(z));
      const unavailable = zones.filter((z) => known.has(z) && known.get(z) !== 'available');
      if (missing.length > 0) add('error', region, `${where}: ${missing.join(', ')} not found in ${region} for this account; zones: ${[...known.keys()].sort().join(', ')}`);
      if (unavailable.length > 0) add('error', region, `${where}: ${unavailable.map((z) => `${z} is ${known.get(z)}`).join(', ')}`);
      if (missing.length === 0 && unavailable.length === 0) add('ok', region, `zones ${zones.join(', ')} exist and are available`);
    } catch (error) {
      add('error', region, `DescribeAvailabilityZones failed: ${describeError(error, region)}`);
    }
  }

  const client = clientFor(primary);
  const type = env.classifyhub.instanceType;
  let architecture: 'x86_64' | 'arm64' | undefined;
  try {
    const types = await client.send(new DescribeInstanceTypesCommand({ InstanceTypes: [type as _InstanceType] }));
    const archs = types.InstanceTypes?.[0]?.ProcessorInfo?.SupportedArchitectures ?? [];
    architecture = archs.includes('x86_64') ? 'x86_64' : archs.includes('arm64') ? 'arm64' : undefined;
    if (!architecture) add('error', primary, `classifyhub.instanceType: ${type} has no x86_64 or arm64 architecture (${archs.join(', ') || 'none reported'})`);
  } catch (error) {
    const name = (error as AwsError).name ?? '';
    add('error', primary, name.startsWith('InvalidInstanceType') ? `classifyhub.instanceType: received "${type}"; no such EC2 instance type` : `DescribeInstanceTypes failed: ${describeError(error, primary)}`);
  }
  if (architecture) {
    try {
      const zones = env.network.availabilityZones;
      const offerings = await client.send(
        new DescribeInstanceTypeOfferingsCommand({
          LocationType: 'availability-zone',
          Filters: [
            { Name: 'instance-type', Values: [type] },
            { Name: 'location', Values: [...zones] },
          ],
        }),
      );
      const offered = new Set((offerings.InstanceTypeOfferings ?? []).map((o) => o.Location));
      const [hostZone, ...others] = zones;
      if (!offered.has(hostZone)) add('error', primary, `classifyhub.instanceType: ${type} is not offered in ${hostZone}, the Docker host's zone (network.availabilityZones[0])`);
      const otherMissing = others.filter((z) => !offered.has(z));
      if (otherMissing.length > 0) add('warning', primary, `${type} is not offered in ${otherMissing.join(', ')} (the host could not move there)`);
      if (offered.has(hostZone) && otherMissing.length === 0) add('ok', primary, `${type} (${architecture}) is offered in ${zones.join(', ')}`);
      else if (offered.has(hostZone)) add('ok', primary, `${type} (${architecture}) is offered in ${hostZone}`);
    } catch (error) {
      add('error', primary, `DescribeInstanceTypeOfferings failed: ${describeError(error, primary)}`);
    }
  }

  let ami: AmiInfo | undefined;
  const arch = architecture ?? 'x86_64';
  try {
    const images = await client.send(
      new DescribeImagesCommand({
        Owners: ['amazon'],
        Filters: [
          { Name: 'name', Values: [`al2023-ami-2023.*-${arch}`] },
          { Name: 'architecture', Values: [arch] },
          { Name: 'state', Values: ['available'] },
        ],
      }),
    );
    const newest = newestImage(images.Images ?? []);
    if (!newest) add('error', primary, `no Amazon Linux 2023 AMI (al2023-ami-2023.*-${arch}) found in ${primary}`);
    else {
      ami = { id: newest.ImageId as string, name: newest.Name as string, creationDate: newest.CreationDate as string };
      if (ami.id === env.classifyhub.amiId) add('ok', primary, `classifyhub.amiId ${ami.id} is the current Amazon Linux 2023 AMI (${ami.name})`);
      else add('ok', primary, `current Amazon Linux 2023 AMI: ${ami.id} (${ami.name}, ${ami.creationDate}); pinned: ${env.classifyhub.amiId}`);
    }
  } catch (error) {
    add('error', primary, `DescribeImages failed: ${describeError(error, primary)}`);
  }
  return { findings, ami, architecture };
}

/** The image with the latest CreationDate (ISO 8601 strings sort by time); ties broken by name. */
export function newestImage(images: readonly Image[]): Image | undefined {
  return [...images]
    .filter((i) => i.ImageId && i.Name && i.CreationDate)
    .sort((a, b) => ((a.CreationDate as string) < (b.CreationDate as string) ? 1 : (a.CreationDate as string) > (b.CreationDate as string) ? -1 : (a.Name as string) < (b.Name as string) ? 1 : -1))[0];
}

const AMI_PIN = /(\bamiId\s*:\s*)(['"`])(ami-[0-9a-f]{8,17})\2/g;

/**
 * The text range of a top-level section `<key>: { ... }` of an environment file (braces counted; strings
 * and comments skipped), so an edit of one system's pin cannot touch another system's (recall and ingestion pin AMIs too).
 */
function sectionRange(text: string, key: string): [number, number] | undefined {
  const start = new RegExp(`^\\s*${key}\\s*:\\s*\\{`, 'm').exec(text);
  if (!start) return undefined;
  let depth = 0;
  let quote: string | undefined;
  for (let i = start.index + start[0].length - 1; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '/' && text[i + 1] === '/') i = text.indexOf('\n', i) === -1 ? text.length : text.indexOf('\n', i);
    else if (c === '/' && text[i + 1] === '*') i = text.indexOf('*/', i + 2) === -1 ? text.length : text.indexOf('*/', i + 2) + 1;
    else if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return [start.index, i + 1];
  }
  return undefined;
}

/**
 * Replaces the `amiId: '<ami>'` value of the file's `classifyhub` section, touching nothing else. Throws
 * naming the file when the pin is not there exactly once or differs from `expected` (the loaded value).
 */
export function updateAmiPin(text: string, file: string, expected: string, amiId: string): string {
  const [from, to] = sectionRange(text, 'classifyhub') ?? [0, 0];
  const section = text.slice(from, to);
  const matches = [...section.matchAll(AMI_PIN)];
  if (matches.length !== 1) {
    throw new Error(`${file}: expected exactly one "amiId: 'ami-…'" literal in the classifyhub section to update, found ${matches.length}; update classifyhub.amiId by hand to ${amiId}`);
  }
  if (matches[0][3] !== expected) {
    throw new Error(`${file}: the amiId literal is ${matches[0][3]} but the loaded environment says ${expected}; update classifyhub.amiId by hand to ${amiId}`);
  }
  const updated = section.replace(AMI_PIN, (_, prefix: string, quote: string) => `${prefix}${quote}${amiId}${quote}`);
  return text.slice(0, from) + updated + text.slice(to);
}

/**
 * Updates the AMI pin of an environment file: returns the unified diff, and unless `dryRun` writes the new
 * text atomically (a temp file in the same folder, then rename), so the file is never half-written.
 */
export function writeAmiPin(file: string, expected: string, amiId: string, options: { dryRun?: boolean; shownAs?: string } = {}): string {
  const shown = options.shownAs ?? file;
  const before = fs.readFileSync(file, 'utf8');
  const after = updateAmiPin(before, shown, expected, amiId);
  if (!options.dryRun && after !== before) {
    const temp = path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}`);
    try {
      fs.writeFileSync(temp, after);
      fs.renameSync(temp, file);
    } finally {
      fs.rmSync(temp, { force: true });
    }
  }
  return unifiedDiff(before, after, shown);
}

/** A unified diff (3 lines of context) of two texts, `""` when they are equal. */
export function unifiedDiff(before: string, after: string, file: string, context = 3): string {
  if (before === after) return '';
  const a = before.split('\n');
  const b = after.split('\n');
  // Longest common subsequence table (environment files are small).
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) for (let j = b.length - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  type Op = { kind: ' ' | '-' | '+'; line: string; ai: number; bi: number };
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) ops.push({ kind: ' ', line: a[i], ai: i++, bi: j++ });
    else if (i < a.length && (j >= b.length || lcs[i + 1][j] >= lcs[i][j + 1])) ops.push({ kind: '-', line: a[i], ai: i++, bi: j });
    else ops.push({ kind: '+', line: b[j], ai: i, bi: j++ });
  }
  const changed = ops.map((op, k) => (op.kind === ' ' ? -1 : k)).filter((k) => k >= 0);
  const hunks: Array<[number, number]> = [];
  for (const k of changed) {
    const start = Math.max(0, k - context);
    const end = Math.min(ops.length - 1, k + context);
    const last = hunks[hunks.length - 1];
    if (last && start <= last[1] + 1) last[1] = end;
    else hunks.push([start, end]);
  }
  const out = [`--- a/${file}`, `+++ b/${file}`];
  for (const [start, end] of hunks) {
    const slice = ops.slice(start, end + 1);
    const aCount = slice.filter((op) => op.kind !== '+').length;
    const bCount = slice.filter((op) => op.kind !== '-').length;
    out.push(`@@ -${slice[0].ai + 1},${aCount} +${slice[0].bi + 1},${bCount} @@`, ...slice.map((op) => `${op.kind}${op.line}`));
  }
  return `${out.join('\n')}\n`;
}
