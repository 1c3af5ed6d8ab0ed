/**
 * The ClassifyHub stage ladder (seed 001): one typed table, one row per stage.
 *
 * Each row names the capabilities the stage *adds*; stages are cumulative, so
 * the capabilities in force at stage N are the union of rows 1..N.
 */

/** Every capability a ClassifyHub stage can switch on. */
export const CAPABILITIES = [
  'backend',
  'database',
  'auth',
  'frontend',
  'objectStorage',
  'search',
  'cache',
  'apiGateway',
  'asyncNotifications',
  'cdn',
  'readReplica',
  'rateLimiting',
  'highAvailability',
  'observability',
  'multiRegion',
] as const;

export type Capability = (typeof CAPABILITIES)[number];
export type Capabilities = Readonly<Record<Capability, boolean>>;

export interface StageDefinition {
  /** 1-based position on the ladder. */
  readonly number: number;
  /** Stable slug used by environment files and output folders. */
  readonly slug: string;
  /** Seed 001 title of the stage. */
  readonly title: string;
  /** Capabilities this stage adds on top of the previous one. */
  readonly adds: readonly Capability[];
  /** What the stage adds, one line, for the README and CLI output. */
  readonly summary: string;
  /** Whether this program can synthesize the stage yet. */
  readonly implemented: boolean;
}

export const STAGES = [
  { number: 1, slug: '01-monolith', title: 'Foundational Monolith', adds: ['backend', 'database'], implemented: true,
    summary: 'One EC2 Docker host in a public subnet: backend + PostgreSQL containers, TLS edge on 443.' },
  { number: 2, slug: '02-auth', title: 'User Authentication', adds: ['auth'], implemented: true,
    summary: 'JWT signing key in Secrets Manager, handed to the backend.' },
  { number: 3, slug: '03-frontend', title: 'Decoupled Frontend', adds: ['frontend'], implemented: true,
    summary: 'React SPA served by an nginx frontend container on 443, the API on its own port (8443); ECR repository for it.' },
  { number: 4, slug: '04-object-storage', title: 'Image Storage', adds: ['objectStorage'], implemented: true,
    summary: 'Private, encrypted, versioned S3 bucket with CORS for pre-signed browser uploads.' },
  { number: 5, slug: '05-search', title: 'Dedicated Search', adds: ['search'], implemented: true,
    summary: 'OpenSearch container; the browser queries it on its own port (9443).' },
  { number: 6, slug: '06-cache', title: 'Caching Layer', adds: ['cache'], implemented: true,
    summary: 'Redis container used by the backend as a read-through cache.' },
  { number: 7, slug: '07-api-gateway', title: 'API Gateway', adds: ['apiGateway'], implemented: true,
    summary: 'OpenResty API gateway becomes the single entry point routing UI, API and search; the direct ports close.' },
  { number: 8, slug: '08-async-notifications', title: 'Async Notifications', adds: ['asyncNotifications'], implemented: true,
    summary: 'SQS queue + DLQ, SES domain identity with DKIM, notification worker container.' },
  { number: 9, slug: '09-cdn', title: 'CDN', adds: ['cdn'], implemented: true,
    summary: 'CloudFront with two origins: the host for the UI, S3 (origin access control) for images.' },
  { number: 10, slug: '10-read-replicas', title: 'DB Read Replicas', adds: ['readReplica'], implemented: true,
    summary: 'Streaming PostgreSQL replica container; backend splits reads and writes.' },
  { number: 11, slug: '11-rate-limiting', title: 'Rate Limiting', adds: ['rateLimiting'], implemented: true,
    summary: 'Gateway rate limiting with counters in Redis.' },
  { number: 12, slug: '12-high-availability', title: 'High Availability', adds: ['highAvailability'], implemented: true,
    summary: 'Multi-AZ ECS/Fargate, an RDS Multi-AZ DB cluster (readable standbys), ElastiCache and OpenSearch behind an ALB.' },
  { number: 13, slug: '13-observability', title: 'Observability', adds: ['observability'], implemented: true,
    summary: 'CloudWatch logs, alarms and dashboard; SNS on-call topic.' },
  { number: 14, slug: '14-multi-region', title: 'Multi-Region Deployment', adds: ['multiRegion'], implemented: true,
    summary: 'The regional stack in three regions behind Route 53 geolocation routing.' },
] as const satisfies readonly StageDefinition[];

export type StageSlug = (typeof STAGES)[number]['slug'];

export const STAGE_SLUGS = STAGES.map((s) => s.slug) as unknown as readonly [StageSlug, ...StageSlug[]];

export const IMPLEMENTED_STAGES: readonly StageDefinition[] = STAGES.filter((s) => s.implemented);

/** The stage row for a slug; throws with the list of known slugs otherwise. */
export function stageBySlug(slug: string): StageDefinition {
  const stage = (STAGES as readonly StageDefinition[]).find((s) => s.slug === slug);
  if (!stage) {
    throw new Error(`unknown ClassifyHub stage "${slug}"; expected one of: ${STAGE_SLUGS.join(', ')}`);
  }
  return stage;
}

/** Capabilities in force at a stage: the union of every row up to and including it. */
export function capabilitiesAt(slug: string): Capabilities {
  const target = stageBySlug(slug);
  const flags = Object.fromEntries(CAPABILITIES.map((c) => [c, false])) as Record<Capability, boolean>;
  for (const stage of STAGES as readonly StageDefinition[]) {
    if (stage.number > target.number) break;
    for (const c of stage.adds) flags[c] = true;
  }
  return flags;
}

/** The last stage that runs everything on the Docker host; from the next one on the host is only kept for migration. */
export const LAST_DOCKER_HOST_STAGE = '11-rate-limiting' satisfies StageSlug;

/** The stage that introduces a capability. */
export function stageIntroducing(capability: Capability): StageDefinition {
  return (STAGES as readonly StageDefinition[]).find((s) => s.adds.includes(capability))!;
}
