/** csv-parser Lambda: S3 ObjectCreated events → {@link processUpload}, once per object (idempotent). */
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, S3Event } from 'aws-lambda';
import { METRICS } from '../shared/catalog';
import { createDynamoClients, createS3Client, createSqsClient } from '../../lib/aws';
import { readConfig } from '../shared/config';
import { createPoolFromEnv } from '../../lib/db';
import { idempotencyStore } from '../../lib/idempotency';
import { lazy } from '../../lib/lazy';
import { createObservability } from '../../lib/observability';
import { uploadIdFor } from '../shared/staging';
import { decodeS3Key, processUpload, type CsvParserDeps, type S3ObjectRef, type UploadOutcome } from './core';

/** Prefix of the idempotency records (stable, so a renamed function keeps its records). */
export const IDEMPOTENCY_KEY_PREFIX = 'onboarding.csv-parser.upload';

export interface CsvParserRuntime {
  readonly deps: CsvParserDeps;
  readonly persistenceStore: BasePersistenceLayer;
}

export async function csvParserRuntimeFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<CsvParserRuntime> {
  const config = readConfig(env, ['uploadTable', 'errorsQueueUrl', 'idempotencyTable']);
  const { ddb, doc } = createDynamoClients();
  return {
    deps: { db: await createPoolFromEnv(env), s3: createS3Client(), doc, sqs: createSqsClient(), config },
    persistenceStore: idempotencyStore(config.idempotencyTable, ddb),
  };
}

interface UploadJob {
  readonly upload_id: string;
  readonly ref: S3ObjectRef;
}

export function createCsvParserHandler(init: () => Promise<CsvParserRuntime> = () => csvParserRuntimeFromEnv()) {
  const { logger, metrics } = createObservability('csv-parser');
  const idempotencyConfig = new IdempotencyConfig({ eventKeyJmesPath: 'upload_id', expiresAfterSeconds: 24 * 3600 });
  const runtime = lazy(async () => {
    const rt = await init();
    const deps: CsvParserDeps = { ...rt.deps, log: (level, message, extra) => logger[level](message, extra ?? {}) };
    const run = makeIdempotent((job: UploadJob) => processUpload(deps, job.ref), {
      persistenceStore: rt.persistenceStore,
      config: idempotencyConfig,
      keyPrefix: IDEMPOTENCY_KEY_PREFIX,
    });
    return { run };
  });

  return async (event: S3Event, context: Context): Promise<{ uploads: UploadOutcome[] }> => {
    logger.addContext(context);
    idempotencyConfig.registerLambdaContext(context);
    const { run } = await runtime();
    const uploads: UploadOutcome[] = [];
    try {
      for (const record of event.Records ?? []) {
        const ref: S3ObjectRef = {
          bucket: record.s3.bucket.name,
          key: decodeS3Key(record.s3.object.key),
          size: record.s3.object.size,
          eTag: record.s3.object.eTag,
          versionId: record.s3.object.versionId,
          sequencer: record.s3.object.sequencer,
          eventTime: record.eventTime,
        };
        const job: UploadJob = { upload_id: uploadIdFor(ref), ref };
        logger.appendKeys({ upload_id: job.upload_id });
        const outcome = (await run(job)) as UploadOutcome;
        uploads.push(outcome);
        if (outcome.status === 'staged') metrics.addMetric(METRICS.recordsStaged, MetricUnit.Count, outcome.total_records);
        if (outcome.status === 'failed') metrics.addMetric(METRICS.uploadsFailed, MetricUnit.Count, 1);
        logger.info('upload handled', { outcome });
      }
      if (!event.Records) logger.warn('event without Records (an s3:TestEvent?)', { event });
      return { uploads };
    } finally {
      logger.removeKeys(['upload_id']);
      metrics.publishStoredMetrics();
    }
  };
}
