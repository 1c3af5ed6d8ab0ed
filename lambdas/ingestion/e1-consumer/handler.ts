/**
 * E1 Lambda: a Kinesis batch (the primary stream, or R1 in region 2) -> {@link consumeBatch} -> D5.
 * Partial batch response: Lambda retries from the lowest failed sequence number.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { createDynamoClients, createSqsClient } from '../../lib/aws';
import { lazy } from '../../lib/lazy';
import { createObservability } from '../../lib/observability';
import { ENV, requireEnv } from '../shared/config';
import { SqsFailureSink } from '../shared/failures';
import { fromLambdaEvent } from '../shared/stream';
import { consumeBatch, type ConsumerDeps } from './core';

export function consumerDepsFromEnv(env: NodeJS.ProcessEnv = process.env): ConsumerDeps {
  const { doc } = createDynamoClients();
  return { doc, table: requireEnv(env, ENV.eventsTable), failures: new SqsFailureSink(createSqsClient(), requireEnv(env, ENV.failureQueueUrl)) };
}

export function createConsumerHandler(init: () => Promise<ConsumerDeps> = async () => consumerDepsFromEnv()) {
  const { logger, metrics } = createObservability('e1-consumer');
  const deps = lazy(init);
  return async (event: KinesisStreamEvent, context?: Context): Promise<KinesisStreamBatchResponse> => {
    if (context) logger.addContext(context);
    const records = fromLambdaEvent(event);
    const result = await consumeBatch(records, await deps());
    const now = Date.now();
    const oldest = records.reduce((m, r) => Math.min(m, r.approximateArrivalMs), now);
    metrics.addMetric('RecordsWritten', MetricUnit.Count, result.written);
    metrics.addMetric('DuplicatesSkipped', MetricUnit.Count, result.duplicates);
    metrics.addMetric('PoisonRecords', MetricUnit.Count, result.poison);
    metrics.addMetric('EndToEndAgeMs', MetricUnit.Milliseconds, now - oldest);
    metrics.publishStoredMetrics();
    // A Kinesis batch comes from one shard: the per-shard views (D1-D4) filter on shardId.
    logger.info('batch consumed', { shardId: records[0]?.shardId, records: records.length, ...result, batchItemFailures: result.batchItemFailures.length });
    return { batchItemFailures: result.batchItemFailures };
  };
}
