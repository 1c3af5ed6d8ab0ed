/**
 * The three priority queues as the poller sees them. `SqsPriorityQueues` is the real one
 * (AWS SDK v3); lambdas/recall/local/queue-stand-in.ts implements the same interface in memory
 * with SQS semantics for tests, the local mode and the benchmark.
 */
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Priority } from './notification';

/** A message as received (invisible to others until deleted or its visibility timeout ends). */
export interface ReceivedMessage {
  readonly messageId: string;
  readonly body: string;
  readonly receiptHandle: string;
  /** ApproximateReceiveCount: 1 on the first delivery. */
  readonly receiveCount: number;
  /** SentTimestamp, ms since the epoch. */
  readonly sentAtMs: number;
}

/** Message attribute carrying the reason a message was dead-lettered by the poller. */
export const FAILURE_REASON_ATTRIBUTE = 'failure_reason';
/** Message attribute naming the queue a dead-lettered message came from. */
export const SOURCE_QUEUE_ATTRIBUTE = 'source_queue';

export interface PriorityQueueClient {
  /** Receives up to `max` (1-10) messages of one priority without waiting (short poll). */
  receive(priority: Priority, max: number): Promise<ReceivedMessage[]>;
  /** Deletes processed messages. */
  delete(priority: Priority, messages: readonly ReceivedMessage[]): Promise<void>;
  /** Puts the message on the priority's dead-letter queue with the reason, then deletes it from its queue. */
  deadLetter(priority: Priority, message: ReceivedMessage, reason: string): Promise<void>;
  /** Makes the message visible again after `delaySeconds` (retry back-off). */
  retryLater(priority: Priority, message: ReceivedMessage, delaySeconds: number): Promise<void>;
}

export interface SqsQueueUrls {
  readonly queues: Readonly<Record<Priority, string>>;
  readonly deadLetterQueues: Readonly<Record<Priority, string>>;
}

export class SqsPriorityQueues implements PriorityQueueClient {
  constructor(
    private readonly sqs: SQSClient,
    private readonly urls: SqsQueueUrls,
  ) {}

  async receive(priority: Priority, max: number): Promise<ReceivedMessage[]> {
    const out = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.urls.queues[priority],
        MaxNumberOfMessages: max,
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
      }),
    );
    return (out.Messages ?? []).map((m) => ({
      messageId: m.MessageId ?? '',
      body: m.Body ?? '',
      receiptHandle: m.ReceiptHandle ?? '',
      receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 1),
      sentAtMs: Number(m.Attributes?.SentTimestamp ?? 0),
    }));
  }

  async delete(priority: Priority, messages: readonly ReceivedMessage[]): Promise<void> {
    for (let i = 0; i < messages.length; i += 10) {
      const chunk = messages.slice(i, i + 10);
      const out = await this.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.urls.queues[priority],
          Entries: chunk.map((m, n) => ({ Id: String(n), ReceiptHandle: m.receiptHandle })),
        }),
      );
      // A failed delete only means a redelivery, which the idempotency record turns into a no-op.
      if (out.Failed?.length) console.warn(JSON.stringify({ level: 'WARN', message: 'delete failed', priority, failed: out.Failed }));
    }
  }

  async deadLetter(priority: Priority, message: ReceivedMessage, reason: string): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.urls.deadLetterQueues[priority],
        MessageBody: message.body,
        MessageAttributes: {
          [FAILURE_REASON_ATTRIBUTE]: { DataType: 'String', StringValue: reason.slice(0, 2000) },
          [SOURCE_QUEUE_ATTRIBUTE]: { DataType: 'String', StringValue: priority },
        },
      }),
    );
    await this.delete(priority, [message]);
  }

  async retryLater(priority: Priority, message: ReceivedMessage, delaySeconds: number): Promise<void> {
    await this.sqs.send(
      new ChangeMessageVisibilityCommand({ QueueUrl: this.urls.queues[priority], ReceiptHandle: message.receiptHandle, VisibilityTimeout: delaySeconds }),
    );
  }
}
