/** Defaults of the CacheCluster construct. */
export const CACHE_DEFAULTS = {
  /** Graviton burstable node: enough for a cache and rate-limit counters of one app. */
  nodeType: 'cache.t4g.small',
  /** Redis OSS engine version (major.minor). */
  engineVersion: '7.1',
  /** Weekly maintenance window (UTC, ddd:hh24:mi-ddd:hh24:mi); after the snapshot window. */
  maintenanceWindow: 'sun:05:00-sun:06:00',
  /** Daily snapshot window (UTC, hh24:mi-hh24:mi); must not overlap the maintenance window. */
  snapshotWindow: '03:00-04:00',
  /** Changes wait for the maintenance window instead of restarting nodes at apply time. */
  applyImmediately: false,
  /** Days a deleted auth-token secret stays restorable (created inside only). */
  authTokenSecretRecoveryWindowDays: 7,
} as const;

/** Port Redis listens on (TLS). */
export const REDIS_PORT = 6379;

/** At most one primary and five replicas in a non-clustered replication group. */
export const MAX_NODE_COUNT = 6;
