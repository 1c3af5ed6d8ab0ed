/**
 * Settings of seed 003's system as data (the stack reads them; docs/ingestion.md lists them). Values the seed leaves
 * open are marked "chosen"; tier-dependent ones live in environments/lib/tiers.ts (profile.ingestion).
 */
export const INGESTION_SETTINGS = {
  /** E1 on the stream (AWS Solutions Constructs aws-kinesisstreams-lambda; chosen sizes). */
  e1Source: { batchSize: 500, maximumBatchingWindowSeconds: 1, bisectBatchOnError: true, reportBatchItemFailures: true, maximumRetryAttempts: 10, maximumRecordAgeSeconds: 3600, parallelizationFactor: 1, startingPosition: 'TRIM_HORIZON' },
  /** The replicator never gives up on a record (it copies bytes: nothing is poison); stuck shards show in iterator age. */
  replicatorSource: { batchSize: 500, maximumBatchingWindowSeconds: 0, bisectBatchOnError: false, reportBatchItemFailures: false, maximumRetryAttempts: -1, maximumRecordAgeSeconds: -1, parallelizationFactor: 1, startingPosition: 'TRIM_HORIZON' },
  /** L1 on D5's stream: INSERTs only (E1 never updates). */
  l1Source: { batchSize: 500, maximumBatchingWindowSeconds: 5, filterPatterns: [{ eventName: ['INSERT'] }], maximumRetryAttempts: 10, maximumRecordAgeSeconds: 3600 },
  table: { partitionKey: { name: 'id', type: 'S' }, streamViewType: 'NEW_IMAGE' },
  checkpointTable: { partitionKey: { name: 'shard', type: 'S' } },
  /** Firehose -> R2 / S2 (Solutions Constructs: GZIP, 300 s / 5 MiB, KMS). */
  delivery: { bufferingIntervalSeconds: 300, bufferingSizeMiB: 5, compression: 'GZIP' },
  failureQueue: { visibilityTimeoutSeconds: 300, retentionSeconds: 1_209_600, maxReceiveCount: 5 },
  api: {
    stageName: 'v1',
    /** Chosen: a quarter of the stream's write capacity per second per client burst (4 shards x 1,000 records/s). */
    throttle: { rateLimitPerSecond: 1000, burstLimit: 2000 },
  },
  /** The worker image: F1 (`summarize`) and the EC2 instance (`serve` on 8080, behind the ALB under /reports/). */
  worker: { port: 8080, healthPath: '/reports/health', pathPatterns: ['/reports', '/reports/*'] },
  /** Fixed host number of the execute-api endpoint's address in each private subnet (the ALB's IP targets). */
  endpointHostNumber: 10,
  alarms: {
    /** Replicator: copy lag (ReplicationLagMs, Maximum) over 60 s for 3 of 5 minutes. */
    maxReplicationLagMs: 60_000,
    /** S3 RTC: replication latency beyond its 15-minute promise. */
    maxS3ReplicationLatencySeconds: 900,
    /** Firehose: records older than 2 buffer intervals not yet in S3. */
    maxDeliveryFreshnessSeconds: 600,
  },
  /** Shards D1-D4 of the seed: their ids on a new provisioned stream. */
  shardIds: ['shardId-000000000000', 'shardId-000000000001', 'shardId-000000000002', 'shardId-000000000003'],
} as const;
