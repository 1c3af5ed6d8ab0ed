/** Alarm set of a Lambda function: errors rate, throttles, duration vs timeout, iterator age of stream sources, failure-queue depth. */
import { Construct } from 'constructs';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { validateProps, withDefaults } from '../core/props';
import type { LambdaFunction } from '../function';
import { ALARM_WINDOWS, FUNCTION_ALARM_DEFAULTS } from './defaults';
import { AlarmSetProps, MetricAlarm, MetricAlarmProps, percentRule } from './alarm';

export interface FunctionAlarmsProps extends AlarmSetProps {
  /** The function watched (dimension FunctionName). */
  readonly fn: LambdaFunction;
  /**
   * Name of the function in alarm descriptions.
   * @default the function name
   */
  readonly displayName?: string;
  /**
   * Maximum failed invocations as a percentage of invocations (Errors / Invocations, one datapoint of errorRatePeriodSeconds).
   * @default 10
   */
  readonly maxErrorRatePercent?: number;
  /**
   * Length of the error-rate datapoint, seconds (a multiple of 60).
   * @default 300
   */
  readonly errorRatePeriodSeconds?: number;
  /**
   * Throttled invocations tolerated per 5 minutes.
   * @default 0
   */
  readonly maxThrottles?: number;
  /**
   * Duration alarm threshold as a percentage of the function's timeout, compared with the
   * longest invocation of each minute (statistic Maximum: one stuck invocation is enough).
   * @default 80
   */
  readonly maxDurationPercentOfTimeout?: number;
  /**
   * Iterator-age threshold of stream sources, seconds (only with `addDynamoDbStreamSource`).
   * @default half the smallest maximumRecordAgeSeconds of the function's streams, at most 3600
   */
  readonly maxIteratorAgeSeconds?: number;
  /**
   * Queues receiving the function's failed events (dead-letter or on-failure destinations) whose depth raises an alarm.
   * @default the function's asyncOnFailureQueue and its streams' onFailureQueue
   */
  readonly failureQueues?: readonly SqsQueue[];
}

/**
 * Lambda alarms, each `aws_cloudwatch_metric_alarm.<id>_<alarm>_alarm` named `<namePrefix>-<alarm>`:
 * - `error_rate`: 100 × Errors / Invocations above maxErrorRatePercent over errorRatePeriodSeconds;
 * - `throttles`: Throttles (Sum) above maxThrottles in 5 minutes;
 * - `duration`: Duration (Maximum) of a minute at or above maxDurationPercentOfTimeout % of the timeout;
 * - `iterator_age` (stream sources only): IteratorAge (Maximum) above maxIteratorAgeSeconds in 3 of 5 minutes;
 * - `failure_queue_<queue path>`: any message visible in a failure queue (1 minute).
 * The alarms go into a construct `<id>` of `scope`; called with the function's own scope and id
 * (`functionAlarms(this, 'csv_parser', { fn: csvParser })`), they go into the function's construct,
 * so their addresses are `<function id>_<alarm>_alarm`.
 */
