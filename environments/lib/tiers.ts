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
  /** Instance classes of the managed data stores from stage 12 (always Multi-AZ: the stage is about availability). */
  readonly instanceClasses: { readonly database: string; readonly cache: string; readonly search: string };
  /** Fargate size and task count floor of each ECS service from stage 12. */
  readonly tasks: { readonly cpu: number; readonly memoryMiB: number; readonly min: number; readonly max: number };
  /** Product onboarding (seed 002): its RDS catalog database; Multi-AZ on the prod tier only. */
  readonly onboardingDatabase: { readonly instanceClass: string; readonly multiAz: boolean };
}

export const TIER_PROFILES = {
  dev: {
    deletionProtection: false, backupRetentionDays: 3, logRetentionDays: 14, natLayout: 'single', minAvailabilityZones: 2,
    instanceClasses: { database: 'db.t4g.medium', cache: 'cache.t4g.small', search: 't3.medium.search' },
    tasks: { cpu: 256, memoryMiB: 512, min: 2, max: 4 },
    onboardingDatabase: { instanceClass: 'db.t4g.medium', multiAz: false },
  },
  staging: {
    deletionProtection: true, backupRetentionDays: 7, logRetentionDays: 30, natLayout: 'single', minAvailabilityZones: 2,
    instanceClasses: { database: 'db.t4g.large', cache: 'cache.t4g.medium', search: 'm6g.large.search' },
    tasks: { cpu: 512, memoryMiB: 1024, min: 2, max: 6 },
    onboardingDatabase: { instanceClass: 'db.t4g.medium', multiAz: false },
  },
  prod: {
    deletionProtection: true, backupRetentionDays: 30, logRetentionDays: 365, natLayout: 'per-az', minAvailabilityZones: 3,
    instanceClasses: { database: 'db.r6g.large', cache: 'cache.r7g.large', search: 'r6g.large.search' },
    tasks: { cpu: 1024, memoryMiB: 2048, min: 3, max: 12 },
    onboardingDatabase: { instanceClass: 'db.r6g.large', multiAz: true },
  },
} as const satisfies Record<Tier, TierProfile>;
