/** Environments for the webhooks stack tests: the real environment files, or one with the webhooks section changed. */
import { App, Testing } from 'cdktf';
import devInput from '../../../environments/dev';
import { validateEnvironment, type Environment, type EnvironmentInput } from '../../../environments/lib/schema';
import { addWebhooksStacks } from '../../../systems/webhooks/app';

export const WEBHOOKS_SECTION = {
  cidr: '10.41.0.0/16',
  eventTypes: ['invoice.paid', 'user.created'],
  auth: { issuer: 'https://auth.dev.classifyhub.example.com/', audience: 'webhooks-api' },
  opsEmails: ['oncall-dev@classifyhub.example.com'],
};

/** dev with the webhooks section replaced (or added). */
export function devWith(section: Record<string, unknown> = WEBHOOKS_SECTION): Environment {
  const input = devInput as EnvironmentInput & { webhooks?: unknown };
  const listed = input.systems ?? [];
  const systems = listed.includes('webhooks') ? listed : [...listed, 'webhooks'];
  return validateEnvironment({ ...input, systems, webhooks: section }, 'environments/dev.ts');
}

export function synthWebhooks(env: Environment): { json: any; stack: ReturnType<typeof addWebhooksStacks>[number] } {
  const app = Testing.app();
  const [stack] = addWebhooksStacks(app as App, [env]);
  return { json: JSON.parse(Testing.synth(stack)), stack };
}
