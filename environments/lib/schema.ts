import { z } from 'zod';
import { STAGE_SLUGS, stageBySlug, IMPLEMENTED_STAGES } from '../../systems/classifyhub/stages';
import { CLASSIFYHUB_DEFAULTS } from './defaults';
import { TIERS, TIER_PROFILES, TierProfile } from './tiers';
import { azName, cidr, cidrsOverlap, emailAddress, hostname, imageTag, pinnedImage, regionName } from './fields';
import { SYSTEM_SECTIONS, type SystemSection } from '../../systems/sections';
import { LOCK_TABLE_NAME, STATE_BUCKET_NAME, STATE_KEY_PREFIX } from '../../modules/core/state-backend';

export { cidrsOverlap, isIpv4Cidr } from './fields';

const CDN_STAGE = stageBySlug('09-cdn').number;
const HA_STAGE = stageBySlug('12-high-availability').number;
/** Zones of ClassifyHub's RDS Multi-AZ DB cluster (stage 12 on): a writer and two readable standbys, one per zone. */
const DB_CLUSTER_ZONES = 3;
const OBSERVABILITY_STAGE = stageBySlug('13-observability').number;
const MULTI_REGION_STAGE = stageBySlug('14-multi-region').number;

/** Systems an environment can run; each enabled system adds its stack (`<system>-<env>`). */
export const SYSTEMS = ['classifyhub', 'onboarding', 'webhooks', 'ingestion', 'recall'] as const;
export type SystemName = (typeof SYSTEMS)[number];

/** Route 53 geolocation continents a region can serve. */
export const CONTINENTS = ['NA', 'SA', 'EU', 'AF', 'AS', 'OC', 'AN'] as const;

export const thirdPartyImagesSchema = z
  .object({
    /** PostgreSQL server image (primary and replica). */
    postgres: pinnedImage,
    /** Redis image (cache, rate-limit counters). */
    redis: pinnedImage,
    /** OpenSearch image (search service). */
    opensearch: pinnedImage,
    /** OpenResty image for the TLS edge / API gateway. */
    gateway: pinnedImage,
    /** ACME client image that obtains and renews the host's certificate. */
    acme: pinnedImage,
    /** SigV4-signing proxy sidecar of the ECS gateway, in front of OpenSearch (stage 12 on). */
    searchSigner: pinnedImage,
    /** AWS CLI image of the backend's secrets init container (stage 12 on). */
    awsCli: pinnedImage,
  })
  .strict();

export const classifyHubSchema = z
  .object({
    /** Stage of seed 001 this environment runs. */
    stage: z.enum(STAGE_SLUGS),
    /** EC2 instance type of the Docker host (stages 1-11). */
    instanceType: z
      .string()
      .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { message: 'expected an EC2 instance type such as t3.micro' })
      .default(CLASSIFYHUB_DEFAULTS.instanceType),
    /** Pinned AMI (Amazon Linux 2023) of the Docker host, for the environment's region. */
    amiId: z.string().regex(/^ami-[0-9a-f]{8,17}$/, { message: 'expected an AMI id such as ami-0abcdef1234567890' }),
    /** Size of the separate EBS data volume holding PostgreSQL, Redis, OpenSearch and certificates. */
    dataVolumeSizeGiB: z.number().int().min(8).max(16384).default(CLASSIFYHUB_DEFAULTS.dataVolumeSizeGiB),
    /** Public DNS name of the application; hostedZoneId makes the records for it. */
    domain: z
      .object({
        name: hostname,
        hostedZoneId: z.string().regex(/^Z[A-Z0-9]{1,31}$/, { message: 'expected a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ' }).optional(),
      })
      .strict(),
    /** From address of notification e-mails; must be in the domain (SES domain identity). */
    senderEmail: z.string().email({ message: 'expected an e-mail address' }),
    /** Immutable tags of the application images in this environment's ECR repositories. */
    images: z.object({ backend: imageTag, frontend: imageTag, worker: imageTag }).strict(),
    /** Third-party images, pinned by version; each one overrides the default of environments/lib/defaults.ts. */
    thirdPartyImages: thirdPartyImagesSchema
      .partial()
      .default({})
      .transform((images) => ({ ...CLASSIFYHUB_DEFAULTS.thirdPartyImages, ...images })),
    /**
     * Stage 12 moves the system off the Docker host; the host and its data
     * volume stay (stopped from serving) until this is set, after the data
     * migration of the README's runbook. Only allowed from stage 12 on.
     */
    decommissionDockerHost: z.boolean().default(false),
    /** E-mail addresses subscribed to the on-call SNS topic (required from stage 13). */
    onCallEmails: z.array(z.string().email({ message: 'expected an e-mail address' })).default([]),
    /** Stage 14: where the environment's region serves, and the other regions of the deployment. */
    multiRegion: z
      .object({
        /** Geolocation continent routed to the environment's own region. */
        primaryLocation: z.enum(CONTINENTS).default('NA'),
        /** Further regions, each a complete copy of the regional stack with its own VPC range. */
        regions: z
          .array(
            z
              .object({
                region: regionName,
                location: z.enum(CONTINENTS),
                cidr,
                availabilityZones: z.array(azName).min(2).max(6),
              })
              .strict(),
          )
          .max(5)
          .default([]),
      })
      .strict()
      .default({}),
    /** Gateway rate limit per client IP (stage 11). */
    rateLimit: z
      .object({
        requestsPerMinute: z.number().int().min(1).max(1_000_000),
      })
      .strict()
      .default(CLASSIFYHUB_DEFAULTS.rateLimit),
  })
  .strict();

