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
  /** Multi-AZ managed data stores from stage 12. */
  readonly multiAz: boolean;
}

export const TIER_PROFILES = {
  dev: { deletionProtection: false, backupRetentionDays: 3, logRetentionDays: 14, natLayout: 'single', multiAz: false },
  staging: { deletionProtection: true, backupRetentionDays: 7, logRetentionDays: 30, natLayout: 'single', multiAz: true },
  prod: { deletionProtection: true, backupRetentionDays: 30, logRetentionDays: 365, natLayout: 'per-az', multiAz: true },
} as const satisfies Record<Tier, TierProfile>;
