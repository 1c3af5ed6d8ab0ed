/**
 * notification-poller Lambda. Invoked by the 1-minute EventBridge schedule and, right after they
 * enqueue, by the backend servers (async "kick"); it then drains the three priority queues in
 * weighted rounds until they are empty or its time budget ends (deployed wiring). It also accepts
 * an SQS event (event source mapping) and answers with a partial batch response.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { readEnv } from '../shared/config';
import { DynamoIdempotencyStore, type IdempotencyStore } from '../shared/idempotency';
import { PRIORITIES, type Priority } from '../shared/notification';
import { SqsPriorityQueues, type ReceivedMessage } from '../shared/queues';
import { lazy } from '../../lib/lazy';
import { processInOrder, runPoller, type PollerDeps, type PollerStats } from './core';
import { AwsNotificationSender } from './senders';
import { parseWeights } from './scheduler';

/** Time kept free at the end of an invocation for the last round's sends and deletes, ms. */
export const SAFETY_MARGIN_MS = 20_000;

export function pollerDepsFromEnv(env: NodeJS.ProcessEnv = process.env): PollerDeps {
  const c = readEnv(['highQueueUrl', 'mediumQueueUrl', 'lowQueueUrl', 'highDlqUrl', 'mediumDlqUrl', 'lowDlqUrl', 'idempotencyTable', 'senderEmail', 'smsTopicArn'], env);
  // The stack sets the lease to twice the function timeout: a crashed poller's claim frees itself after it.
  const leaseSeconds = Number(env.IDEMPOTENCY_LEASE_SECONDS ?? 120);
  const idempotency: IdempotencyStore = new DynamoIdempotencyStore(new DynamoDBClient({}), c.idempotencyTable, {
    leaseSeconds: Number.isInteger(leaseSeconds) && leaseSeconds > 0 ? leaseSeconds : 120,
    retentionSeconds: 14 * 24 * 3600,
  });
  return {
    queues: new SqsPriorityQueues(new SQSClient({}), {
      queues: { high: c.highQueueUrl, medium: c.mediumQueueUrl, low: c.lowQueueUrl },
      deadLetterQueues: { high: c.highDlqUrl, medium: c.mediumDlqUrl, low: c.lowDlqUrl },
    }),
    sender: new AwsNotificationSender({ ses: new SESv2Client({}), sns: new SNSClient({}), senderEmail: c.senderEmail, smsTopicArn: c.smsTopicArn, configurationSet: env.SES_CONFIGURATION_SET || undefined }),
    idempotency,
    weights: parseWeights(env.PRIORITY_WEIGHTS),
    onOutcome: (e) => {
      if (e.outcome === 'dead-lettered' || e.outcome === 'retry') {
        console.log(JSON.stringify({ level: 'WARN', message: e.outcome, priority: e.priority, messageId: e.message.messageId, notificationId: e.notificationId, reason: e.reason }));
      }
    },
  };
}

/** Priority of a queue from its ARN or name: "...-high" -> "high". */
export function priorityOfQueue(arnOrName: string): Priority {
  const name = arnOrName.split(':').pop() ?? '';
  const p = PRIORITIES.find((x) => name.endsWith(`-${x}`));
  if (!p) throw new Error(`notification-poller: cannot tell the priority of queue ${JSON.stringify(arnOrName)} (expected a name ending in -high, -medium or -low)`);
  return p;
}

function isSqsEvent(event: unknown): event is SQSEvent {
  return !!event && typeof event === 'object' && Array.isArray((event as SQSEvent).Records);
}

export function createPollerHandler(init: () => PollerDeps = () => pollerDepsFromEnv()) {
  const deps = lazy(async () => init());
  return async (event: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<PollerStats | SQSBatchResponse> => {
    const d = await deps();
    if (isSqsEvent(event)) {
      const items = event.Records.map((r) => ({
        priority: priorityOfQueue(r.eventSourceARN),
        message: {
          messageId: r.messageId,
          body: r.body,
          receiptHandle: r.receiptHandle,
          receiveCount: Number(r.attributes.ApproximateReceiveCount ?? 1),
          sentAtMs: Number(r.attributes.SentTimestamp ?? 0),
        } satisfies ReceivedMessage,
      }));
      // Deletion is Lambda's job with an event source mapping: report the ones to keep.
      const results = await processInOrder({ ...d, queues: { ...d.queues, delete: async () => undefined, receive: d.queues.receive.bind(d.queues), deadLetter: d.queues.deadLetter.bind(d.queues), retryLater: d.queues.retryLater.bind(d.queues) } }, items);
      return {
        batchItemFailures: items.filter((i) => { const r = results.get(i.message); return r !== undefined && !r.delete && r.outcome !== 'dead-lettered'; }).map((i) => ({ itemIdentifier: i.message.messageId })),
      };
    }
    const stats = await runPoller(d, () => (context ? context.getRemainingTimeInMillis() > SAFETY_MARGIN_MS : true));
    console.log(JSON.stringify({ level: 'INFO', message: 'poll finished', ...stats }));
    return stats;
  };
}
