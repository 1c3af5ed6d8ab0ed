/**
 * Replicator Lambda: batches of the primary stream's enhanced fan-out consumer -> R1 in region 2
 * ({@link replicateShardBatch}). A batch holds one shard's records. A failure throws: Lambda retries the batch and
 * the checkpoint skips what was already copied. Publishes ReplicationLagMs (EMF) for the replication-lag alarm.
 */
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, KinesisStreamEvent } from 'aws-lambda';
import { createDynamoClients } from '../../lib/aws';
import { lazy } from '../../lib/lazy';
import { createObservability } from '../../lib/observability';
import { ENV, requireEnv } from '../shared/config';
import { fromLambdaEvent } from '../shared/stream';
import { DynamoCheckpointStore, replicateShardBatch, type ReplicatorDeps } from './core';

export function replicatorDepsFromEnv(env: NodeJS.ProcessEnv = process.env, sourceStream: string): ReplicatorDeps {
  const { doc } = createDynamoClients();
  return {
    target: new KinesisClient({ region: requireEnv(env, ENV.targetRegion) }),
    targetStream: requireEnv(env, ENV.targetStreamName),
    checkpoints: new DynamoCheckpointStore(doc, requireEnv(env, ENV.checkpointTable)),
    sourceStream,
  };
}

export function createReplicatorHandler(init?: (sourceStream: string) => Promise<ReplicatorDeps>) {
  const { logger, metrics } = createObservability('replicator');
  let deps: (() => Promise<ReplicatorDeps>) | undefined;
  return async (event: KinesisStreamEvent, context?: Context): Promise<void> => {
    if (context) logger.addContext(context);
    const records = fromLambdaEvent(event);
    if (!records.length) return;
    // arn:aws:kinesis:<region>:<account>:stream/<name>[/consumer/...]
    const sourceStream = event.Records[0].eventSourceARN.split('/')[1];
    deps ??= lazy(() => (init ? init(sourceStream) : Promise.resolve(replicatorDepsFromEnv(process.env, sourceStream))));
    const d = await deps();
    for (const shardId of [...new Set(records.map((r) => r.shardId))]) {
      const result = await replicateShardBatch(shardId, records, d);
      if (result.lagMs.length) metrics.addMetric('ReplicationLagMs', MetricUnit.Milliseconds, Math.max(...result.lagMs));
      metrics.addMetric('RecordsReplicated', MetricUnit.Count, result.replicated);
      logger.info('shard batch replicated', { shardId, replicated: result.replicated, skipped: result.skipped, checkpoint: result.checkpoint });
    }
    metrics.publishStoredMetrics();
  };
}
