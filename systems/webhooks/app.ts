import type { App } from 'cdktf';
import type { Environment } from '../../environments/lib/schema';
import { webhooksNames } from './names';
import { WebhooksStack } from './stack';

/** Adds the webhooks stack (`webhooks-<env>`) of each environment that runs the system. */
export function addWebhooksStacks(app: App, environments: readonly Environment[]): WebhooksStack[] {
  return environments.filter((e) => e.systems.includes('webhooks')).map((environment) => new WebhooksStack(app, webhooksNames(environment).stack, { environment }));
}
