/**
 * Lambda entry point (bundled by the stack): the Delivery Service, an SQS batch consumer (partial batch responses).
 * Metrics (EMF, Powertools): DeliveryLatency (ms), DeliverySuccess / DeliveryFailure (count), DeliveryAttempts.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { lazy } from '../../lib/lazy';
import { ENV, SETTINGS, numberVar } from '../shared/config';
import { httpSender } from '../shared/http-send';
import { apiDepsFromEnv, retryPolicyFromEnv } from '../shared/runtime';
import { type DeliveryDeps } from './core';
import { handleBatch } from './batch';

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'delivery' });
const metrics = new Metrics({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'delivery', namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Webhooks' });

const deps = lazy(async (): Promise<DeliveryDeps> => {
  const api = await apiDepsFromEnv();
  const env = process.env;
  return {
    store: api.store,
    queue: api.queue,
    box: api.box,
    ssrf: api.ssrf,
    send: httpSender(),
    retry: retryPolicyFromEnv(env),
    breaker: SETTINGS.breaker,
    timeoutMs: numberVar(env, ENV.timeoutMs, SETTINGS.timeoutMs),
    defaultRateLimitPerSecond: numberVar(env, ENV.defaultRateLimit, SETTINGS.defaultRateLimitPerSecond),
    disableAfterMs: numberVar(env, ENV.disableAfterDays, SETTINGS.disableAfterDays) * 86_400_000,
    now: Date.now,
    random: Math.random,
    metrics: {
      attempt(outcome, latencyMs, attempt) {
        metrics.addMetric('DeliveryAttempts', MetricUnit.Count, 1);
        metrics.addMetric(outcome === 'success' ? 'DeliverySuccess' : 'DeliveryFailure', MetricUnit.Count, 1);
        if (outcome === 'success' || outcome === 'failure') metrics.addMetric('DeliveryLatency', MetricUnit.Milliseconds, latencyMs);
        if (attempt > 1 && outcome === 'success') metrics.addMetric('DeliveredAfterRetry', MetricUnit.Count, 1);
      },
    },
  };
});

export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const result = await handleBatch(event, await deps(), {
    outcome: (messageId, outcome) => logger.debug('delivery', { messageId, outcome }),
    failed: (messageId, error) => logger.error('delivery failed; the message returns to the queue', { messageId, error: error.message }),
  });
  metrics.publishStoredMetrics();
  return result;
}
