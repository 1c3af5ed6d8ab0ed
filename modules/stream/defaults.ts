/** Defaults of the KinesisStream construct. */
export const STREAM_DEFAULTS = {
  /** Provisioned shards: fixed capacity and cost, 1 MB/s and 1,000 records/s written per shard. */
  mode: 'provisioned' as 'provisioned' | 'on-demand',
  shardCount: 4,
  /** 24 hours: Kinesis' minimum and free retention. */
  retentionHours: 24,
  /** SSE with a customer managed key is passed in; without one, the AWS managed key alias/aws/kinesis. */
  awsManagedKeyAlias: 'alias/aws/kinesis',
  preventDestroy: false,
} as const;

/** Defaults of `KinesisStream.addLambdaConsumer` (AWS Solutions Constructs aws-kinesisstreams-lambda). */
export const LAMBDA_SOURCE_DEFAULTS = {
  batchSize: 500 as number,
  /** Read from the oldest record kept: a re-created mapping misses nothing. */
  startingPosition: 'TRIM_HORIZON' as 'TRIM_HORIZON' | 'LATEST',
  bisectBatchOnError: true,
  reportBatchItemFailures: true,
  /** Bounded retries: a poison batch cannot block a shard for the whole retention. */
  maximumRetryAttempts: 10 as number,
  /** Records older than this go to the on-failure destination (1 hour). */
  maximumRecordAgeSeconds: 3600 as number,
  parallelizationFactor: 1,
  maximumBatchingWindowSeconds: 1,
} as const;

/** IAM actions per grant. */
export const STREAM_GRANTS = {
  read: ['kinesis:DescribeStream', 'kinesis:DescribeStreamSummary', 'kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:ListShards'],
  write: ['kinesis:PutRecord', 'kinesis:PutRecords'],
  /** Enhanced fan-out: on the consumer ARN. */
  consume: ['kinesis:SubscribeToShard', 'kinesis:DescribeStreamConsumer'],
  keyRead: ['kms:Decrypt'],
  keyWrite: ['kms:GenerateDataKey'],
} as const;

/** What Kinesis accepts per shard and second (PutRecord/PutRecords); beyond it, ProvisionedThroughputExceededException. */
export const SHARD_WRITE_LIMITS = { recordsPerSecond: 1000, bytesPerSecond: 1024 * 1024 } as const;

/** Kinesis' retention limits, hours. */
export const RETENTION_LIMITS = { min: 24, max: 8760 } as const;
