/** Environment variables of the webhooks functions (the stack sets them; names here are the contract). */
import { DEFAULT_BREAKER_POLICY } from './breaker';
import { DEFAULT_RETRY_POLICY, SVIX_SCHEDULE_SECONDS } from './retry';

export const ENV = {
  eventsTable: 'EVENTS_TABLE',
  endpointsTable: 'ENDPOINTS_TABLE',
  queueUrl: 'DELIVERY_QUEUE_URL',
  deadLetterQueueUrl: 'DELIVERY_DLQ_URL',
  endpointKeySecretArn: 'ENDPOINT_KEY_SECRET_ARN',
  jwtKeySecretArn: 'JWT_KEY_SECRET_ARN',
  jwksUrl: 'JWT_JWKS_URL',
  issuer: 'JWT_ISSUER',
  audience: 'JWT_AUDIENCE',
  eventTypes: 'EVENT_TYPES',
  maxPayloadBytes: 'MAX_PAYLOAD_BYTES',
  requireHttps: 'REQUIRE_HTTPS',
  retrySchedule: 'RETRY_SCHEDULE_SECONDS',
  timeoutMs: 'DELIVERY_TIMEOUT_MS',
  rotationGraceSeconds: 'ROTATION_GRACE_SECONDS',
  eventRetentionDays: 'EVENT_RETENTION_DAYS',
  defaultRateLimit: 'ENDPOINT_RATE_LIMIT_PER_SECOND',
  disableAfterDays: 'DISABLE_AFTER_DAYS',
  usageKeys: 'USAGE_KEYS',
} as const;

/** Defaults where the environment section leaves a value out (also used by local mode). */
export const SETTINGS = {
  maxPayloadBytes: 65_536,
  timeoutMs: 15_000,
  rotationGraceSeconds: 86_400,
  eventRetentionDays: 30,
  idempotencyTtlSeconds: 86_400,
  defaultRateLimitPerSecond: 50,
  disableAfterDays: 5,
  retrySchedule: SVIX_SCHEDULE_SECONDS,
  retry: DEFAULT_RETRY_POLICY,
  breaker: DEFAULT_BREAKER_POLICY,
  /** Secret key rings: the endpoint-secret wrapping keys are all kept; JWT keys: the current and the previous. */
  retainKeys: { endpointKey: null, jwtKey: 2 },
} as const;

export function required(env: NodeJS.ProcessEnv, name: string): string {
  const v = env[name];
  if (!v) throw new Error(`environment variable ${name} is not set`);
  return v;
}

export function numberVar(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const v = env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`environment variable ${name}: received ${JSON.stringify(v)}; expected a number >= 0`);
  return n;
}
