/**
 * The on-failure destination of the stream consumers: an SQS queue in AWS. A record E1 cannot use (not an
 * envelope, too large for DynamoDB) goes there with the reason, so the batch goes on.
 */
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';

export interface FailedRecord {
  readonly reason: string;
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  /** Base64 of the record's bytes (cut to 200 kB so the message stays under SQS' 256 KiB). */
  readonly data: string;
  readonly truncated: boolean;
  readonly source: string;
}

export interface FailureSink {
  send(records: readonly FailedRecord[]): Promise<void>;
}

const MAX_DATA_CHARS = 200_000;

export function failedRecord(source: string, r: { shardId: string; sequenceNumber: string; partitionKey: string; data: string }, reason: string): FailedRecord {
  const truncated = r.data.length > MAX_DATA_CHARS;
  return { reason, source, shardId: r.shardId, sequenceNumber: r.sequenceNumber, partitionKey: r.partitionKey, data: truncated ? r.data.slice(0, MAX_DATA_CHARS) : r.data, truncated };
}

/** SQS queue sink: SendMessageBatch in groups of 10; a message SQS refuses fails the whole call (retried by the caller). */
export class SqsFailureSink implements FailureSink {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(records: readonly FailedRecord[]): Promise<void> {
    for (let i = 0; i < records.length; i += 10) {
      const chunk = records.slice(i, i + 10);
      const res = await this.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: chunk.map((r, j) => ({ Id: String(j), MessageBody: JSON.stringify(r) })),
        }),
      );
      if (res.Failed?.length) throw new Error(`SQS ${this.queueUrl}: ${res.Failed.length} failure messages refused (${res.Failed.map((f) => f.Message).join('; ')})`);
    }
  }
}

/** In-memory stand-in for the SQS queue (local mode and tests): keeps what was sent, in order. */
export class MemoryFailureSink implements FailureSink {
  readonly messages: FailedRecord[] = [];

  async send(records: readonly FailedRecord[]): Promise<void> {
    this.messages.push(...records);
  }
}