/** Product onboarding (seed 002): required when `systems` includes "onboarding". */
export const onboardingSchema = z
  .object({
    /** VPC range of the onboarding system; must not overlap the environment's other ranges. */
    cidr,
    /** Zones of its private subnets (RDS needs two); default: network.availabilityZones. */
    availabilityZones: z.array(azName).min(2, { message: 'RDS and the functions need private subnets in at least two zones' }).max(6).optional(),
    /** Subscribers of the product-upload-notifications topic (vendors' and support's addresses). */
    notificationEmails: z.array(emailAddress).min(1, { message: 'name at least one subscriber of the upload notifications' }),
    /** Subscribers of the ops topic the onboarding alarms notify. */
    opsEmails: z.array(emailAddress).min(1, { message: 'name at least one address for the onboarding alarms' }),
    /** Days error reports (errors/<vendor>/...) are kept in the uploads bucket. */
    errorReportRetentionDays: z.number().int().min(1).max(3650).default(30),
    /** Days staging rows stay in UploadRecords before DynamoDB TTL removes them. */
    stagingRecordTtlDays: z.number().int().min(1).max(365).default(7),
    /**
     * Vendors of this environment (issue 14): each gets an e-mail subscription to the notification
     * topic with a filter policy on its vendor_id, so it hears about its own uploads only.
     */
    vendors: z
      .array(
        z
          .object({
            /** vendors.vendor_id and the upload folder uploads/<id>/. */
            id: z.string().regex(/^[A-Za-z0-9_-]{1,50}$/, { message: 'expected 1-50 letters, digits, "_" or "-" (it is the upload folder uploads/<id>/)' }),
            name: z.string().min(1).max(200),
            email: emailAddress,
          })
          .strict(),
      )
      .default([])
      .refine((v) => new Set(v.map((x) => x.id)).size === v.length, { message: 'vendor ids must be unique' }),
  })
  .strict();

