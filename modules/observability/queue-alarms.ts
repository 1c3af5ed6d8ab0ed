/** Alarm set of an SQS queue and its dead-letter queue. */
import { Construct } from 'constructs';
import { Token } from 'cdktf';
import { validateProps, withDefaults } from '../core/props';
import { ALARM_WINDOWS, QUEUE_ALARM_DEFAULTS } from './defaults';
import { AlarmSetProps, MetricAlarm, alarmSet, commonRules } from './alarm';

export interface QueueAlarmsProps extends AlarmSetProps {
  /** Name of the main queue (dimension QueueName). */
  readonly queueName: string;
  /** Name of its dead-letter queue (dimension QueueName). */
  readonly deadLetterQueueName: string;
  /**
   * Maximum ApproximateAgeOfOldestMessage of the main queue, seconds.
   * @default 900
   */
  readonly maxOldestMessageAgeSeconds?: number;
}

/** SQS alarms: any message in the dead-letter queue (1 minute), and the age of the main queue's oldest message. */
export function queueAlarms(scope: Construct, id: string, props: QueueAlarmsProps): MetricAlarm[] {
  const p = withDefaults(QUEUE_ALARM_DEFAULTS, props);
  validateProps('queueAlarms', p, [
    ...commonRules<typeof p>(),
    { field: 'queueName', valid: (x) => Token.isUnresolved(x.queueName) || /^[A-Za-z0-9_-]{1,80}$/.test(x.queueName), expected: 'an SQS queue name' },
    { field: 'deadLetterQueueName', valid: (x) => Token.isUnresolved(x.deadLetterQueueName) || /^[A-Za-z0-9_-]{1,80}$/.test(x.deadLetterQueueName), expected: 'an SQS queue name' },
    { field: 'maxOldestMessageAgeSeconds', valid: (x) => Number.isInteger(x.maxOldestMessageAgeSeconds) && x.maxOldestMessageAgeSeconds >= 1, expected: 'a whole number of seconds >= 1' },
  ]);
  const { alarms, add } = alarmSet(scope, id, p);
  add('dead_letter_messages', 'dead-letter-messages', ALARM_WINDOWS.immediate, {
    description: 'Messages in the dead-letter queue: processing failed maxReceiveCount times. Inspect, fix, redrive.',
    metric: { namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesVisible', dimensions: { QueueName: p.deadLetterQueueName }, statistic: 'Maximum' },
    threshold: 0,
    comparison: 'GreaterThanThreshold',
  });
  add('oldest_message_age', 'oldest-message-age', ALARM_WINDOWS.sustained, {
    description: `Oldest message in the queue older than ${p.maxOldestMessageAgeSeconds} s in 3 of 5 minutes: consumers are stuck or too slow.`,
    metric: { namespace: 'AWS/SQS', metricName: 'ApproximateAgeOfOldestMessage', dimensions: { QueueName: p.queueName }, statistic: 'Maximum' },
    threshold: p.maxOldestMessageAgeSeconds,
    comparison: 'GreaterThanThreshold',
  });
  return alarms;
}
