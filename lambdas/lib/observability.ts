/** Powertools logger and metrics for a Lambda; service and namespace come from the environment. */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

export const DEFAULT_METRICS_NAMESPACE = 'ProductOnboarding';

export interface Observability {
  readonly logger: Logger;
  readonly metrics: Metrics;
}

export function createObservability(defaultService: string): Observability {
  const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? defaultService;
  return {
    logger: new Logger({ serviceName }),
    metrics: new Metrics({ serviceName, namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? DEFAULT_METRICS_NAMESPACE }),
  };
}
