/**
 * Delivery Service core: one queued delivery (event → endpoint) per call. Steps: wait (hop) until `notBeforeMs`;
 * skip deleted or disabled endpoints; circuit breaker; per-endpoint rate limit; SSRF guard on the resolved address;
 * sign (Standard Webhooks; every live secret during a rotation grace period); send with a timeout; record the attempt
 * on the event; then success, retry per the schedule (Retry-After honoured), disable on 410 or after failing for
 * `disableAfterMs`, or, with the schedule used up, mark the delivery failed and move the message to the DLQ.
 */
import { delayBeforeAttempt, hopDelaySeconds, parseRetryAfter, type RetryPolicy } from '../shared/retry';
import { permit, record as recordBreaker, type BreakerPolicy } from '../shared/breaker';
import { cachingResolver, resolveSafe, systemResolver, UrlRefused, type Resolver, type SsrfPolicy } from '../shared/ssrf';
import { signatureHeaders } from '../shared/signing';
import type { SecretBox } from '../shared/keyring';
import type { DeliveryMessage, QueuePort } from '../shared/queue';
import type { Attempt, EndpointRecord, WebhookStore } from '../shared/store';
import { SendError, type Sender } from '../shared/http-send';

export interface DeliveryMetrics {
  attempt(outcome: Attempt['outcome'], latencyMs: number, attempt: number): void;
}

export interface DeliveryDeps {
  readonly store: WebhookStore;
  readonly queue: QueuePort;
  readonly box: SecretBox;
  readonly send: Sender;
  /** Host name lookups. @default the system resolver, answers reused for 30 s (defaultDeliveryResolver) */
  readonly resolve?: Resolver;
  readonly retry: RetryPolicy;
  readonly breaker: BreakerPolicy;
  readonly ssrf: SsrfPolicy;
  readonly timeoutMs: number;
  readonly defaultRateLimitPerSecond: number;
  /** An endpoint failing continuously this long is disabled (Svix: 5 days). */
  readonly disableAfterMs: number;
  readonly now: () => number;
  readonly random: () => number;
  readonly metrics?: DeliveryMetrics;
}

export type DeliveryOutcome = 'hop' | 'skipped' | 'circuit-open' | 'rate-limited' | 'succeeded' | 'retry' | 'failed' | 'gone';

/**
 * The system resolver with each host's answer reused for 30 s, shared by the deliveries of this process (a warm
 * Lambda keeps it): the lookup is cached, the check is not (every address of the answer is checked on every attempt).
 */
export const defaultDeliveryResolver: Resolver = cachingResolver(systemResolver, { ttlMs: 30_000 });

/** Statuses that mean "slow down" (Retry-After honoured). */
const SLOW_DOWN = new Set([429, 502, 503, 504]);

