/**
 * Per-endpoint circuit breaker (Convoy's rule): over a window of 5 minutes with at least 10 attempts, 70 % or more
 * failures trip it open; while open, deliveries to the endpoint wait (they are re-scheduled, not attempted, and do not
 * use up retries); after the cool-down one probe goes through (half-open): success closes it, failure re-opens it.
 * Pure: the state lives on the endpoint record and `now` is passed in.
 */
export interface BreakerPolicy {
  readonly windowSeconds: number;
  readonly minRequests: number;
  readonly failureRatio: number;
  readonly coolDownSeconds: number;
}

export const DEFAULT_BREAKER_POLICY: BreakerPolicy = { windowSeconds: 300, minRequests: 10, failureRatio: 0.7, coolDownSeconds: 60 };

export interface BreakerState {
  readonly state: 'closed' | 'open' | 'half-open';
  readonly windowStartMs: number;
  readonly requests: number;
  readonly failures: number;
  /** When open: the earliest time of the probe. */
  readonly openUntilMs: number;
}

export const CLOSED: BreakerState = { state: 'closed', windowStartMs: 0, requests: 0, failures: 0, openUntilMs: 0 };

/** May an attempt go out now? When not, `retryAtMs` says when to try again. A permitted attempt while open is the probe. */
export function permit(s: BreakerState | undefined, nowMs: number): { allowed: true; probe: boolean } | { allowed: false; retryAtMs: number } {
  const st = s ?? CLOSED;
  if (st.state === 'closed') return { allowed: true, probe: false };
  if (nowMs >= st.openUntilMs) return { allowed: true, probe: true };
  return { allowed: false, retryAtMs: st.openUntilMs };
}

/** The state after an attempt's outcome. */
export function record(s: BreakerState | undefined, success: boolean, nowMs: number, p: BreakerPolicy = DEFAULT_BREAKER_POLICY): BreakerState {
  const st = s ?? CLOSED;
  if (st.state !== 'closed') {
    // The probe decides.
    return success ? { ...CLOSED, windowStartMs: nowMs } : { state: 'open', windowStartMs: nowMs, requests: 0, failures: 0, openUntilMs: nowMs + p.coolDownSeconds * 1000 };
  }
  const fresh = nowMs - st.windowStartMs >= p.windowSeconds * 1000;
  const requests = (fresh ? 0 : st.requests) + 1;
  const failures = (fresh ? 0 : st.failures) + (success ? 0 : 1);
  const windowStartMs = fresh ? nowMs : st.windowStartMs;
  if (requests >= p.minRequests && failures / requests >= p.failureRatio) {
    return { state: 'open', windowStartMs: nowMs, requests: 0, failures: 0, openUntilMs: nowMs + p.coolDownSeconds * 1000 };
  }
  return { state: 'closed', windowStartMs, requests, failures, openUntilMs: 0 };
}

/** The state as the API shows it. */
export function visibleState(s: BreakerState | undefined, nowMs: number): 'closed' | 'open' | 'half-open' {
  if (!s || s.state === 'closed') return 'closed';
  return nowMs >= s.openUntilMs ? 'half-open' : 'open';
}