export function functionAlarms(scope: Construct, id: string, props: FunctionAlarmsProps): MetricAlarm[] {
  const fn = props.fn;
  const streamAges = fn.streamSources.map((s) => s.maximumRecordAgeSeconds).filter((a) => a > 0);
  const defaultIteratorAge = Math.min(FUNCTION_ALARM_DEFAULTS.iteratorAgeCeilingSeconds, ...streamAges.map((a) => Math.floor(a / 2)));
  const failureDefaults = [fn.asyncOnFailureQueue, ...fn.streamSources.map((s) => s.onFailureQueue)].filter((q): q is SqsQueue => q !== undefined);
  const { iteratorAgeCeilingSeconds: _ceiling, ...setDefaults } = FUNCTION_ALARM_DEFAULTS;
  const p = withDefaults({ ...setDefaults, maxIteratorAgeSeconds: defaultIteratorAge, failureQueues: [...new Set(failureDefaults)] as readonly SqsQueue[], displayName: fn.functionName }, props);
  const view = { ...p, fn: fn.node.path, topic: p.topic.node.path, failureQueues: p.failureQueues.map((q) => q.node.path) };
  validateProps('functionAlarms', view, [
    { field: 'namePrefix', valid: (x) => x.namePrefix === undefined || /^[A-Za-z0-9_.-]{1,200}$/.test(x.namePrefix), expected: '1-200 characters of [A-Za-z0-9_.-]' },
    percentRule('maxErrorRatePercent'),
    percentRule('maxDurationPercentOfTimeout'),
    { field: 'maxDurationPercentOfTimeout', valid: (x) => x.maxDurationPercentOfTimeout < 100, expected: 'below 100: at the timeout itself the alarm only reports invocations already killed' },
    { field: 'errorRatePeriodSeconds', valid: (x) => Number.isInteger(x.errorRatePeriodSeconds) && x.errorRatePeriodSeconds > 0 && x.errorRatePeriodSeconds % 60 === 0, expected: 'a multiple of 60' },
    { field: 'maxThrottles', valid: (x) => Number.isInteger(x.maxThrottles) && x.maxThrottles >= 0, expected: 'a whole number >= 0' },
    { field: 'maxIteratorAgeSeconds', valid: (x) => Number.isInteger(x.maxIteratorAgeSeconds) && x.maxIteratorAgeSeconds >= 1, expected: 'a whole number of seconds >= 1' },
    { field: 'failureQueues', valid: (x) => new Set(x.failureQueues).size === x.failureQueues.length, expected: 'each queue once' },
  ]);
  const set = scope.node.tryFindChild(id) === fn ? fn : new Construct(scope, id);
  const prefix = p.namePrefix ?? `${p.topic.namePrefix}-${id.replace(/_/g, '-')}`;
  const alarms: MetricAlarm[] = [];
  const add = (alarmId: string, what: string, rest: Omit<MetricAlarmProps, 'alarmName' | 'topic'>) => {
    alarms.push(new MetricAlarm(set, alarmId, { ...rest, alarmName: `${prefix}-${what}`, topic: p.topic }));
  };
  const dimensions = { FunctionName: fn.functionName };
  const lambda = (metricName: string, statistic: 'Sum' | 'Maximum') => ({ namespace: 'AWS/Lambda', metricName, dimensions, statistic });

  add('error_rate', 'error-rate', {
    description: `More than ${p.maxErrorRatePercent} % of ${p.displayName} invocations failed over ${p.errorRatePeriodSeconds / 60} minutes. Check /aws/lambda/${fn.functionName}.`,
    expression: { expression: '100 * FILL(errors, 0) / invocations', label: 'Error rate (%)', metrics: { errors: lambda('Errors', 'Sum'), invocations: lambda('Invocations', 'Sum') } },
    threshold: p.maxErrorRatePercent,
    comparison: 'GreaterThanThreshold',
    periodSeconds: p.errorRatePeriodSeconds,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
  });
  const maxDurationMs = Math.round((fn.timeoutSeconds * 1000 * p.maxDurationPercentOfTimeout) / 100);
  add('duration', 'duration', {
    description: `An invocation of ${p.displayName} ran ${maxDurationMs / 1000} s or longer (${p.maxDurationPercentOfTimeout} % of its ${fn.timeoutSeconds} s timeout): processing is too slow or stuck.`,
    metric: lambda('Duration', 'Maximum'),
    threshold: maxDurationMs,
    comparison: 'GreaterThanOrEqualToThreshold',
    ...ALARM_WINDOWS.immediate,
  });
  add('throttles', 'throttles', {
    description: `More than ${p.maxThrottles} throttled invocations of ${p.displayName} in 5 minutes: the account's (or the reserved) concurrency is exhausted; events wait or are lost.`,
    metric: lambda('Throttles', 'Sum'),
    threshold: p.maxThrottles,
    comparison: 'GreaterThanThreshold',
    periodSeconds: 300,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
  });
  if (fn.streamSources.length) {
    add('iterator_age', 'iterator-age', {
      description: `The oldest stream record ${p.displayName} has not processed is older than ${p.maxIteratorAgeSeconds} s in 3 of 5 minutes: the function falls behind; records expire to the on-failure queue.`,
      metric: lambda('IteratorAge', 'Maximum'),
      threshold: p.maxIteratorAgeSeconds * 1000,
      comparison: 'GreaterThanThreshold',
      ...ALARM_WINDOWS.sustained,
    });
  }
  for (const queue of p.failureQueues) {
    const key = queue.node.path.split('/').slice(-2).join('_').replace(/[^A-Za-z0-9_]/g, '_');
    add(`failure_queue_${key}`, `failure-queue-${key.replace(/_/g, '-')}`, {
      description: `Events of ${p.displayName} that failed every retry are in ${queue.nameInput ?? 'its failure queue'}. Inspect, fix, redrive.`,
      metric: { namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesVisible', dimensions: { QueueName: queue.name }, statistic: 'Maximum' },
      threshold: 0,
      comparison: 'GreaterThanThreshold',
      ...ALARM_WINDOWS.immediate,
    });
  }
  return alarms;
}