export async function processDelivery(message: DeliveryMessage, deps: DeliveryDeps): Promise<DeliveryOutcome> {
  const now = deps.now();
  const m: DeliveryMessage = message.exhausted ? { eventId: message.eventId, endpointId: message.endpointId, attempt: 1 } : message;
  if (m.notBeforeMs !== undefined && m.notBeforeMs > now + 500) {
    await deps.queue.send([{ body: m, delaySeconds: Math.min(hopDelaySeconds(m.notBeforeMs, now), (m.notBeforeMs - now) / 1000) }]);
    return 'hop';
  }
  const [event, endpoint] = await Promise.all([deps.store.getEvent(m.eventId), deps.store.getEndpoint(m.endpointId)]);
  if (!event) return 'skipped'; // expired (TTL) or rolled back
  if (message.exhausted) await deps.store.resetDeliveries(event.id, [m.endpointId]);
  if (!endpoint || endpoint.status !== 'active') {
    await deps.store.recordAttempt(event.id, { endpointId: m.endpointId, attempt: m.attempt, at: new Date(now).toISOString(), outcome: 'blocked', latencyMs: 0, error: `endpoint ${endpoint ? endpoint.status : 'deleted'}: not attempted` }, 'skipped');
    return 'skipped';
  }
  const gate = permit(endpoint.breaker, now);
  if (!gate.allowed) {
    await deps.queue.send([{ body: { ...m, notBeforeMs: gate.retryAtMs }, delaySeconds: Math.min(hopDelaySeconds(gate.retryAtMs, now), (gate.retryAtMs - now) / 1000) }]);
    return 'circuit-open';
  }
  if (!(await deps.store.takeRateToken(endpoint.id, now, endpoint.rateLimitPerSecond ?? deps.defaultRateLimitPerSecond))) {
    const at = (Math.floor(now / 1000) + 1) * 1000 + Math.floor(deps.random() * 250);
    await deps.queue.send([{ body: { ...m, notBeforeMs: at }, delaySeconds: (at - now) / 1000 }]);
    return 'rate-limited';
  }

  const at = new Date(now).toISOString();
  let outcome: Attempt['outcome'];
  let statusCode: number | undefined;
  let latencyMs = 0;
  let error: string | undefined;
  let retryAfterSeconds: number | undefined;
  try {
    const target = await resolveSafe(endpoint.url, deps.ssrf, deps.resolve ?? defaultDeliveryResolver);
    const headers = signatureHeaders(event.id, new Date(now), event.body, liveSecrets(endpoint, now, deps.box));
    const r = await deps.send(target, headers, event.body, deps.timeoutMs);
    statusCode = r.statusCode;
    latencyMs = r.latencyMs;
    if (r.statusCode >= 200 && r.statusCode < 300) outcome = 'success';
    else if (r.statusCode === 410) {
      outcome = 'gone';
      error = '410 Gone: endpoint disabled';
    } else {
      outcome = 'failure';
      error = r.statusCode >= 300 && r.statusCode < 400 ? `HTTP ${r.statusCode}: redirects are not followed` : `HTTP ${r.statusCode}`;
      if (SLOW_DOWN.has(r.statusCode)) retryAfterSeconds = parseRetryAfter(r.retryAfter, deps.now());
    }
  } catch (e) {
    if (e instanceof UrlRefused) outcome = 'blocked';
    else outcome = 'failure';
    error = (e as Error).message;
    latencyMs = e instanceof SendError ? e.latencyMs : 0;
  }
  deps.metrics?.attempt(outcome, latencyMs, m.attempt);
  const success = outcome === 'success';

  // Endpoint state: breaker, failing-since, disabling.
  const after = deps.now();
  const patch: { -readonly [K in keyof Omit<EndpointRecord, 'id'>]?: EndpointRecord[K] } = { breaker: recordBreaker(endpoint.breaker, success, after, deps.breaker) };
  if (success) patch.failingSinceMs = undefined;
  else if (endpoint.failingSinceMs === undefined) patch.failingSinceMs = after;
  const failingTooLong = !success && endpoint.failingSinceMs !== undefined && after - endpoint.failingSinceMs >= deps.disableAfterMs;
  if (outcome === 'gone') Object.assign(patch, { status: 'disabled', disabledReason: `receiver answered 410 Gone at ${at}` });
  else if (failingTooLong) Object.assign(patch, { status: 'disabled', disabledReason: `failing continuously since ${new Date(endpoint.failingSinceMs!).toISOString()}` });
  await deps.store.updateEndpoint(endpoint.id, patch);

  const base: Attempt = { endpointId: endpoint.id, attempt: m.attempt, at, outcome, latencyMs: Math.round(latencyMs * 100) / 100, ...(statusCode !== undefined ? { statusCode } : {}), ...(error ? { error } : {}) };
  if (success) {
    await deps.store.recordAttempt(event.id, base, 'succeeded');
    return 'succeeded';
  }
  const delay = outcome === 'gone' || failingTooLong ? null : delayBeforeAttempt(deps.retry, m.attempt + 1, retryAfterSeconds, deps.random());
  if (delay === null) {
    await deps.store.recordAttempt(event.id, base, 'failed');
    // The schedule used up: the message goes to the DLQ (alarmed; a redrive restarts the delivery at attempt 1).
    // A 410 or an endpoint disabled for failing too long ends the delivery without it: the endpoint said so.
    if (outcome !== 'gone' && !failingTooLong) await deps.queue.sendToDeadLetter({ ...m, exhausted: true, reason: `${m.attempt} attempts failed (last: ${error})` });
    return outcome === 'gone' ? 'gone' : 'failed';
  }
  const notBeforeMs = after + delay * 1000;
  await deps.store.recordAttempt(event.id, { ...base, nextAttemptAt: new Date(notBeforeMs).toISOString() });
  await deps.queue.send([{ body: { eventId: m.eventId, endpointId: m.endpointId, attempt: m.attempt + 1, notBeforeMs }, delaySeconds: Math.min(900, delay) }]);
  return 'retry';
}

/** Plain secrets that sign now: the newest, and older ones still in their grace period. */
export function liveSecrets(endpoint: EndpointRecord, nowMs: number, box: SecretBox): string[] {
  return endpoint.secrets.filter((s) => !s.expiresAt || Date.parse(s.expiresAt) > nowMs).map((s) => box.open(s.sealed));
}
