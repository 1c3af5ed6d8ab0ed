import { Construct } from 'constructs';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { validateProps, withDefaults } from '../core/props';
import { IGrantable, renderPolicy } from '../iam/policy';
import { pascalCase } from '../core/tags';
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
      new SqsQueuePolicy(this, `${name}_policy`, {
        queueUrl: q.url,
        policy: renderPolicy([
          {
            sid: 'DenyInsecureTransport',
            effect: 'Deny',
            principals: { AWS: '*' },
            actions: ['sqs:*'],
            resources: [q.arn],
            conditions: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ]),
      });
    }
  }

  get queueUrl(): string {
    return this.queue.url;
  }

  /** Lets the grantee publish messages. */
  grantSendMessages(grantee: IGrantable): void {
    grantee.addToPolicy({
      sid: `Send${pascalCase(this.node.id)}`,
      actions: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
      resources: [this.queue.arn],
    });
  }

  /** Lets the grantee receive and delete messages (and extend their visibility). */
  grantConsumeMessages(grantee: IGrantable): void {
    grantee.addToPolicy({
      sid: `Consume${pascalCase(this.node.id)}`,
      actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
      resources: [this.queue.arn],
    });
  }
}

function inRange(n: number, min: number, max: number): boolean {
  return Number.isInteger(n) && n >= min && n <= max;
}
