/** Lambda entry point (bundled by the infrastructure): error-processor. Settings: see lambdas/shared/config.ts. */
import { createErrorProcessorHandler } from './handler';

export const handler = createErrorProcessorHandler();
