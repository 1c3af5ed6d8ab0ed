import { Construct } from 'constructs';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { Lazy } from 'cdktf';
import { validateProps, withDefaults } from '../core/props';
import { IGrantable, PolicyStatement, renderPolicy } from '../iam/policy';
import { actionsVerb, grantSid, grantStatement } from '../iam/grant';
import { QUEUE_DEFAULTS } from './defaults';

export interface QueueProps {
  /** Queue name; the dead-letter queue is "<name>-dlq". */
  readonly queueName: string;
  /**
   * Seconds a received message is hidden from other consumers (0-43200).
   * @default 60
   */
  readonly visibilityTimeoutSeconds?: number;
  /**
   * Seconds a message is kept (60-1209600).
   * @default 345600 (4 days)
   */
  readonly retentionSeconds?: number;
  /**
   * Receives before a message is moved to the dead-letter queue.
   * @default 5
   */
  readonly maxReceiveCount?: number;
  /**
   * Long-polling wait of ReceiveMessage, seconds (0-20).
   * @default 20
   */
  readonly receiveWaitTimeSeconds?: number;
}

/**
 * An SQS queue with its dead-letter queue and redrive, SSE-SQS encryption, and
 * a policy that denies non-TLS access. Producers get `grantSendMessages`,
 * consumers `grantConsumeMessages`.
 */
export class Queue extends Construct {
  readonly queue: SqsQueue;
  readonly deadLetterQueue: SqsQueue;
  /** Statements of the main queue's policy added by `allowSendFromTopic`, before DenyInsecureTransport. */
  private readonly queuePolicyStatements: PolicyStatement[] = [];

  constructor(scope: Construct, id: string, props: QueueProps) {
    super(scope, id);
    const p = withDefaults(QUEUE_DEFAULTS, props);
    validateProps('Queue', p, [
      { field: 'queueName', valid: (x) => /^[A-Za-z0-9_-]{1,76}$/.test(x.queueName), expected: '1-76 characters of [A-Za-z0-9_-] (room for "-dlq")' },
      { field: 'visibilityTimeoutSeconds', valid: (x) => inRange(x.visibilityTimeoutSeconds, 0, 43_200), expected: 'a whole number from 0 to 43200' },
      { field: 'retentionSeconds', valid: (x) => inRange(x.retentionSeconds, 60, 1_209_600), expected: 'a whole number from 60 to 1209600' },
      { field: 'maxReceiveCount', valid: (x) => inRange(x.maxReceiveCount, 1, 1000), expected: 'a whole number from 1 to 1000' },
      { field: 'receiveWaitTimeSeconds', valid: (x) => inRange(x.receiveWaitTimeSeconds, 0, 20), expected: 'a whole number from 0 to 20' },
    ]);
    this.deadLetterQueue = new SqsQueue(this, 'dead_letter_queue', {
      name: `${p.queueName}-dlq`,
      messageRetentionSeconds: p.deadLetterRetentionSeconds,
      sqsManagedSseEnabled: true,
    });
    this.queue = new SqsQueue(this, 'queue', {
      name: p.queueName,
      visibilityTimeoutSeconds: p.visibilityTimeoutSeconds,
      messageRetentionSeconds: p.retentionSeconds,
      receiveWaitTimeSeconds: p.receiveWaitTimeSeconds,
      sqsManagedSseEnabled: true,
      redrivePolicy: JSON.stringify({ deadLetterTargetArn: this.deadLetterQueue.arn, maxReceiveCount: p.maxReceiveCount }),
    });
    for (const [name, q] of [['queue', this.queue], ['dead_letter_queue', this.deadLetterQueue]] as const) {
      const deny: PolicyStatement = {
        sid: 'DenyInsecureTransport',
        effect: 'Deny',
        principals: { AWS: '*' },
        actions: ['sqs:*'],
        resources: [q.arn],
        conditions: { Bool: { 'aws:SecureTransport': 'false' } },
      };
      new SqsQueuePolicy(this, `${name}_policy`, {
        queueUrl: q.url,
        policy: name === 'queue' ? Lazy.stringValue({ produce: () => renderPolicy([...this.queuePolicyStatements, deny]) }) : renderPolicy([deny]),
      });
    }
  }

  get queueUrl(): string {
    return this.queue.url;
  }

  /**
   * Lets the grantee perform `actions` (e.g. 'sqs:SendMessage') on the main queue; the statement id
   * is the actions' names followed by the queue's construct path ("SendMessageValidationErrors").
   * Every grantXxx below is built on the same statement builder.
   */
  grant(grantee: IGrantable, ...actions: string[]): void {
    grantOnSqsQueue(grantee, this, this.queue, actionsVerb(actions), ...actions);
  }

  /**
   * Lets an SNS topic deliver to the main queue (queue policy statement `Allow<topic path>Send`:
   * sqs:SendMessage by sns.amazonaws.com when aws:SourceArn is the topic). `Topic`'s SQS subscriptions call it.
   */
  allowSendFromTopic(topic: Construct, topicArn: string): void {
    this.queuePolicyStatements.push({
      sid: grantSid('Allow', topic, undefined, 'Send'),
      principals: { Service: 'sns.amazonaws.com' },
      actions: ['sqs:SendMessage'],
      resources: [this.queue.arn],
      conditions: { ArnEquals: { 'aws:SourceArn': topicArn } },
    });
  }

  /** Lets the grantee publish messages. */
  grantSendMessages(grantee: IGrantable): void {
    grantOnSqsQueue(grantee, this, this.queue, 'Send', ...QUEUE_GRANTS.send);
  }

  /** Lets the grantee receive and delete messages (and extend their visibility). */
  grantConsumeMessages(grantee: IGrantable): void {
    grantOnSqsQueue(grantee, this, this.queue, 'Consume', ...QUEUE_GRANTS.consume);
  }

  /**
   * What a Lambda event source mapping's poller needs on the queue (sqs:ReceiveMessage,
   * sqs:DeleteMessage, sqs:GetQueueAttributes): `LambdaFunction.addSqsSource` grants it to the function's role.
   */
  grantPoll(grantee: IGrantable): void {
    grantOnSqsQueue(grantee, this, this.queue, 'Poll', ...QUEUE_GRANTS.poll);
  }
}

/** Actions of the Queue's grants. */
export const QUEUE_GRANTS = {
  send: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
  consume: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
  poll: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
} as const;

/**
 * Grants `actions` on one SQS queue resource (a Queue's main or dead-letter queue, or any
 * `SqsQueue`, e.g. a function's on-failure destination); the statement id is `verb` followed by
 * the construct path of `named` (default: the queue resource itself).
 */
export function grantOnSqsQueue(grantee: IGrantable, named: Construct, queue: SqsQueue, verb: string, ...actions: string[]): void {
  grantStatement(grantee, { verb, resource: named, actions, resources: [queue.arn] });
}

function inRange(n: number, min: number, max: number): boolean {
  return Number.isInteger(n) && n >= min && n <= max;
}
