import { Construct } from 'constructs';
import { KinesisStream as KinesisStreamResource } from '@cdktf/provider-aws/lib/kinesis-stream';
import { KinesisStreamConsumer } from '@cdktf/provider-aws/lib/kinesis-stream-consumer';
import { LambdaEventSourceMapping } from '@cdktf/provider-aws/lib/lambda-event-source-mapping';
import type { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import type { TerraformResource } from 'cdktf';
import { validateProps, withDefaults } from '../core/props';
import { nameTags } from '../core/tags';
import { grantStatement } from '../iam/grant';
import type { IGrantable } from '../iam/policy';
import type { LambdaFunction } from '../function';
import type { Queue } from '../queue';
import { AlarmTopic, MetricAlarm } from '../observability';
import { LAMBDA_SOURCE_DEFAULTS, RETENTION_LIMITS, STREAM_DEFAULTS, STREAM_GRANTS } from './defaults';

export { LAMBDA_SOURCE_DEFAULTS, STREAM_DEFAULTS, STREAM_GRANTS } from './defaults';

export interface KinesisStreamProps {
  /** Stream name (1-128 of [A-Za-z0-9_.-]). */
  readonly streamName: string;
  /**
   * 'provisioned' (fixed shards: `shardCount`) or 'on-demand' (Kinesis scales; shardCount ignored).
   * @default 'provisioned'
   */
  readonly mode?: 'provisioned' | 'on-demand';
  /** @default 4 */
  readonly shardCount?: number;
  /** Hours records are kept (24-8760). @default 24 */
  readonly retentionHours?: number;
  /**
   * Customer managed KMS key of server-side encryption (grants add kms:Decrypt / kms:GenerateDataKey on it).
   * @default the AWS managed key alias/aws/kinesis (no key grants needed)
   */
  readonly encryptionKey?: KmsKey;
  /** @default false */
  readonly preventDestroy?: boolean;
}

/** One enhanced fan-out consumer (its own 2 MB/s per shard, records pushed over HTTP/2). */
export interface StreamConsumer {
  readonly consumer: KinesisStreamConsumer;
  readonly name: string;
}

export interface LambdaConsumerOptions {
  /** Read through this enhanced fan-out consumer instead of shared-throughput polling. @default none */
  readonly fanOutConsumer?: StreamConsumer;
  /** Records per invocation (1-10000). @default 500 */
  readonly batchSize?: number;
  /** @default 'TRIM_HORIZON' */
  readonly startingPosition?: 'TRIM_HORIZON' | 'LATEST';
  /** @default true */
  readonly bisectBatchOnError?: boolean;
  /** @default true */
  readonly reportBatchItemFailures?: boolean;
  /** Retries of a failing batch (-1: until the records expire). @default 10 */
  readonly maximumRetryAttempts?: number;
  /** @default 3600 */
  readonly maximumRecordAgeSeconds?: number;
  /** Concurrent batches per shard (1-10). @default 1 */
  readonly parallelizationFactor?: number;
  /** @default 1 */
  readonly maximumBatchingWindowSeconds?: number;
  /** SQS queue receiving the metadata of batches that failed every retry (the on-failure destination). @default none */
  readonly onFailureQueue?: Queue;
}

const NAME = /^[a-zA-Z0-9_.-]{1,128}$/;
const isWhole = (v: number, min: number, max: number) => Number.isInteger(v) && v >= min && v <= max;

/**
 * A Kinesis data stream (`aws_kinesis_stream.<id>_stream`): provisioned shards or on-demand, server-side
 * encryption with KMS always on, retention in hours. `grantRead` / `grantWrite` give producers and consumers
 * exactly the stream actions (and the key's, with a customer managed key); `addFanOutConsumer` registers an
 * enhanced fan-out consumer; `addLambdaConsumer` maps a function to the stream (bisect, partial batch responses,
 * bounded retries, on-failure queue); `streamAlarms` watches iterator age and throttling.
 */
export class KinesisStream extends Construct {
  readonly stream: KinesisStreamResource;
  readonly streamName: string;
  readonly retentionHours: number;
  readonly mode: 'provisioned' | 'on-demand';
  readonly shardCount?: number;
  private readonly key?: KmsKey;
  private readonly consumers = new Map<string, StreamConsumer>();

  constructor(scope: Construct, id: string, props: KinesisStreamProps) {
    super(scope, id);
    const p = withDefaults(STREAM_DEFAULTS, props);
    validateProps('KinesisStream', { ...p, encryptionKey: p.encryptionKey?.node.path }, [
      { field: 'streamName', valid: (x) => NAME.test(x.streamName), expected: '1-128 characters of [A-Za-z0-9_.-]' },
      { field: 'mode', valid: (x) => ['provisioned', 'on-demand'].includes(x.mode), expected: "'provisioned' or 'on-demand'" },
      { field: 'shardCount', valid: (x) => isWhole(x.shardCount, 1, 10_000), expected: 'a whole number from 1' },
      { field: 'retentionHours', valid: (x) => isWhole(x.retentionHours, RETENTION_LIMITS.min, RETENTION_LIMITS.max), expected: `a whole number of hours from ${RETENTION_LIMITS.min} to ${RETENTION_LIMITS.max}` },
    ]);
    this.streamName = p.streamName;
    this.retentionHours = p.retentionHours;
    this.mode = p.mode;
    this.key = p.encryptionKey;
    this.shardCount = p.mode === 'provisioned' ? p.shardCount : undefined;
    this.stream = new KinesisStreamResource(this, 'stream', {
      name: p.streamName,
      shardCount: this.shardCount,
      streamModeDetails: { streamMode: p.mode === 'provisioned' ? 'PROVISIONED' : 'ON_DEMAND' },
      retentionPeriod: p.retentionHours,
      encryptionType: 'KMS',
      kmsKeyId: p.encryptionKey ? p.encryptionKey.arn : STREAM_DEFAULTS.awsManagedKeyAlias,
      shardLevelMetrics: ['IncomingBytes', 'IncomingRecords', 'OutgoingBytes', 'OutgoingRecords', 'WriteProvisionedThroughputExceeded', 'ReadProvisionedThroughputExceeded', 'IteratorAgeMilliseconds'],
      lifecycle: p.preventDestroy ? { preventDestroy: true } : undefined,
      tags: nameTags(p.streamName),
    });
  }

  get streamArn(): string {
    return this.stream.arn;
  }

  /** Any stream actions on this stream (prefer grantRead / grantWrite). */
  grant(grantee: IGrantable, ...actions: string[]): void {
    grantStatement(grantee, { verb: 'Use', resource: this, actions, resources: [this.stream.arn] });
  }

  /** Reading records (polling consumers, Firehose sources, Lambda's shared-throughput poller). */
  grantRead(grantee: IGrantable): void {
    grantStatement(grantee, { verb: 'Read', resource: this, actions: [...STREAM_GRANTS.read], resources: [this.stream.arn] });
    this.grantKey(grantee, 'Read', STREAM_GRANTS.keyRead);
  }

  /** PutRecord / PutRecords. */
  grantWrite(grantee: IGrantable): void {
    grantStatement(grantee, { verb: 'Write', resource: this, actions: [...STREAM_GRANTS.write], resources: [this.stream.arn] });
    this.grantKey(grantee, 'Write', STREAM_GRANTS.keyWrite);
  }

  /** Registers an enhanced fan-out consumer (`aws_kinesis_stream_consumer.<stream id>_<id>_consumer`). */
  addFanOutConsumer(id: string, name: string): StreamConsumer {
    validateProps(`KinesisStream.addFanOutConsumer("${id}")`, { id, name }, [
      { field: 'id', valid: (x) => /^[a-z][a-z0-9_]*$/.test(x.id) && !this.consumers.has(x.id), expected: 'a new snake_case id' },
      { field: 'name', valid: (x) => NAME.test(x.name), expected: '1-128 characters of [A-Za-z0-9_.-]' },
    ]);
    const consumer = { consumer: new KinesisStreamConsumer(this, `${id}_consumer`, { name, streamArn: this.stream.arn }), name };
    this.consumers.set(id, consumer);
    return consumer;
  }

  /**
   * Invokes `fn` with batches of the stream (`aws_lambda_event_source_mapping.<stream id>_<function id>_source`),
   * through a fan-out consumer when given, and grants the function's role the reads (and sending to the on-failure queue).
   */
  addLambdaConsumer(fn: LambdaFunction, options: LambdaConsumerOptions = {}): LambdaEventSourceMapping {
    const o = withDefaults(LAMBDA_SOURCE_DEFAULTS, options);
    validateProps(`KinesisStream.addLambdaConsumer(${fn.node.id})`, { ...o, fanOutConsumer: o.fanOutConsumer?.name, onFailureQueue: o.onFailureQueue?.node.path }, [
      { field: 'batchSize', valid: (x) => isWhole(x.batchSize, 1, 10_000), expected: 'a whole number from 1 to 10000' },
      { field: 'maximumRetryAttempts', valid: (x) => isWhole(x.maximumRetryAttempts, -1, 10_000), expected: 'a whole number from -1 to 10000' },
      { field: 'maximumRecordAgeSeconds', valid: (x) => x.maximumRecordAgeSeconds === -1 || isWhole(x.maximumRecordAgeSeconds, 60, 604_800), expected: '-1 or a whole number from 60 to 604800' },
      { field: 'maximumRecordAgeSeconds', valid: (x) => x.maximumRecordAgeSeconds === -1 || x.maximumRecordAgeSeconds <= this.retentionHours * 3600, expected: `at most the stream's retention (${this.retentionHours * 3600} s)` },
      { field: 'parallelizationFactor', valid: (x) => isWhole(x.parallelizationFactor, 1, 10), expected: 'a whole number from 1 to 10' },
      { field: 'maximumBatchingWindowSeconds', valid: (x) => isWhole(x.maximumBatchingWindowSeconds, 0, 300), expected: 'a whole number from 0 to 300' },
    ]);
    this.grantRead(fn.role);
    if (o.fanOutConsumer) {
      grantStatement(fn.role, { verb: 'Subscribe', resource: o.fanOutConsumer.consumer, actions: [...STREAM_GRANTS.consume], resources: [o.fanOutConsumer.consumer.arn] });
    }
    if (o.onFailureQueue) grantStatement(fn.role, { verb: 'SendFailures', resource: o.onFailureQueue, actions: ['sqs:SendMessage'], resources: [o.onFailureQueue.queue.arn] });
    const policy = fn.role.node.tryFindChild('policy') as TerraformResource | undefined;
    return new LambdaEventSourceMapping(this, `${fn.node.id}_source`, {
      functionName: fn.function.arn,
      eventSourceArn: o.fanOutConsumer ? o.fanOutConsumer.consumer.arn : this.stream.arn,
      startingPosition: o.startingPosition,
      batchSize: o.batchSize,
      maximumBatchingWindowInSeconds: o.maximumBatchingWindowSeconds,
      parallelizationFactor: o.parallelizationFactor,
      bisectBatchOnFunctionError: o.bisectBatchOnError,
      maximumRetryAttempts: o.maximumRetryAttempts,
      maximumRecordAgeInSeconds: o.maximumRecordAgeSeconds,
      functionResponseTypes: o.reportBatchItemFailures ? ['ReportBatchItemFailures'] : [],
      destinationConfig: o.onFailureQueue ? { onFailure: { destinationArn: o.onFailureQueue.queue.arn } } : undefined,
      // Lambda checks the read permissions when it creates the mapping.
      dependsOn: policy ? [policy] : undefined,
    });
  }

  private grantKey(grantee: IGrantable, verb: string, actions: readonly string[]): void {
    if (!this.key) return;
    grantStatement(grantee, { verb, resource: this, suffix: 'Key', actions: [...actions], resources: [this.key.arn], conditions: { StringLike: { 'kms:ViaService': 'kinesis.*.amazonaws.com' } } });
  }
}

export interface StreamAlarmsProps {
  readonly topic: AlarmTopic;
  readonly stream: KinesisStream;
  /** Alarm names start with this. */
  readonly namePrefix: string;
}

/**
 * The stream's alarms (AWS Solutions Constructs' defaults): `iterator_age` when the oldest unread record reaches half
 * the retention (GetRecords.IteratorAgeMilliseconds, Maximum), `read_throttled` / `write_throttled` on any
 * Read/WriteProvisionedThroughputExceeded in 5 minutes.
 */
export function streamAlarms(scope: Construct, id: string, props: StreamAlarmsProps): MetricAlarm[] {
  const c = new Construct(scope, id);
  const dimensions = { StreamName: props.stream.streamName };
  const halfRetentionMs = (props.stream.retentionHours * 3600 * 1000) / 2;
  return [
    new MetricAlarm(c, 'iterator_age', {
      alarmName: `${props.namePrefix}-iterator-age`,
      description: `The oldest record of ${props.stream.streamName} not yet read is ${props.stream.retentionHours / 2} h old (half the retention): consumers fall behind and records will expire unread.`,
      topic: props.topic,
      metric: { namespace: 'AWS/Kinesis', metricName: 'GetRecords.IteratorAgeMilliseconds', dimensions, statistic: 'Maximum' },
      threshold: halfRetentionMs,
      comparison: 'GreaterThanOrEqualToThreshold',
      periodSeconds: 300,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
    }),
    ...(['Read', 'Write'] as const).map(
      (kind) =>
        new MetricAlarm(c, `${kind.toLowerCase()}_throttled`, {
          alarmName: `${props.namePrefix}-${kind.toLowerCase()}-throttled`,
          description: `${kind}s of ${props.stream.streamName} were throttled (${kind}ProvisionedThroughputExceeded): ${kind === 'Write' ? 'producers exceed 1 MB/s or 1,000 records/s per shard' : 'consumers exceed 2 MB/s or 5 GetRecords/s per shard'}; add shards or fan-out consumers.`,
          topic: props.topic,
          metric: { namespace: 'AWS/Kinesis', metricName: `${kind}ProvisionedThroughputExceeded`, dimensions, statistic: 'Sum' },
          threshold: 0,
          comparison: 'GreaterThanThreshold',
          periodSeconds: 300,
          evaluationPeriods: 1,
          datapointsToAlarm: 1,
        }),
    ),
  ];
}