const environmentBaseSchema = z
  .object({
    /** Environment name; part of every stack and resource name. */
    name: z.string().regex(/^[a-z][a-z0-9-]{1,15}$/, { message: 'expected 2-16 lower-case letters, digits or dashes, starting with a letter' }),
    /** Tier profile: maps to deletion protection, backups, log retention, NAT layout, Multi-AZ. */
    tier: z.enum(TIERS),
    account: z
      .object({
        id: z.string().regex(/^\d{12}$/, { message: 'expected a 12-digit AWS account id' }),
        region: regionName,
      })
      .strict(),
    /**
     * Where Terraform keeps this environment's state (create it with `npm run bootstrap -- <env>`); every
     * stack declares it as its S3 backend, key `<keyPrefix><stack>/terraform.tfstate` (modules/core/state-backend.ts).
     */
    state: z
      .object({
        /** S3 bucket. @default classifyhub-tfstate-<account.id>-<region> */
        bucket: z.string().regex(STATE_BUCKET_NAME, { message: 'expected an S3 bucket name (3-63 lower-case letters, digits, dots, dashes)' }).optional(),
        /** Region of the bucket. @default account.region */
        region: regionName.optional(),
        /** Prefix of every stack's key. @default "" */
        keyPrefix: z.string().regex(STATE_KEY_PREFIX, { message: 'expected "" or path segments ending in "/", e.g. "platform/"' }).optional(),
        /** DynamoDB lock table (partition key LockID). @default none: S3's own lock file (use_lockfile) */
        lockTable: z.string().regex(LOCK_TABLE_NAME, { message: 'expected a DynamoDB table name (3-255 letters, digits, _ . -)' }).optional(),
      })
      .strict()
      .default({}),
    network: z
      .object({
        cidr,
        /** Pinned availability zones, in the environment's region; the first hosts the Docker host. */
        availabilityZones: z.array(azName).min(1).max(6),
      })
      .strict(),
    /** Systems this environment runs, each in its own stack. */
    systems: z.array(z.enum(SYSTEMS)).min(1, { message: 'name at least one system' }).default(['classifyhub']),
    classifyhub: classifyHubSchema,
    onboarding: onboardingSchema.optional(),
    /** Webhook notifications (seed 004): required when `systems` includes "webhooks". */
    webhooks: SYSTEM_SECTIONS.webhooks.schema.optional(),
    /** Event ingestion on Kinesis (seed 003): required when `systems` includes "ingestion". */
    ingestion: SYSTEM_SECTIONS.ingestion.schema.optional(),
    /** Recall notifications (seed 000): required when `systems` includes "recall". */
    recall: SYSTEM_SECTIONS.recall.schema.optional(),
    /**
     * AWS Shield Advanced on the public entry points (ALBs, CloudFront distributions, Elastic IPs): opt-in.
     * Needs an active Shield Advanced subscription in the account, which no stack creates: it is a one-year
     * commitment (USD 3,000 a month plus data transfer) that `terraform destroy` cannot end. Subscribe first
     * (console or `aws shield create-subscription`), then set true; systems add one `aws_shield_protection` per
     * entry point. WAF web ACLs (modules/waf) are on in every environment regardless.
     */
    shieldAdvanced: z.boolean().default(false),
    /** Tags added to every resource (besides Project/Environment/ManagedBy). */
    tags: z.record(
      z.string().regex(/^(?!aws:)[\w .:/=+@-]{1,128}$/, { message: 'expected a tag key of 1-128 characters not starting with "aws:"' }),
      z.string().max(256),
    ),
  })
  .strict();

export const environmentSchema = environmentBaseSchema.superRefine((env, ctx) => {
  env.network.availabilityZones.forEach((az, i) => {
    if (!az.startsWith(env.account.region)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['network', 'availabilityZones', i], message: `AZ must be in the environment's region ${env.account.region}` });
    }
  });
  if (new Set(env.network.availabilityZones).size !== env.network.availabilityZones.length) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['network', 'availabilityZones'], message: 'AZ names must be unique' });
  }
  const stage = stageBySlug(env.classifyhub.stage);
  if (!stage.implemented) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: ['classifyhub', 'stage'],
      message: `stage ${stage.slug} is not implemented yet; implemented stages: ${IMPLEMENTED_STAGES.map((s) => s.slug).join(', ')}`,
    });
  }
  if (stage.number >= CDN_STAGE && !env.classifyhub.domain.hostedZoneId) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: ['classifyhub', 'domain', 'hostedZoneId'],
      message: 'stages from 09-cdn on need a hosted zone: CloudFront enforces TLS 1.2 only with an ACM certificate validated in DNS',
    });
  }
  const ch = env.classifyhub;
  const minZones = TIER_PROFILES[env.tier].minAvailabilityZones;
  // ClassifyHub's database from stage 12 is an RDS Multi-AZ DB cluster: one instance in each of three zones, on every tier.
  const classifyHubZones = Math.max(minZones, DB_CLUSTER_ZONES);
  if (stage.number >= HA_STAGE && env.network.availabilityZones.length < classifyHubZones) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: ['network', 'availabilityZones'],
      message: `stage ${stage.slug} spreads every service over the zones and its Multi-AZ DB cluster needs three; the ${env.tier} tier needs at least ${classifyHubZones} (got ${env.network.availabilityZones.length})`,
    });
  }
  if (ch.decommissionDockerHost && stage.number < HA_STAGE) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: ['classifyhub', 'decommissionDockerHost'],
      message: `the Docker host runs the whole system until ${stageBySlug('12-high-availability').slug}; it can only be decommissioned from that stage on`,
    });
  }
  if (stage.number >= OBSERVABILITY_STAGE && ch.onCallEmails.length === 0) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: ['classifyhub', 'onCallEmails'],
      message: `stage ${stage.slug} sends alarms to an on-call topic; name at least one e-mail address to subscribe`,
    });
  }
  if (stage.number >= MULTI_REGION_STAGE) {
    const regions = ch.multiRegion.regions;
    if (regions.length === 0) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['classifyhub', 'multiRegion', 'regions'],
        message: `stage ${stage.slug} needs at least one further region, e.g. { region: "eu-west-1", location: "EU", cidr: "10.31.0.0/16", availabilityZones: ["eu-west-1a", "eu-west-1b"] }`,
      });
    }
    const seenRegions = new Set([env.account.region]);
    const seenLocations = new Set<string>([ch.multiRegion.primaryLocation]);
    const cidrs: { where: string; cidr: string }[] = [{ where: 'network.cidr', cidr: env.network.cidr }];
    regions.forEach((r, i) => {
      const path = ['classifyhub', 'multiRegion', 'regions', i];
      if (seenRegions.has(r.region)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [...path, 'region'], message: 'each region may appear once (the environment\'s own region is account.region)' });
      seenRegions.add(r.region);
      if (seenLocations.has(r.location)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [...path, 'location'], message: 'each continent is routed to one region only' });
      seenLocations.add(r.location);
      r.availabilityZones.forEach((az, j) => {
        if (!az.startsWith(r.region)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [...path, 'availabilityZones', j], message: `AZ must be in the region ${r.region}` });
      });
      if (r.availabilityZones.length < classifyHubZones) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [...path, 'availabilityZones'], message: `the ${env.tier} tier needs at least ${classifyHubZones} zones per region (the Multi-AZ DB cluster puts one instance in each of three; got ${r.availabilityZones.length})` });
      }
      const clash = cidrs.find((c) => cidrsOverlap(c.cidr, r.cidr));
      if (clash) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [...path, 'cidr'], message: `overlaps ${clash.where} (${clash.cidr}); regional VPC ranges must not overlap so they can be peered later` });
      }
      cidrs.push({ where: `classifyhub.multiRegion.regions.${i}.cidr`, cidr: r.cidr });
    });
  }
  checkSystems(env, ctx, minZones);
  checkSectionSystems(env, ctx);
  const senderDomain = env.classifyhub.senderEmail.split('@')[1];
  if (senderDomain !== env.classifyhub.domain.name) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: ['classifyhub', 'senderEmail'],
      message: `the sender must be an address at the SES domain identity ${env.classifyhub.domain.name}`,
    });
  }
});

