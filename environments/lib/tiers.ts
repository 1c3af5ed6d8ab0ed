/**
 * Tier profiles: the one place where "dev / staging / prod" turns into
 * concrete safety and cost settings. Modules receive these values as props;
 * nothing else in the code base branches on the tier name.
 */
export const TIERS = ['dev', 'staging', 'prod'] as const;
export type Tier = (typeof TIERS)[number];

export interface TierProfile {
  /** Termination/deletion protection and `prevent_destroy` on stateful resources. */
  readonly deletionProtection: boolean;
  /** Days of automated backups (EBS snapshots now, RDS backups from stage 12). */
  readonly backupRetentionDays: number;
  /** CloudWatch Logs retention in days (must be a value CloudWatch accepts). */
  readonly logRetentionDays: number;
  /** NAT gateways from stage 12: one shared, or one per AZ. */
  readonly natLayout: 'single' | 'per-az';
  /** Zones the network must have from stage 12 (every service spreads over them). */
  readonly minAvailabilityZones: number;
  /**
   * Instance classes of the managed data stores from stage 12 (always Multi-AZ: the stage is about availability).
   * `database` is the class of each of the three instances of ClassifyHub's Multi-AZ DB cluster (a class family with
   * local NVMe: m6gd, r6gd, ...; see modules/database DB_CLUSTER_INSTANCE_FAMILIES).
   */
  readonly instanceClasses: { readonly database: string; readonly cache: string; readonly search: string };
  /** io1 storage of each instance of ClassifyHub's Multi-AZ DB cluster from stage 12 (no autoscaling: raise by hand). */
  readonly databaseStorage: { readonly allocatedGiB: number; readonly iops: number };
  /** Fargate size and task count floor of each ECS service from stage 12. */
  readonly tasks: { readonly cpu: number; readonly memoryMiB: number; readonly min: number; readonly max: number };
  /** Product onboarding (seed 002): its RDS catalog database; Multi-AZ on the prod tier only. */
  readonly onboardingDatabase: { readonly instanceClass: string; readonly multiAz: boolean };
  /** Days a deleted customer managed KMS key stays recoverable (7-30): the longest wherever deletion protection is on. */
  readonly keyDeletionWindowDays: number;
  /** Days a deleted Secrets Manager secret stays restorable (7-30): the longest wherever deletion protection is on. */
  readonly secretRecoveryWindowDays: number;
  /** CloudFront price class from stage 9: every edge location on prod, North America and Europe elsewhere. */
  readonly cdnPriceClass: 'PriceClass_All' | 'PriceClass_200' | 'PriceClass_100';
  /**
   * AWS WAF web ACLs of every public entry point (modules/waf): "count" observes (rules count and label,
   * nothing is blocked except KnownBadInputs), "block" enforces. dev counts so false positives show up in
   * the logs first; staging blocks like prod, so a rule that breaks the app breaks it before prod.
   */
  readonly waf: { readonly mode: 'count' | 'block' };
  /**
   * Event ingestion (seed 003): the stream is provisioned with the seed's four shards on every tier (4 MB/s, 4,000
   * records/s in; on-demand would hide the shards the seed draws and cost more at steady load), its retention grows
   * with the tier; R2 (every record, Firehose) moves to Glacier Instant Retrieval and expires; F1's task size.
   */
  readonly ingestion: {
    readonly streamMode: 'provisioned' | 'on-demand';
    readonly shardCount: number;
    readonly retentionHours: number;
    readonly retentionGlacierAfterDays: number;
    readonly retentionExpireAfterDays: number;
    readonly workerInstanceType: string;
    readonly summarizerTask: { readonly cpu: number; readonly memoryMiB: number };
  };
  /**
   * Recall notifications (seed 000): instance types and group sizes of the web and backend tiers
   * (each side), its RDS database (Multi-AZ on staging and prod), and the poller's reserved concurrency.
   */
  readonly recall: {
    readonly webInstanceType: string;
    readonly backendInstanceType: string;
    readonly web: { readonly min: number; readonly max: number };
    readonly backend: { readonly min: number; readonly max: number };
    readonly database: { readonly instanceClass: string; readonly multiAz: boolean };
    readonly pollerConcurrency: number;
  };
  /**
   * Webhooks (seed 004): HTTPS-only endpoints outside dev; events kept (DynamoDB TTL); stage-wide API throttling;
   * the Delivery Service's most concurrent batches (it protects receivers and the account's concurrency pool).
   */
  readonly webhooks: {
    readonly requireHttps: boolean;
    readonly eventRetentionDays: number;
    readonly apiThrottle: { readonly rateLimitPerSecond: number; readonly burstLimit: number };
    readonly deliveryMaxConcurrency: number;
  };
}

