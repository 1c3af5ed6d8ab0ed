/**
 * The recall system's settings as data: the stack reads them from here and docs/recall.md
 * explains them. Values the seed leaves open are marked "chosen".
 */
import type { RecallFunctionName } from './names';

export const RECALL_SETTINGS = {
  functions: {
    /** Chosen: 60 s per invocation (it drains in rounds until 20 s remain), so the queues' visibility is 6 x 60 = 360 s. */
    'notification-poller': { memorySizeMiB: 512, timeoutSeconds: 60, description: 'Sends recall notifications from the high/medium/low queues via SES and SNS (seed 000 section 7)' },
    /** Reserved concurrency 1: Teams Workflows answer 429 above about 4 requests/s. */
    'teams-adapter': { memorySizeMiB: 256, timeoutSeconds: 60, reservedConcurrency: 1, description: 'Posts recall events as Adaptive Cards to Microsoft Teams (section 8)' },
    'webhook-adapter': { memorySizeMiB: 256, timeoutSeconds: 60, reservedConcurrency: 2, description: 'Posts signed recall events to a third-party webhook (section 8)' },
  } satisfies Record<RecallFunctionName, { memorySizeMiB: number; timeoutSeconds: number; reservedConcurrency?: number; description: string }>,
  queues: {
    /** AWS guidance for SQS-fed Lambdas: visibility timeout >= 6 x the function timeout. */
    visibilityTimeoutFactor: 6,
    /** Chosen: 4 days; a recall notice older than that is reviewed by hand from the DLQ. */
    retentionSeconds: 345_600,
    /** Deliveries before SQS moves a failing notification to the DLQ. */
    maxReceiveCount: 5,
    /** Alarm: age of the oldest message per priority, seconds (chosen: 1, 5, 15 minutes). */
    maxOldestMessageAgeSeconds: { high: 60, medium: 300, low: 900 },
  },
  /** "high:medium:low" receive slots per polling round (lambdas/recall/notification-poller/scheduler.ts). */
  priorityWeights: '8:3:1',
  /** The poller sweeps the queues every minute; backend servers also invoke it right after enqueuing. */
  pollerSchedule: 'rate(1 minute)',
  ports: { web: 8080, backend: 8081 },
  healthCheckPath: '/health',
  database: { databaseName: 'recall', masterUsername: 'recall_admin' },
  /** Key prefixes of the logs bucket (seed section 9: logs, audit trail, backups). */
  bucket: {
    albPrefix: (side: string) => `alb/${side}`,
    auditPrefix: 'audit/',
    backupsPrefix: 'backups/',
    /** Chosen: ALB access logs and flow logs kept 90 days (prefix rules), audit and backups kept (versioned). */
    logExpiryDays: 90,
  },
  /** Idempotency records: key `id`, TTL `expires_at`; COMPLETED records kept 14 days (longer than SQS retention). */
  idempotency: { partitionKey: { name: 'id', type: 'S' }, timeToLiveAttribute: 'expires_at' },
  metricsNamespace: 'RecallNotifications',
} as const;
