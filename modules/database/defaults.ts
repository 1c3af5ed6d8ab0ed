/** Defaults of the Database construct (the identifier defaults to `${namePrefix}-postgres`, computed in index.ts). */
export const DATABASE_DEFAULTS = {
  /** PostgreSQL 15 (parameter group family postgres15). */
  engineVersion: '15.10',
  /** Graviton burstable class large enough for Performance Insights and a multi-AZ standby. */
  instanceClass: 'db.t4g.medium',
  /** Initial gp3 storage, GiB (gp3 baseline: 3,000 IOPS and 125 MiB/s below 400 GiB). */
  allocatedStorageGiB: 50,
  /** Storage autoscaling ceiling, GiB. */
  maxAllocatedStorageGiB: 200,
  /** Synchronous standby in a second zone. */
  multiAz: true,
  /** Database created with the instance. */
  databaseName: 'classifyhub',
  /** Master user; RDS generates its password and keeps it in Secrets Manager. */
  masterUsername: 'classifyhub',
  /** Performance Insights retention: 7 days is the free tier. */
  performanceInsightsRetentionDays: 7,
  /** Enhanced monitoring granularity, seconds. */
  monitoringIntervalSeconds: 60,
  /** IAM database authentication (rds-db:connect) alongside passwords. */
  iamAuthentication: true,
  /** Refuse `terraform destroy` of the primary instance. */
  preventDestroy: false,
} as const;

/** Fixed settings of every instance the module creates. */
export const DATABASE_SETTINGS = {
  engine: 'postgres',
  /** PostgreSQL port; security-group rules and `Database.port` use it. */
  port: 5432,
  storageType: 'gp3',
  /** RSA 2048 CA, valid until 2061; clients verify the server with the RDS global bundle. */
  caCertIdentifier: 'rds-ca-rsa2048-g1',
  /** Log types exported to CloudWatch Logs; each gets a log group created before the instance. */
  logExports: ['postgresql', 'upgrade'] as readonly string[],
  /** AWS managed policy of the enhanced monitoring role. */
  monitoringPolicyArn: 'arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole',
  /** Service principal of the enhanced monitoring role. */
  monitoringPrincipal: 'monitoring.rds.amazonaws.com',
} as const;

/** One parameter of the DB parameter group. */
export interface DatabaseParameter {
  readonly name: string;
  readonly value: string;
  /** 'pending-reboot' for static parameters (RDS rejects 'immediate' for them). */
  readonly applyMethod: 'immediate' | 'pending-reboot';
}

/**
 * Parameters of the DB parameter group, in name order. All three are dynamic
 * in RDS for PostgreSQL, so they apply without a reboot.
 */
export const DATABASE_PARAMETERS: readonly DatabaseParameter[] = [
  /** Log every new connection (who, from where). */
  { name: 'log_connections', value: '1', applyMethod: 'immediate' },
  /** Log statements slower than one second (milliseconds). */
  { name: 'log_min_duration_statement', value: '1000', applyMethod: 'immediate' },
  /** Refuse connections that are not TLS. */
  { name: 'rds.force_ssl', value: '1', applyMethod: 'immediate' },
];

/** Valid enhanced monitoring intervals, seconds (0, which turns it off, is not offered). */
export const MONITORING_INTERVALS_SECONDS = [1, 5, 10, 15, 30, 60] as const;
