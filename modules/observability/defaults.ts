/** Defaults of the AlarmTopic construct. */
export const ALARM_TOPIC_DEFAULTS = {
  /** HTTPS endpoints (PagerDuty, Opsgenie...) subscribed to the topic. */
  httpsSubscriptions: [] as readonly { readonly name: string; readonly url: string }[],
  /** Days a deleted topic key stays recoverable (7-30). */
  keyDeletionWindowDays: 30,
} as const;

/** Defaults of the MetricAlarm construct. */
export const METRIC_ALARM_DEFAULTS = {
  /** Length of one evaluated datapoint, seconds. */
  periodSeconds: 60,
  /** Datapoints looked at ("M of N": this is N). */
  evaluationPeriods: 5,
  /** Breaching datapoints among them that raise the alarm ("M of N": this is M). */
  datapointsToAlarm: 3,
  /** No data is treated as OK: services that publish only on activity (5xx counts, DLQ depth) stay quiet. */
  treatMissingData: 'notBreaching',
} as const;

/** Evaluation windows used by the alarm sets: sustained problems, and problems worth a page at once. */
export const ALARM_WINDOWS = {
  /** 3 breaching minutes out of 5. */
  sustained: { periodSeconds: 60, evaluationPeriods: 5, datapointsToAlarm: 3 },
  /** One breaching minute. */
  immediate: { periodSeconds: 60, evaluationPeriods: 1, datapointsToAlarm: 1 },
  /** 5 breaching minutes out of 5 (states that are briefly normal during changes, e.g. OpenSearch yellow). */
  persistent: { periodSeconds: 60, evaluationPeriods: 5, datapointsToAlarm: 5 },
} as const;

/** Thresholds of loadBalancerAlarms. */
export const LOAD_BALANCER_ALARM_DEFAULTS = {
  /** 5xx responses (target + load balancer) as a percentage of requests. */
  max5xxPercent: 5,
  /** p99 of TargetResponseTime, seconds. */
  maxP99LatencySeconds: 2,
  /** Unhealthy targets tolerated per target group. */
  maxUnhealthyHosts: 0,
} as const;

/** Thresholds of ecsServiceAlarms. */
export const ECS_SERVICE_ALARM_DEFAULTS = {
  /** Average CPUUtilization of the service, percent. */
  maxCpuPercent: 85,
  /** Average MemoryUtilization of the service, percent. */
  maxMemoryPercent: 85,
} as const;

/** Thresholds of databaseAlarms. */
export const DATABASE_ALARM_DEFAULTS = {
  /** Read replicas whose ReplicaLag is watched. */
  replicaIdentifiers: [] as readonly string[],
  /** Average CPUUtilization of the primary, percent. */
  maxCpuPercent: 80,
  /** Minimum FreeStorageSpace of the primary, GiB. */
  minFreeStorageGiB: 10,
  /** Maximum DatabaseConnections of the primary. */
  maxConnections: 200,
  /** Maximum ReplicaLag of each replica, seconds. */
  maxReplicaLagSeconds: 60,
} as const;

/** Thresholds of cacheAlarms. */
export const CACHE_ALARM_DEFAULTS = {
  /** Average EngineCPUUtilization (the Redis thread) per node, percent. */
  maxCpuPercent: 75,
  /** Average DatabaseMemoryUsagePercentage per node, percent. */
  maxMemoryPercent: 80,
  /**
   * Evictions per node per minute. A read-through cache evicts now and then
   * by design, so 0 would page for normal LRU behaviour; a steady 100+/minute
   * means the node is too small (hit rate falls, rate-limit counters are lost).
   */
  maxEvictions: 100,
} as const;

/** Thresholds of searchAlarms. */
export const SEARCH_ALARM_DEFAULTS = {
  /** Minimum FreeStorageSpace of the domain's fullest node, MiB (AWS recommends 25% of a node's storage; 20 GiB here). */
  minFreeStorageMiB: 20_480,
  /** Maximum JVMMemoryPressure of any data node, percent. */
  maxJvmPressurePercent: 80,
} as const;

/** Thresholds of queueAlarms. */
export const QUEUE_ALARM_DEFAULTS = {
  /** Maximum ApproximateAgeOfOldestMessage of the main queue, seconds. */
  maxOldestMessageAgeSeconds: 900,
} as const;

/** Defaults of the Dashboard construct and its widgets. */
export const DASHBOARD_DEFAULTS = {
  /** Grid width of a CloudWatch dashboard (fixed by CloudWatch). */
  gridColumns: 24,
  metricWidget: { width: 12, height: 6, stat: 'Average', periodSeconds: 300 },
  textWidget: { width: 24, height: 2 },
  alarmStatusWidget: { width: 24, alarmsPerRow: 4 },
  alarmGraphWidget: { width: 8, height: 6 },
} as const;

/** Defaults of functionAlarms (a Lambda function's alarm set). */
export const FUNCTION_ALARM_DEFAULTS = {
  /** Failed invocations as a percentage of invocations over one errorRatePeriodSeconds. */
  maxErrorRatePercent: 10,
  /** Length of the error-rate datapoint, seconds (one datapoint raises the alarm). */
  errorRatePeriodSeconds: 300,
  /** Throttled invocations tolerated per 5 minutes. */
  maxThrottles: 0,
  /** Duration alarm threshold as a percentage of the function's timeout (Maximum statistic): well before a timeout kills the invocation. */
  maxDurationPercentOfTimeout: 80,
  /** Ceiling of the iterator-age threshold, seconds (the default is half the stream's maximumRecordAgeSeconds, at most this). */
  iteratorAgeCeilingSeconds: 3600,
} as const;