/** Checks of `systems` and the sections of the systems it enables. */
function checkSystems(env: z.output<typeof environmentBaseSchema>, ctx: z.RefinementCtx, minZones: number): void {
  if (new Set(env.systems).size !== env.systems.length) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['systems'], message: 'each system may appear once' });
  }
  const onboarding = env.onboarding;
  const wantsOnboarding = env.systems.includes('onboarding');
  if (wantsOnboarding && !onboarding) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: ['onboarding'],
      message: 'required when systems includes "onboarding": { cidr, notificationEmails, opsEmails } (optional: availabilityZones, errorReportRetentionDays, stagingRecordTtlDays)',
    });
  }
  if (!onboarding) return;
  if (!wantsOnboarding) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['systems'], message: 'the "onboarding" section is set but systems does not include "onboarding": add it, or remove the section' });
  }
  const others: { where: string; cidr: string }[] = [
    { where: 'network.cidr', cidr: env.network.cidr },
    ...env.classifyhub.multiRegion.regions.map((r, i) => ({ where: `classifyhub.multiRegion.regions.${i}.cidr`, cidr: r.cidr })),
  ];
  const clash = others.find((o) => cidrsOverlap(o.cidr, onboarding.cidr));
  if (clash) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['onboarding', 'cidr'], message: `overlaps ${clash.where} (${clash.cidr}); every VPC of an environment needs its own range` });
  }
  const explicitZones = onboarding.availabilityZones !== undefined;
  const zones = onboarding.availabilityZones ?? env.network.availabilityZones;
  const zonesPath = explicitZones ? ['onboarding', 'availabilityZones'] : ['network', 'availabilityZones'];
  zones.forEach((az, i) => {
    if (explicitZones && !az.startsWith(env.account.region)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: [...zonesPath, i], message: `AZ must be in the environment's region ${env.account.region}` });
    }
  });
  if (explicitZones && new Set(zones).size !== zones.length) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: zonesPath, message: 'AZ names must be unique' });
  }
  const needed = Math.max(2, minZones);
  if (zones.length < needed) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: zonesPath,
      message: `the onboarding system puts RDS and the functions in private subnets of at least ${needed} zones (the ${env.tier} tier)${explicitZones ? '' : '; set onboarding.availabilityZones or add zones here'}`,
    });
  }
  for (const field of ['notificationEmails', 'opsEmails'] as const) {
    const lower = onboarding[field].map((e) => e.toLowerCase());
    if (new Set(lower).size !== lower.length) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['onboarding', field], message: 'no address twice' });
  }
}

