/**
 * The webhooks system's settings as data: the stack reads them from here; docs/webhooks.md shows them. Values the
 * seed leaves open are chosen here, with the reason.
 */
import type { WebhooksFunctionName } from './names';

export const WEBHOOKS_SETTINGS = {
  /** Each function: memory, timeout, what it does (seed: "Lambda Functions"). */
  functions: {
    auth: { memorySizeMiB: 256, timeoutSeconds: 10, description: 'Auth: verifies bearer JWTs and returns the role policy (API Gateway TOKEN authorizer)' },
    endpoints: { memorySizeMiB: 256, timeoutSeconds: 15, description: 'Subscription manager: create, list, delete endpoints, rotate signing secrets' },
    'create-event': { memorySizeMiB: 256, timeoutSeconds: 15, description: 'Event generator: stores an event and queues one delivery per subscribed endpoint' },
    'list-events': { memorySizeMiB: 256, timeoutSeconds: 10, description: 'List Events: filters and cursor pagination' },
    'get-event': { memorySizeMiB: 256, timeoutSeconds: 10, description: 'Get Event: the event with its delivery attempts' },
    'replay-event': { memorySizeMiB: 256, timeoutSeconds: 15, description: 'Replay Event: re-queues an event with the same webhook-id' },
    /** Timeout: ten deliveries of a batch run concurrently, each at most the per-attempt timeout, plus the store writes. */
    delivery: { memorySizeMiB: 512, timeoutSeconds: 60, description: 'Delivery Service: signs, sends, records attempts, schedules retries (SQS consumer)' },
    'rotate-keys': { memorySizeMiB: 256, timeoutSeconds: 30, description: 'Secrets Manager rotation of the signing key rings' },
  } satisfies Record<WebhooksFunctionName, { memorySizeMiB: number; timeoutSeconds: number; description: string }>,
  queue: {
    /** AWS guidance: at least 6x the consumer's timeout. */
    visibilityTimeoutSeconds: 360,
    /** 4 days: retries longer than that are re-sent as new messages (hops), so no message lives long. */
    retentionSeconds: 345_600,
    /** Receives before SQS moves a message to the DLQ: crashes of the Delivery Service, not delivery failures (those are re-sent as new messages). */
    maxReceiveCount: 5,
  },
  deliverySource: { batchSize: 10, maximumBatchingWindowSeconds: 0, reportBatchItemFailures: true },
  /** Authorizer decisions cached per token. */
  authorizerCacheSeconds: 300,
  /** Per-client usage plan when the environment names none. */
  defaultClientThrottle: { rateLimitPerSecond: 10, burstLimit: 20 },
  waf: {
    /** Requests per client IP per 5 minutes. */
    rateLimitPer5Minutes: 2000,
    /** Bodies above the payload limit plus the envelope are refused at the edge. */
    bodyOverheadBytes: 4096,
  },
  alarms: {
    /** Delivery success rate (DeliverySuccess / DeliveryAttempts) below this over 15 minutes. */
    minSuccessRatePercent: 95,
    /** p99 of DeliveryLatency (receiver time included) above this. */
    maxP99LatencyMs: 5000,
    /** API Gateway 4XX responses include 429s from throttling; above this per 5 minutes something is wrong. */
    maxApi4xxPer5Minutes: 500,
  },
  keyRotationDays: 90,
  metricsNamespace: 'Webhooks',
} as const;
