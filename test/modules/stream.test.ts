/** modules/stream, modules/delivery-stream: props rules and what they render (the EC2 group is in autoscaling.test.ts). */
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { KinesisStream, streamAlarms } from '../../modules/stream';
import { DeliveryStream } from '../../modules/delivery-stream';
import { Bucket } from '../../modules/object-store';
import { ServiceRole } from '../../modules/iam/role';
import { AlarmTopic } from '../../modules/observability';
import { synthFixture } from '../helpers';

type Json = { resource: Record<string, Record<string, any>> };

test('KinesisStream: provisioned by default, KMS always, grants scoped to the stream (and key through Kinesis)', () => {
  const json = JSON.parse(
    synthFixture((s) => {
      const key = new KmsKey(s, 'key', {});
      const stream = new KinesisStream(s, 'events', { streamName: 'events', encryptionKey: key, retentionHours: 48 });
      const role = new ServiceRole(s, 'reader', { roleName: 'reader', assumedBy: 'lambda.amazonaws.com', description: 'r' });
      stream.grantRead(role);
      stream.grantWrite(role);
      const topic = new AlarmTopic(s, 'topic', { namePrefix: 'x', accountId: '111111111111', emailSubscriptions: ['oncall@example.com'] });
      streamAlarms(s, 'alarms', { topic, stream, namePrefix: 'x-events' });
      new KinesisStream(s, 'aws_key', { streamName: 'plain', mode: 'on-demand' });
    }),
  ) as Json;
  expect(json.resource.aws_kinesis_stream.events_stream).toMatchObject({ shard_count: 4, retention_period: 48, encryption_type: 'KMS', stream_mode_details: { stream_mode: 'PROVISIONED' } });
  expect(json.resource.aws_kinesis_stream.aws_key_stream).toMatchObject({ kms_key_id: 'alias/aws/kinesis', stream_mode_details: { stream_mode: 'ON_DEMAND' } });
  expect(json.resource.aws_kinesis_stream.aws_key_stream.shard_count).toBeUndefined();
  const policy = JSON.parse(json.resource.aws_iam_role_policy.reader_policy.policy);
  expect(policy.Statement.map((x: any) => x.Sid)).toEqual(['ReadEvents', 'ReadEventsKey', 'WriteEvents', 'WriteEventsKey']);
  expect(policy.Statement[1].Condition).toEqual({ StringLike: { 'kms:ViaService': 'kinesis.*.amazonaws.com' } });
  const age = Object.values(json.resource.aws_cloudwatch_metric_alarm).find((a: any) => a.alarm_name === 'x-events-iterator-age') as any;
  expect(age.threshold).toBe(24 * 3600 * 1000);
});

test('KinesisStream: bad props name the field and the value', () => {
  expect(() => synthFixture((s) => new KinesisStream(s, 'x', { streamName: 'bad name', retentionHours: 12, shardCount: 0 }))).toThrow(
    /streamName: received "bad name"[\s\S]*shardCount: received 0[\s\S]*retentionHours: received 12; expected a whole number of hours from 24 to 8760/,
  );
});

test('DeliveryStream: secure defaults and props rules', () => {
  const json = JSON.parse(
    synthFixture((s) => {
      const key = new KmsKey(s, 'key', {});
      const stream = new KinesisStream(s, 'events', { streamName: 'events' });
      new DeliveryStream(s, 'archive', { name: 'archive', source: stream, bucket: new Bucket(s, 'bucket', { bucketName: 'archive-bucket' }), encryptionKey: key, logRetentionDays: 14 });
    }),
  ) as Json;
  expect(json.resource.aws_kinesis_firehose_delivery_stream.archive_delivery_stream.extended_s3_configuration).toMatchObject({ compression_format: 'GZIP', buffering_interval: 300, buffering_size: 5 });
  expect(() => synthFixture((s) => new DeliveryStream(s, 'd', { name: 'd', source: new KinesisStream(s, 'k', { streamName: 'k' }), bucket: new Bucket(s, 'b', { bucketName: 'bbb-bucket' }), encryptionKey: new KmsKey(s, 'key', {}), logRetentionDays: 13, bufferingSizeMiB: 0 }))).toThrow(/bufferingSizeMiB: received 0[\s\S]*logRetentionDays: received 13/);
});
