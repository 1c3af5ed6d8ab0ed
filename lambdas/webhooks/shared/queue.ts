/** The delivery queue behind a port: SQS in the Lambdas, the local stand-in (local/sqs-standin.ts) in local mode. */
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { SQS_MAX_DELAY_SECONDS } from './retry';

/** One delivery of an event to an endpoint, as queued. */
export interface DeliveryMessage {
  readonly eventId: string;
  readonly endpointId: string;
  /** The attempt this message makes (1-based). */
  readonly attempt: number;
  /** Not before this time (epoch ms): received earlier, the message hops again (waits beyond SQS's 15 minutes). */
  readonly notBeforeMs?: number;
  /** Set on messages the Delivery Service moved to the DLQ after the last attempt; a redrive restarts at attempt 1. */
  readonly exhausted?: boolean;
  readonly reason?: string;
}

export interface OutgoingMessage {
  readonly body: DeliveryMessage;
  /** Seconds (the SQS adapter rounds up and caps at 900; the local stand-in takes fractions). */
  readonly delaySeconds: number;
}

export interface QueuePort {
  send(messages: readonly OutgoingMessage[]): Promise<void>;
  sendToDeadLetter(message: DeliveryMessage): Promise<void>;
}

/** Parses a queued body; throws naming the field when it is not a delivery message. */
export function parseDeliveryMessage(body: string): DeliveryMessage {
  let m: DeliveryMessage;
  try {
    m = JSON.parse(body) as DeliveryMessage;
  } catch {
    throw new Error(`delivery message: malformed JSON ${JSON.stringify(body.slice(0, 80))}`);
  }
  if (typeof m?.eventId !== 'string' || typeof m.endpointId !== 'string' || !Number.isInteger(m.attempt) || m.attempt < 1) {
    throw new Error(`delivery message: expected { eventId, endpointId, attempt >= 1 }, received ${JSON.stringify(body.slice(0, 120))}`);
  }
  return m;
}

export class SqsQueuePort implements QueuePort {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    private readonly deadLetterQueueUrl: string,
  ) {}

  async send(messages: readonly OutgoingMessage[]) {
    for (let i = 0; i < messages.length; i += 10) {
      const chunk = messages.slice(i, i + 10);
      const r = await this.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: chunk.map((m, j) => ({ Id: String(j), MessageBody: JSON.stringify(m.body), DelaySeconds: Math.min(SQS_MAX_DELAY_SECONDS, Math.ceil(m.delaySeconds)) })),
        }),
      );
      if (r.Failed?.length) throw new Error(`SQS ${this.queueUrl}: ${r.Failed.length} of ${chunk.length} messages not sent (${r.Failed[0].Code}: ${r.Failed[0].Message})`);
    }
  }

  async sendToDeadLetter(message: DeliveryMessage) {
    const r = await this.sqs.send(new SendMessageBatchCommand({ QueueUrl: this.deadLetterQueueUrl, Entries: [{ Id: '0', MessageBody: JSON.stringify(message) }] }));
    if (r.Failed?.length) throw new Error(`SQS ${this.deadLetterQueueUrl}: dead-letter message not sent (${r.Failed[0].Code})`);
  }
}
