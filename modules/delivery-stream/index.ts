import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchLogStream } from '@cdktf/provider-aws/lib/cloudwatch-log-stream';
import { KinesisFirehoseDeliveryStream } from '@cdktf/provider-aws/lib/kinesis-firehose-delivery-stream';
import type { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { LOG_RETENTION_DAYS, validateProps, withDefaults } from '../core/props';
import { nameTags } from '../core/tags';
import { grantStatement } from '../iam/grant';
import { ServiceRole } from '../iam/role';
import type { Bucket } from '../object-store';
import type { KinesisStream } from '../stream';
import { DELIVERY_STREAM_DEFAULTS } from './defaults';

export { DELIVERY_STREAM_DEFAULTS } from './defaults';

export interface DeliveryStreamProps {
  /** Firehose stream name (1-64 of [A-Za-z0-9_.-]); the role is `<name>-role`, the log group `/aws/kinesisfirehose/<name>`. */
  readonly name: string;
  /** The Kinesis stream read (Firehose's source). */
  readonly source: KinesisStream;
  /** The bucket written. */
  readonly bucket: Bucket;
  /** KMS key encrypting the objects (SSE-KMS); Firehose's role gets GenerateDataKey/Decrypt through S3 only. */
  readonly encryptionKey: KmsKey;
  /** Retention of the delivery error log group, days. */
  readonly logRetentionDays: number;
  /** @default 300 */
  readonly bufferingIntervalSeconds?: number;
  /** @default 5 */
  readonly bufferingSizeMiB?: number;
  /** @default 'GZIP' */
  readonly compression?: 'GZIP' | 'UNCOMPRESSED' | 'Snappy' | 'ZIP' | 'HADOOP_SNAPPY';
  /** Key prefix (Firehose expressions allowed). @default 'records/!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}/!{timestamp:HH}/' */
  readonly prefix?: string;
  /** Key prefix of records Firehose could not deliver. @default 'errors/!{firehose:error-output-type}/!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}/' */
  readonly errorOutputPrefix?: string;
}

/**
 * Kinesis stream -> Firehose -> S3 (`aws_kinesis_firehose_delivery_stream.<id>_delivery_stream`): buffered objects,
 * compressed, SSE-KMS with the given key, delivery errors logged to CloudWatch Logs, a role allowed exactly the stream
 * reads, the bucket writes and the key use Firehose needs.
 */
export class DeliveryStream extends Construct {
  readonly deliveryStream: KinesisFirehoseDeliveryStream;
  readonly role: ServiceRole;
  readonly logGroup: CloudwatchLogGroup;
  readonly name: string;

  constructor(scope: Construct, id: string, props: DeliveryStreamProps) {
    super(scope, id);
    const p = withDefaults(DELIVERY_STREAM_DEFAULTS, props);
    validateProps('DeliveryStream', { ...p, source: p.source.node.path, bucket: p.bucket.node.path, encryptionKey: p.encryptionKey.node.path }, [
      { field: 'name', valid: (x) => /^[a-zA-Z0-9_.-]{1,64}$/.test(x.name), expected: '1-64 characters of [A-Za-z0-9_.-]' },
      { field: 'bufferingIntervalSeconds', valid: (x) => Number.isInteger(x.bufferingIntervalSeconds) && x.bufferingIntervalSeconds >= 0 && x.bufferingIntervalSeconds <= 900, expected: 'a whole number from 0 to 900' },
      { field: 'bufferingSizeMiB', valid: (x) => Number.isInteger(x.bufferingSizeMiB) && x.bufferingSizeMiB >= 1 && x.bufferingSizeMiB <= 128, expected: 'a whole number from 1 to 128' },
      { field: 'logRetentionDays', valid: (x) => (LOG_RETENTION_DAYS as readonly number[]).includes(x.logRetentionDays), expected: `one of ${LOG_RETENTION_DAYS.join(', ')}` },
      { field: 'prefix', valid: (x) => x.prefix.endsWith('/') && !x.prefix.startsWith('/'), expected: 'a key prefix ending in "/" (not starting with one)' },
    ]);
    this.name = p.name;
    const logGroupName = `/aws/kinesisfirehose/${p.name}`;
    this.logGroup = new CloudwatchLogGroup(this, 'log_group', { name: logGroupName, retentionInDays: p.logRetentionDays, tags: nameTags(logGroupName) });
    const logStream = new CloudwatchLogStream(this, 'log_stream', { name: 'S3Delivery', logGroupName: this.logGroup.name });
    this.role = new ServiceRole(this, 'role', { roleName: `${p.name}-role`.slice(0, 64), assumedBy: 'firehose.amazonaws.com', description: `Firehose ${p.name}: reads ${p.source.streamName}, writes ${p.bucket.node.id}` });
    p.source.grantRead(this.role);
    grantStatement(this.role, {
      verb: 'Deliver',
      resource: p.bucket,
      actions: ['s3:AbortMultipartUpload', 's3:GetBucketLocation', 's3:GetObject', 's3:ListBucket', 's3:ListBucketMultipartUploads', 's3:PutObject'],
      resources: [p.bucket.bucketArn, p.bucket.arnForObjects()],
    });
    grantStatement(this.role, {
      verb: 'Encrypt',
      resource: p.bucket,
      suffix: 'Objects',
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: [p.encryptionKey.arn],
      conditions: { StringLike: { 'kms:ViaService': 's3.*.amazonaws.com' } },
    });
    grantStatement(this.role, { verb: 'Log', resource: this.logGroup, actions: ['logs:PutLogEvents'], resources: [`${this.logGroup.arn}:*`] });
    const policy = this.role.node.findChild('policy');
    this.deliveryStream = new KinesisFirehoseDeliveryStream(this, 'delivery_stream', {
      name: p.name,
      destination: 'extended_s3',
      kinesisSourceConfiguration: { kinesisStreamArn: p.source.streamArn, roleArn: this.role.roleArn },
      extendedS3Configuration: {
        roleArn: this.role.roleArn,
        bucketArn: p.bucket.bucketArn,
        bufferingInterval: p.bufferingIntervalSeconds,
        bufferingSize: p.bufferingSizeMiB,
        compressionFormat: p.compression,
        kmsKeyArn: p.encryptionKey.arn,
        prefix: p.prefix,
        errorOutputPrefix: p.errorOutputPrefix,
        cloudwatchLoggingOptions: { enabled: true, logGroupName: this.logGroup.name, logStreamName: logStream.name },
      },
      // Firehose checks its role when the stream is created.
      dependsOn: [policy as never],
      tags: nameTags(p.name),
    });
  }
}
