import * as path from 'node:path';
import type { Environment } from '../../environments/lib/schema';
import type { Priority } from '../../lambdas/recall/shared/notification';

/** The Lambda functions of the system, by their folder under lambdas/recall/. */
export const RECALL_FUNCTIONS = ['notification-poller', 'teams-adapter', 'webhook-adapter'] as const;
export type RecallFunctionName = (typeof RECALL_FUNCTIONS)[number];

/** The two sides of seed 000 (section 2-4): each has a public ALB, web servers and backend servers. */
export const SIDES = ['recall', 'store'] as const;
export type Side = (typeof SIDES)[number];

/** The four application images (ECR repositories). */
export const APPS = ['recall-web', 'store-web', 'recall-backend', 'store-backend'] as const;
export type AppName = (typeof APPS)[number];

export const LAMBDAS_DIR = path.resolve(__dirname, '..', '..', 'lambdas', 'recall');

/** Entry point of a function: lambdas/recall/<name>/index.ts (exports `handler`). */
export function lambdaEntry(fn: RecallFunctionName): string {
  return path.join(LAMBDAS_DIR, fn, 'index.ts');
}

/** Construct id of a function: "teams-adapter" -> "teams_adapter". */
export function functionId(fn: RecallFunctionName): string {
  return fn.replace(/-/g, '_');
}

/**
 * Every name the recall system derives from an environment. AWS names carry the environment
 * (`recall-<env>-...`), so several environments can share an account.
 */
export function recallNames(env: Pick<Environment, 'name' | 'account'>, domainName: string) {
  const prefix = `recall-${env.name}`;
  return {
    prefix,
    stack: prefix,
    /** Logs, audit trail and backups (seed section 9). */
    logsBucket: `${prefix}-logs-${env.account.id}`,
    /** Public names (seed section 1): recall.<domain>, store.<domain>. */
    publicHost: (side: Side) => `${side}.${domainName}`,
    /** Names of the internal ALBs in front of each side's backend servers. */
    backendHost: (side: Side) => `${side}-backend.${domainName}`,
    /** SES domain identity (a subdomain, so the shared domain's own identity is left alone). */
    emailDomain: `recall.${domainName}`,
    publicAlb: (side: Side) => `${prefix}-${side}`,
    internalAlb: (side: Side) => `${prefix}-${side}-int`,
    webGroup: (side: Side) => `${prefix}-${side}-web`,
    backendGroup: (side: Side) => `${prefix}-${side}-backend`,
    repository: (app: AppName) => `${prefix}/${app}`,
    /** The one WAF web ACL of both public ALBs. */
    webAcl: prefix,
    queue: (priority: Priority) => `${prefix}-notifications-${priority}`,
    lambdaFailuresQueue: `${prefix}-lambda-failures`,
    eventsTopic: `${prefix}-recall-events`,
    smsTopic: `${prefix}-sms`,
    idempotencyTable: `${prefix}-idempotency`,
    databaseIdentifier: `${prefix}-postgres`,
    teamsSecret: `recall/${env.name}/teams-workflows-url`,
    webhookSecret: `recall/${env.name}/outbound-webhook`,
    functionName: (fn: RecallFunctionName) => `${prefix}-${fn}`,
    lambdaSecurityGroup: `${prefix}-lambda`,
    pollerSchedule: `${prefix}-notification-poller`,
    dashboard: prefix,
  } as const;
}

export type RecallNames = ReturnType<typeof recallNames>;
