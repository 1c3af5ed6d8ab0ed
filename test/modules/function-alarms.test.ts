import * as path from 'node:path';
import { Construct } from 'constructs';
import { synthFixture } from '../helpers';
import { LambdaFunction } from '../../modules/function';
import { Queue } from '../../modules/queue';
import { Table } from '../../modules/table';
import { AlarmTopic, functionAlarms } from '../../modules/observability';

type Json = { resource: Record<string, Record<string, any>> };
const FIXTURE = path.resolve(__dirname, '..', 'fixtures', 'lambda-function', 'index.ts');
const synth = (build: (s: Construct) => void) => JSON.parse(synthFixture(build)) as Json;
const topic = (s: Construct) => new AlarmTopic(s, 'oncall', { namePrefix: 'sys-dev', accountId: '123456789012', emailSubscriptions: ['ops@example.com'] });
const fn = (s: Construct, id = 'worker', timeoutSeconds = 100) => new LambdaFunction(s, id, { functionName: `sys-dev-${id}`, entry: FIXTURE, logRetentionDays: 14, timeoutSeconds });

describe('functionAlarms', () => {
  test('a plain function: error rate, duration at 80 % of the timeout (Maximum), throttles; in a construct <id>', () => {
    const json = synth((s) => functionAlarms(s, 'worker_alarms', { fn: fn(s), topic: topic(s) }));
    const alarms = json.resource.aws_cloudwatch_metric_alarm;
    expect(Object.keys(alarms).sort()).toEqual(['worker_alarms_duration_alarm', 'worker_alarms_error_rate_alarm', 'worker_alarms_throttles_alarm']);
    expect(alarms.worker_alarms_duration_alarm).toMatchObject({ alarm_name: 'sys-dev-worker-alarms-duration', metric_name: 'Duration', statistic: 'Maximum', threshold: 80_000, comparison_operator: 'GreaterThanOrEqualToThreshold', dimensions: { FunctionName: 'sys-dev-worker' } });
    expect(alarms.worker_alarms_error_rate_alarm).toMatchObject({ threshold: 10, evaluation_periods: 1 });
    expect(alarms.worker_alarms_error_rate_alarm.metric_query.map((q: any) => q.metric?.period ?? q.expression)).toEqual([300, 300, '100 * FILL(errors, 0) / invocations']);
    expect(alarms.worker_alarms_throttles_alarm).toMatchObject({ metric_name: 'Throttles', statistic: 'Sum', threshold: 0, period: 300 });
  });

  test('with the function\'s own scope and id the alarms join the function construct (<function id>_<alarm>_alarm); streams and failure queues add alarms', () => {
    const json = synth((s) => {
      const table = new Table(s, 'records', { tableName: 'records', partitionKey: { name: 'pk', type: 'S' }, streamViewType: 'NEW_IMAGE', deletionProtection: false });
      const dlq = new Queue(s, 'failures', { queueName: 'failures' });
      const f = fn(s, 'validator', 300);
      f.addDynamoDbStreamSource(table, { maximumRecordAgeSeconds: 1800, onFailureQueue: dlq.deadLetterQueue });
      functionAlarms(s, 'validator', { fn: f, topic: topic(s), namePrefix: 'sys-dev-validator', maxDurationPercentOfTimeout: 50 });
    });
    const alarms = json.resource.aws_cloudwatch_metric_alarm;
    expect(Object.keys(alarms).sort()).toEqual([
      'validator_duration_alarm',
      'validator_error_rate_alarm',
      'validator_failure_queue_failures_dead_letter_queue_alarm',
      'validator_iterator_age_alarm',
      'validator_throttles_alarm',
    ]);
    expect(alarms.validator_duration_alarm.threshold).toBe(150_000);
    // Half the stream's record age (30 minutes): 15 minutes, in milliseconds.
    expect(alarms.validator_iterator_age_alarm).toMatchObject({ metric_name: 'IteratorAge', statistic: 'Maximum', threshold: 900_000, evaluation_periods: 5, datapoints_to_alarm: 3 });
    expect(alarms.validator_failure_queue_failures_dead_letter_queue_alarm).toMatchObject({ alarm_name: 'sys-dev-validator-failure-queue-failures-dead-letter-queue', dimensions: { QueueName: '${aws_sqs_queue.failures_dead_letter_queue.name}' }, threshold: 0 });
  });

  test('bad props name the field and the value', () => {
    expect(() => synth((s) => functionAlarms(s, 'a', { fn: fn(s), topic: topic(s), maxDurationPercentOfTimeout: 100 }))).toThrow(/maxDurationPercentOfTimeout: received 100; expected below 100/);
    expect(() => synth((s) => functionAlarms(s, 'a', { fn: fn(s), topic: topic(s), errorRatePeriodSeconds: 90 }))).toThrow(/errorRatePeriodSeconds: received 90; expected a multiple of 60/);
  });
});
