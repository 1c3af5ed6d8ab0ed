/** Lambda entry point (bundled by the infrastructure): webhook-adapter. */
import { createWebhookHandler } from './handler';

export const handler = createWebhookHandler();
