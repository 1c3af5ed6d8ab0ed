/**
 * product-validator Lambda: DynamoDB stream batches of UploadRecords → {@link validateBatch}.
 *
 * Powertools batch processing decodes each stream record (a record that is not a staged item is
 * reported in batchItemFailures); the decoded records are then validated together, set-based,
 * in one transaction. If that fails the whole invocation fails and the batch is redelivered,
 * which the core handles without duplicates. REMOVE events (TTL) and items that are no longer
 * pending_validation (the validator's own status updates) are skipped.
 */
import { BatchProcessor, EventType } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { METRICS } from '../shared/catalog';
import { createDynamoClients, createSqsClient } from '../../lib/aws';
import { readConfig } from '../shared/config';
import { createPoolFromEnv } from '../../lib/db';
import { lazy } from '../../lib/lazy';
import { createObservability } from '../../lib/observability';
import type { StagedRecord } from '../shared/staging';
import { validateBatch, type ValidatorDeps } from './core';

export async function validatorDepsFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<ValidatorDeps> {
  const config = readConfig(env, ['uploadTable', 'errorsQueueUrl']);
  const { doc } = createDynamoClients();
  return { db: await createPoolFromEnv(env), doc, sqs: createSqsClient(), config };
}

/** The staged item of a stream record, or null when the record is not for the validator. */
export function decodeStreamRecord(record: DynamoDBRecord): StagedRecord | null {
  if (record.eventName === 'REMOVE') return null;
  const image = record.dynamodb?.NewImage;
  if (!image) throw new Error(`stream record ${record.eventID ?? '?'} has no NewImage (the stream must be NEW_IMAGE or NEW_AND_OLD_IMAGES)`);
  const item = unmarshall(image as Record<string, AttributeValue>) as Partial<StagedRecord>;
  if (
    typeof item.upload_id !== 'string' ||
    typeof item.record_id !== 'string' ||
    typeof item.vendor_id !== 'string' ||
    typeof item.row_number !== 'number' ||
    typeof item.product_data !== 'object' ||
    item.product_data === null
  ) {
    throw new Error(`stream record ${record.eventID ?? '?'} is not a staged UploadRecords item`);
  }
  if (item.status !== 'pending_validation') return null;
  return item as StagedRecord;
}

export function createValidatorHandler(init: () => Promise<ValidatorDeps> = () => validatorDepsFromEnv()) {
  const { logger, metrics } = createObservability('product-validator');
  const processor = new BatchProcessor(EventType.DynamoDBStreams);
  const deps = lazy(init);

  return async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> => {
    logger.addContext(context);
    const started = Date.now();
    try {
      processor.register(event.Records, (record: DynamoDBRecord) => decodeStreamRecord(record), { context });
      const processed = await processor.process();
      const staged = processed.filter(([status, result]) => status === 'success' && result).map(([, result]) => result as StagedRecord);
      const failures = processed.length - processed.filter(([s]) => s === 'success').length;
      const outcome = await validateBatch(await deps(), staged);
      metrics.addMetric(METRICS.productsValidated, MetricUnit.Count, outcome.inserted);
      metrics.addMetric(METRICS.productsRejected, MetricUnit.Count, outcome.rejected);
      metrics.addMetric(METRICS.validationProcessingTime, MetricUnit.Milliseconds, Date.now() - started);
      logger.info('batch validated', {
        records: event.Records.length,
        staged: staged.length,
        undecodable: failures,
        inserted: outcome.inserted,
        rejected: outcome.rejected,
        redelivered: outcome.redelivered,
        finished_uploads: outcome.finished,
      });
      return processor.response() as DynamoDBBatchResponse;
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}
