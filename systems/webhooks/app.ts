import type { App, TerraformStack } from 'cdktf';
import type { Environment } from '../../environments/lib/schema';

/** Adds the webhooks stack (`webhooks-<env>`) of each environment that runs the system. */
export function addWebhooksStacks(_app: App, environments: readonly Environment[]): TerraformStack[] {
  // TODO(webhooks): one stack per environment that runs the system.
  return environments.filter((e) => e.systems.includes('webhooks')).map(() => {
    throw new Error('the webhooks system is not built yet');
  });
}