export const TIER_PROFILES = {
  dev: {
    deletionProtection: false, backupRetentionDays: 3, logRetentionDays: 14, natLayout: 'single', minAvailabilityZones: 2,
    instanceClasses: { database: 'db.m6gd.large', cache: 'cache.t4g.small', search: 't3.medium.search' },
    databaseStorage: { allocatedGiB: 100, iops: 1000 },
    tasks: { cpu: 256, memoryMiB: 512, min: 2, max: 4 },
    onboardingDatabase: { instanceClass: 'db.t4g.medium', multiAz: false },
    keyDeletionWindowDays: 7, secretRecoveryWindowDays: 7, cdnPriceClass: 'PriceClass_100',
    waf: { mode: 'count' },
    ingestion: { streamMode: 'provisioned', shardCount: 4, retentionHours: 24, retentionGlacierAfterDays: 30, retentionExpireAfterDays: 90, workerInstanceType: 't3.small', summarizerTask: { cpu: 256, memoryMiB: 512 } },
    recall: { webInstanceType: 't3.small', backendInstanceType: 't3.small', web: { min: 2, max: 4 }, backend: { min: 2, max: 4 }, database: { instanceClass: 'db.t4g.medium', multiAz: false }, pollerConcurrency: 2 },
    webhooks: { requireHttps: false, eventRetentionDays: 7, apiThrottle: { rateLimitPerSecond: 50, burstLimit: 100 }, deliveryMaxConcurrency: 5 },
  },
  staging: {
    deletionProtection: true, backupRetentionDays: 7, logRetentionDays: 30, natLayout: 'single', minAvailabilityZones: 2,
    instanceClasses: { database: 'db.m6gd.large', cache: 'cache.t4g.medium', search: 'm6g.large.search' },
    databaseStorage: { allocatedGiB: 100, iops: 1000 },
    tasks: { cpu: 512, memoryMiB: 1024, min: 2, max: 6 },
    onboardingDatabase: { instanceClass: 'db.t4g.medium', multiAz: false },
    keyDeletionWindowDays: 30, secretRecoveryWindowDays: 30, cdnPriceClass: 'PriceClass_100',
    waf: { mode: 'block' },
    ingestion: { streamMode: 'provisioned', shardCount: 4, retentionHours: 72, retentionGlacierAfterDays: 30, retentionExpireAfterDays: 365, workerInstanceType: 't3.small', summarizerTask: { cpu: 256, memoryMiB: 512 } },
    recall: { webInstanceType: 't3.medium', backendInstanceType: 't3.medium', web: { min: 2, max: 6 }, backend: { min: 2, max: 6 }, database: { instanceClass: 'db.t4g.large', multiAz: true }, pollerConcurrency: 3 },
    webhooks: { requireHttps: true, eventRetentionDays: 14, apiThrottle: { rateLimitPerSecond: 200, burstLimit: 400 }, deliveryMaxConcurrency: 10 },
  },
  prod: {
    deletionProtection: true, backupRetentionDays: 30, logRetentionDays: 365, natLayout: 'per-az', minAvailabilityZones: 3,
    instanceClasses: { database: 'db.r6gd.large', cache: 'cache.r7g.large', search: 'r6g.large.search' },
    databaseStorage: { allocatedGiB: 200, iops: 3000 },
    tasks: { cpu: 1024, memoryMiB: 2048, min: 3, max: 12 },
    onboardingDatabase: { instanceClass: 'db.r6g.large', multiAz: true },
    keyDeletionWindowDays: 30, secretRecoveryWindowDays: 30, cdnPriceClass: 'PriceClass_All',
    waf: { mode: 'block' },
    ingestion: { streamMode: 'provisioned', shardCount: 4, retentionHours: 168, retentionGlacierAfterDays: 30, retentionExpireAfterDays: 2557, workerInstanceType: 't3.medium', summarizerTask: { cpu: 512, memoryMiB: 1024 } },
    recall: { webInstanceType: 'm6i.large', backendInstanceType: 'm6i.large', web: { min: 3, max: 12 }, backend: { min: 3, max: 12 }, database: { instanceClass: 'db.r6g.large', multiAz: true }, pollerConcurrency: 5 },
    webhooks: { requireHttps: true, eventRetentionDays: 30, apiThrottle: { rateLimitPerSecond: 1000, burstLimit: 2000 }, deliveryMaxConcurrency: 50 },
  },
} as const satisfies Record<Tier, TierProfile>;
