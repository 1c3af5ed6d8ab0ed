import * as path from 'node:path';
import type { Environment } from '../../environments/lib/schema';
import { API_FUNCTIONS } from '../../lambdas/webhooks/shared/routes';

/** Every function of the system, by its folder under lambdas/webhooks/. */
export const WEBHOOKS_FUNCTIONS = ['auth', ...API_FUNCTIONS, 'delivery', 'rotate-keys'] as const;
export type WebhooksFunctionName = (typeof WEBHOOKS_FUNCTIONS)[number];

export const LAMBDAS_DIR = path.resolve(__dirname, '..', '..', 'lambdas', 'webhooks');

/** Entry point of a function: lambdas/webhooks/<name>/index.ts (exports `handler`). */
export function lambdaEntry(fn: WebhooksFunctionName): string {
  return path.join(LAMBDAS_DIR, fn, 'index.ts');
}

/** Construct id (Terraform address part): "create-event" -> "create_event"; "endpoints" is the seed's Subscription Manager. */
export function functionId(fn: WebhooksFunctionName): string {
  return fn === 'endpoints' ? 'subscription_manager' : fn.replace(/-/g, '_');
}

/** Every AWS name the system derives from an environment (`webhooks-<env>-...`). */
export function webhooksNames(env: Pick<Environment, 'name'>) {
  const prefix = `webhooks-${env.name}`;
  return {
    prefix,
    stack: prefix,
    api: prefix,
    eventsTable: `${prefix}-events`,
    endpointsTable: `${prefix}-endpoints`,
    deliveryQueue: `${prefix}-deliveries`,
    endpointKeySecret: `${prefix}/endpoint-secret-keys`,
    jwtKeySecret: `${prefix}/jwt-keys`,
    secretsKeyAlias: `alias/${prefix}-secrets`,
    lambdaSecurityGroup: `${prefix}-lambda`,
    waf: prefix,
    dashboard: prefix,
    functionName: (fn: WebhooksFunctionName) => `${prefix}-${fn}`,
  } as const;
}

export type WebhooksNames = ReturnType<typeof webhooksNames>;
