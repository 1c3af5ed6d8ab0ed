/**
 * What the Teams and webhook adapters share: an SNS event of the recall-events topic, one
 * delivery per record. A record that cannot be delivered for good (invalid event, non-HTTPS URL,
 * card over 28 KB, 400/413) goes to the adapter's dead-letter queue with the reason and the
 * others go on; a transient failure (429/5xx after the retries) makes the invocation fail, so
 * Lambda's asynchronous retries and then its on-failure destination (the same queue) take over.
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SNSEvent } from 'aws-lambda';
import { parseRecallEvent, type RecallEvent } from './events';
import { PermanentDeliveryError } from './http';
import { FAILURE_REASON_ATTRIBUTE } from './queues';

export interface DeadLetterSink {
  put(body: string, reason: string): Promise<void>;
}

export class SqsDeadLetterSink implements DeadLetterSink {
  constructor(private readonly sqs: SQSClient, private readonly queueUrl: string, private readonly source: string) {}

  async put(body: string, reason: string): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: body,
        MessageAttributes: {
          [FAILURE_REASON_ATTRIBUTE]: { DataType: 'String', StringValue: reason.slice(0, 2000) },
          source: { DataType: 'String', StringValue: this.source },
        },
      }),
    );
  }
}

export interface AdapterResult {
  readonly delivered: number;
  readonly deadLettered: number;
  readonly failed: number;
}

/** Permanent errors: the adapter's own refusals and the receiver's 4xx (not 429). */
export function isPermanent(err: unknown): boolean {
  return err instanceof PermanentDeliveryError || (err as Error)?.name === 'CardTooLargeError' || (err as Error)?.name === 'PermanentDeliveryError';
}

export async function handleRecallEvents(event: SNSEvent, deliver: (e: RecallEvent) => Promise<unknown>, deadLetters: DeadLetterSink): Promise<AdapterResult> {
  let delivered = 0;
  let deadLettered = 0;
  const transient: string[] = [];
  for (const record of event.Records) {
    const text = record.Sns.Message;
    const parsed = parseRecallEvent(text);
    if (!parsed.ok) {
      await deadLetters.put(text, parsed.reason);
      deadLettered++;
      continue;
    }
    try {
      await deliver(parsed.event);
      delivered++;
    } catch (err) {
      if (isPermanent(err)) {
        await deadLetters.put(text, `${(err as Error).name}: ${(err as Error).message}`);
        deadLettered++;
      } else {
        transient.push(`${parsed.event.eventId}: ${(err as Error).message}`);
      }
    }
  }
  if (transient.length) throw new Error(`delivery failed for ${transient.length} event(s), retrying: ${transient.join('; ')}`);
  return { delivered, deadLettered, failed: 0 };
}