/** The sections of the pluggable systems (systems/sections.ts): present exactly when enabled, VPC ranges apart, own checks. */
function checkSectionSystems(env: z.output<typeof environmentBaseSchema>, ctx: z.RefinementCtx): void {
  const taken: { where: string; cidr: string }[] = [
    { where: 'network.cidr', cidr: env.network.cidr },
    ...env.classifyhub.multiRegion.regions.map((r, i) => ({ where: `classifyhub.multiRegion.regions.${i}.cidr`, cidr: r.cidr })),
    ...(env.onboarding ? [{ where: 'onboarding.cidr', cidr: env.onboarding.cidr }] : []),
  ];
  for (const name of Object.keys(SYSTEM_SECTIONS) as (keyof typeof SYSTEM_SECTIONS)[]) {
    const spec = SYSTEM_SECTIONS[name] as unknown as SystemSection;
    const section = env[name];
    const enabled = env.systems.includes(name);
    if (enabled && !section) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: [name], message: `required when systems includes "${name}": ${spec.required}` });
    }
    if (!section) continue;
    if (!enabled) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['systems'], message: `the "${name}" section is set but systems does not include "${name}": add it, or remove the section` });
    }
    for (const range of spec.cidrs?.(section) ?? []) {
      const clash = taken.find((t) => cidrsOverlap(t.cidr, range.cidr));
      const where = `${name}.${range.where}`;
      if (clash) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: where.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)), message: `overlaps ${clash.where} (${clash.cidr}); every VPC of an environment needs its own range` });
      }
      taken.push({ where, cidr: range.cidr });
    }
    spec.check?.(section, env, (path, message) => ctx.addIssue({ code: z.ZodIssueCode.custom, path: [name, ...path], message }));
  }
}

/** What an environment file exports (`satisfies EnvironmentInput`). */
export type EnvironmentInput = z.input<typeof environmentSchema>;

/** A validated environment with its tier profile resolved. */
export type Environment = z.output<typeof environmentSchema> & {
  /** Path of the file it came from, for messages. */
  readonly file: string;
  readonly profile: TierProfile;
};

/** The name of a system's stack in an environment: `<system>-<environment>` (each system adds one stack per environment). */
export function stackName(system: SystemName, environment: string): string {
  return `${system}-${environment}`;
}

/** The environment a stack belongs to: the longest known environment name its name ends with (`-<env>`). */
export function environmentOfStack(stack: string, environments: readonly string[]): string | undefined {
  return [...environments].sort((a, b) => b.length - a.length).find((env) => stack.endsWith(`-${env}`));
}

/** The section of a system the environment runs; throws naming the stack, the file and `systems` when it does not run it. */
export function runningSection<K extends 'onboarding' | 'webhooks' | 'ingestion' | 'recall'>(env: Environment, system: K, stack: string): NonNullable<Environment[K]> {
  const section = env[system];
  if (!section || !env.systems.includes(system)) {
    throw new Error(`${stack}: environment ${env.name} (${env.file}) does not run "${system}" (systems: ${JSON.stringify(env.systems)})`);
  }
  return section as NonNullable<Environment[K]>;
}

/** Raised for an invalid environment file; `message` lists every problem. */
export class EnvironmentError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`${file}: invalid environment (${problems.length} problem${problems.length === 1 ? '' : 's'})\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'EnvironmentError';
  }
}

/** Validates raw environment data; throws EnvironmentError naming file, field, value received and what is allowed. */
export function validateEnvironment(raw: unknown, file: string): Environment {
  const result = environmentSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => describeIssue(raw, issue));
    throw new EnvironmentError(file, problems);
  }
  return { ...result.data, file, profile: TIER_PROFILES[result.data.tier] };
}

function describeIssue(raw: unknown, issue: z.ZodIssue): string {
  const field = issue.path.length ? issue.path.join('.') : '(root)';
  if (issue.code === z.ZodIssueCode.unrecognized_keys) {
    return `field "${field}": unknown key(s) ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}; allowed keys are the ones documented in environments/lib/schema.ts`;
  }
  const value = valueAt(raw, issue.path);
  const received = value === undefined ? 'nothing (the field is missing)' : JSON.stringify(value);
  let allowed = issue.message;
  if (issue.code === z.ZodIssueCode.invalid_enum_value) {
    allowed = `expected one of: ${issue.options.join(', ')}`;
  } else if (issue.code === z.ZodIssueCode.invalid_type) {
    allowed = `expected ${issue.expected}`;
  }
  return `field "${field}": received ${received}; ${allowed}`;
}

function valueAt(raw: unknown, path: readonly (string | number)[]): unknown {
  let cur: unknown = raw;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[key];
  }
  return cur;
}

