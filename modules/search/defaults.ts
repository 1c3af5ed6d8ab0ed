/** Defaults of the SearchDomain construct. */
export const SEARCH_DEFAULTS = {
  /** OpenSearch engine version. */
  engineVersion: 'OpenSearch_2.17',
  /** Memory-optimised Graviton data node. */
  instanceType: 'r6g.large.search',
  /** EBS gp3 volume per data node, GiB. */
  volumeSizeGiB: 20,
  /** Start of the daily 10-hour off-peak window (UTC hour): service software updates and Auto-Tune. */
  offPeakWindowStartHourUtc: 2,
  /** TLS policy of the HTTPS endpoint: TLS 1.2+ with forward secrecy. */
  tlsSecurityPolicy: 'Policy-Min-TLS-1-2-PFS-2023-10',
} as const;

/** Dedicated master nodes when `dedicatedMasterType` is set (a quorum across zones). */
export const DEDICATED_MASTER_COUNT = 3;

/** HTTPS port of the domain endpoint. */
export const HTTPS_PORT = 443;

/** Log types published to CloudWatch Logs, with the construct id and name suffix of their log group. */
export const SEARCH_LOG_TYPES = [
  { logType: 'INDEX_SLOW_LOGS', id: 'index_slow_log_group', suffix: 'index-slow-logs' },
  { logType: 'SEARCH_SLOW_LOGS', id: 'search_slow_log_group', suffix: 'search-slow-logs' },
  { logType: 'ES_APPLICATION_LOGS', id: 'application_log_group', suffix: 'application-logs' },
] as const;
