/** One SQS batch through the delivery core, with partial batch responses (the Lambda handler and local mode share it). */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { parseDeliveryMessage } from '../shared/queue';
import { processDelivery, type DeliveryDeps, type DeliveryOutcome } from './core';

export interface BatchLog {
  outcome(messageId: string, outcome: DeliveryOutcome): void;
  failed(messageId: string, error: Error): void;
}

export async function handleBatch(event: SQSEvent, deps: DeliveryDeps, log?: BatchLog): Promise<SQSBatchResponse> {
  const failures: { itemIdentifier: string }[] = [];
  // Deliveries of one batch run concurrently: one slow endpoint holds the batch at most the per-attempt timeout.
  await Promise.all(
    event.Records.map(async (r) => {
      try {
        const outcome = await processDelivery(parseDeliveryMessage(r.body), deps);
        log?.outcome(r.messageId, outcome);
      } catch (e) {
        log?.failed(r.messageId, e as Error);
        failures.push({ itemIdentifier: r.messageId });
      }
    }),
  );
  return { batchItemFailures: failures };
}
