/**
 * error-processor Lambda: SQS batches of the errors queue.
 *
 * Powertools batch processing handles each message; messages are grouped by upload (one
 * finalization per upload per invocation, shared by its messages), so a failure for one upload
 * only returns that upload's messages to the queue (ReportBatchItemFailures). Publishing is
 * wrapped in Powertools idempotency keyed by upload_id.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { METRICS } from '../shared/catalog';
import { createDynamoClients, createS3Client, createSnsClient } from '../../lib/aws';
import { ENV, readConfig } from '../shared/config';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SigningKeyStore } from '../shared/tokens';
import { makeReportLink } from '../shared/report-links';
import { createPoolFromEnv } from '../../lib/db';
import { idempotencyStore } from '../../lib/idempotency';
import { lazy } from '../../lib/lazy';
import { parseQueueMessage } from '../shared/messages';
import { createObservability } from '../../lib/observability';
import { publishCompletion, uploadState, type ErrorProcessorDeps, type PublishResult, type ReportLinkMaker } from './core';

/** Prefix of the idempotency records (stable, so a renamed function keeps its records). */
export const IDEMPOTENCY_KEY_PREFIX = 'onboarding.error-processor.notify';

export interface ErrorProcessorRuntime {
  readonly deps: ErrorProcessorDeps;
  readonly persistenceStore: BasePersistenceLayer;
}

export async function errorProcessorRuntimeFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<ErrorProcessorRuntime> {
  const config = readConfig(env, ['uploadsBucket', 'notificationTopicArn', 'idempotencyTable']);
  const { ddb } = createDynamoClients();
  return {
    deps: { db: await createPoolFromEnv(env), s3: createS3Client(), sns: createSnsClient(), config, reportLink: reportLinkFromEnv(env) },
    persistenceStore: idempotencyStore(config.idempotencyTable, ddb),
  };
}

/**
 * With REPORT_LINK_BASE_URL and REPORT_LINK_KEY_SECRET_ARN (the deployed stack sets both), a report is
 * linked through the report-link function (a token valid 7 days, redirecting to a fresh presigned GET);
 * without them (local runs), the default presigned GET. The key is created on first use if the secret is empty.
 */
export function reportLinkFromEnv(env: NodeJS.ProcessEnv): ReportLinkMaker | undefined {
  const baseUrl = env[ENV.reportLinkBaseUrl]?.trim();
  const secretArn = env[ENV.reportLinkKeySecretArn]?.trim();
  if (!baseUrl && !secretArn) return undefined;
  if (!baseUrl || !secretArn) throw new Error(`onboarding configuration: ${ENV.reportLinkBaseUrl} and ${ENV.reportLinkKeySecretArn} go together, got only ${baseUrl ? ENV.reportLinkBaseUrl : ENV.reportLinkKeySecretArn}`);
  const keys = new SigningKeyStore(new SecretsManagerClient({}), secretArn, { initialize: true });
  return async (r) => {
    const key = await keys.get();
    if (!key) throw new Error(`secret ${secretArn} has no value and could not be initialized`);
    return makeReportLink(key, baseUrl, r.key, r.expiresAt);
  };
}

export function createErrorProcessorHandler(init: () => Promise<ErrorProcessorRuntime> = () => errorProcessorRuntimeFromEnv()) {
  const { logger, metrics } = createObservability('error-processor');
  const processor = new BatchProcessor(EventType.SQS);
  const idempotencyConfig = new IdempotencyConfig({ eventKeyJmesPath: 'upload_id', expiresAfterSeconds: 7 * 24 * 3600 });
  const runtime = lazy(async () => {
    const rt = await init();
    const notifyOnce = makeIdempotent((req: { upload_id: string }) => publishCompletion(rt.deps, req.upload_id), {
      persistenceStore: rt.persistenceStore,
      config: idempotencyConfig,
      keyPrefix: IDEMPOTENCY_KEY_PREFIX,
    });
    return { deps: rt.deps, notifyOnce };
  });

  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    logger.addContext(context);
    idempotencyConfig.registerLambdaContext(context);
    const { deps, notifyOnce } = await runtime();
    const perUpload = new Map<string, Promise<PublishResult | { upload_id: string; result: string }>>();
    const finalize = (uploadId: string) => {
      let p = perUpload.get(uploadId);
      if (!p) {
        p = (async () => {
          const state = await uploadState(deps, uploadId);
          if (state === 'unknown_upload') logger.warn('message for an upload that upload_history does not know; dropped', { upload_id: uploadId });
          if (state !== 'ready') return { upload_id: uploadId, result: state };
          const res = (await notifyOnce({ upload_id: uploadId })) as PublishResult;
          if (res.result === 'notified') {
            metrics.addMetric(METRICS.notificationsPublished, MetricUnit.Count, 1);
            logger.info('notification published', { ...res });
          }
          return res;
        })();
        perUpload.set(uploadId, p);
      }
      return p;
    };
    const recordHandler = async (record: SQSRecord) => {
      const message = parseQueueMessage(record.body);
      if (message.type === 'validation_error') metrics.addMetric(METRICS.errorsProcessed, MetricUnit.Count, 1);
      return finalize(message.upload_id);
    };
    try {
      const response = await processPartialResponse(event, recordHandler, processor, { context });
      logger.info('messages processed', { messages: event.Records.length, uploads: perUpload.size, failed: response.batchItemFailures.length });
      return response;
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}
