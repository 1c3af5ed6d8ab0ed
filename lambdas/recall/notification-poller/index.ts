/** Lambda entry point (bundled by the infrastructure): notification-poller. Settings: lambdas/recall/shared/config.ts. */
import { createPollerHandler } from './handler';

export const handler = createPollerHandler();
