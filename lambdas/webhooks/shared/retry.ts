/**
 * The retry schedule, as data. Default: Svix's (immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h), i.e. 8
 * attempts over about 27.5 hours. Delays get ±20 % jitter; a receiver's Retry-After (429/502/503/504) raises the next
 * delay to what it asked (capped at maxRetryAfterSeconds).
 *
 * SQS delays stop at 15 minutes: a wait longer than that is scheduled as hops. The message carries `notBefore`; it is
 * sent with DelaySeconds = min(900, wait) and, when received early, re-sent with the remaining wait (at most 900 s
 * per hop; a 10 h wait is 40 hops, each a tiny Lambda invocation that does not count as a delivery attempt).
 */
export const SVIX_SCHEDULE_SECONDS = [0, 5, 300, 1800, 7200, 18000, 36000, 36000] as const;
export const SQS_MAX_DELAY_SECONDS = 900;

export interface RetryPolicy {
  /** Delay before each attempt, seconds; element 0 is the first attempt (normally 0). Length = most attempts. */
  readonly scheduleSeconds: readonly number[];
  /** Jitter as a fraction of the delay (0.2 = ±20 %). */
  readonly jitter: number;
  /** Largest Retry-After honoured, seconds. */
  readonly maxRetryAfterSeconds: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { scheduleSeconds: SVIX_SCHEDULE_SECONDS, jitter: 0.2, maxRetryAfterSeconds: 86_400 };

/**
 * Seconds to wait before attempt `nextAttempt` (1-based; attempt 1 is the first), or null when the schedule is used
 * up. `random` in [0, 1) picks the jitter.
 */
export function delayBeforeAttempt(policy: RetryPolicy, nextAttempt: number, retryAfterSeconds: number | undefined, random: number): number | null {
  if (nextAttempt < 1 || nextAttempt > policy.scheduleSeconds.length) return null;
  const base = policy.scheduleSeconds[nextAttempt - 1];
  const jittered = base * (1 + policy.jitter * (2 * random - 1));
  const asked = retryAfterSeconds === undefined ? 0 : Math.min(retryAfterSeconds, policy.maxRetryAfterSeconds);
  return Math.max(jittered, asked);
}

/** Parses Retry-After (delta seconds or an HTTP date) into seconds from `nowMs`; undefined when absent or invalid. */
export function parseRetryAfter(header: string | undefined, nowMs: number): number | undefined {
  if (!header) return undefined;
  const t = header.trim();
  if (/^\d+$/.test(t)) return Number(t);
  const at = Date.parse(t);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - nowMs) / 1000);
}

/** DelaySeconds of the next hop toward `notBeforeMs` (whole seconds, at most 900). */
export function hopDelaySeconds(notBeforeMs: number, nowMs: number): number {
  return Math.min(SQS_MAX_DELAY_SECONDS, Math.max(0, Math.ceil((notBeforeMs - nowMs) / 1000)));
}

/** Parses "1,2,4" (seconds, decimals allowed) into a schedule with a leading 0 (the first attempt is immediate). */
export function parseSchedule(text: string, where = '--retry-schedule'): number[] {
  const parts = text.split(',').map((s) => s.trim());
  const values = parts.map(Number);
  const bad = parts.find((s, i) => s === '' || !Number.isFinite(values[i]) || values[i] < 0);
  if (bad !== undefined || parts.length > 50) throw new Error(`${where}: received ${JSON.stringify(text)}; expected up to 50 comma-separated delays in seconds, e.g. 1,2,4`);
  return [0, ...values];
}
