/**
 * Outbound HTTPS POST of the adapters, with the retry rules third-party endpoints need:
 * 429 waits for Retry-After (seconds or an HTTP date, capped), 5xx and network errors back off
 * exponentially, other 4xx are refused for good (PermanentDeliveryError). Only https:// URLs.
 */

/** A delivery that retrying cannot fix (bad URL, payload too large, 4xx other than 429). */
export class PermanentDeliveryError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
    this.name = 'PermanentDeliveryError';
  }
}

/** Retries ran out (429/5xx/network); the caller's retry (Lambda async retries) may try later. */
export class TransientDeliveryError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
    this.name = 'TransientDeliveryError';
  }
}

export interface PostOptions {
  /** Extra request headers. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Attempts in all (first + retries). @default 4 */
  readonly maxAttempts?: number;
  /** Longest wait honoured for one Retry-After, seconds; longer asks are capped. @default 30 */
  readonly maxRetryAfterSeconds?: number;
  /** First back-off for 5xx/network errors, ms (doubles). @default 500 */
  readonly baseBackoffMs?: number;
  /** Per-attempt timeout, ms. @default 10000 */
  readonly timeoutMs?: number;
  /** Waits (injectable for tests). @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Allow http:// to 127.0.0.1 (tests and local mode only). @default false */
  readonly allowLoopbackHttp?: boolean;
  /** Clock for HTTP-date Retry-After values. @default Date.now */
  readonly now?: () => number;
}

export interface PostResult {
  readonly status: number;
  readonly attempts: number;
  /** Waits asked for by the server (Retry-After) or back-off, ms, in order. */
  readonly waitsMs: readonly number[];
  readonly body: string;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Refuses anything but https:// (and, when allowed, http:// on a loopback address). */
export function checkDeliveryUrl(url: string, what: string, allowLoopbackHttp = false): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new PermanentDeliveryError(`${what}: not a URL: ${JSON.stringify(url.slice(0, 120))}`);
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname);
  if (parsed.protocol !== 'https:' && !(allowLoopbackHttp && loopback && parsed.protocol === 'http:')) {
    throw new PermanentDeliveryError(`${what}: only https:// URLs are accepted; received ${JSON.stringify(`${parsed.protocol}//${parsed.host}${parsed.pathname.slice(0, 40)}`)}`);
  }
  return parsed;
}

/** Seconds (integer) or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export async function postJson(url: string, payload: string, options: PostOptions = {}): Promise<PostResult> {
  const maxAttempts = options.maxAttempts ?? 4;
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? Date.now;
  const capMs = (options.maxRetryAfterSeconds ?? 30) * 1000;
  const base = options.baseBackoffMs ?? 500;
  const waits: number[] = [];
  let last = '';
  let lastStatus: number | undefined;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(options.headers ?? {}) },
        body: payload,
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        redirect: 'error',
      });
    } catch (err) {
      last = `network error: ${(err as Error).message}`;
      lastStatus = undefined;
      if (attempt < maxAttempts) {
        const wait = base * 2 ** (attempt - 1);
        waits.push(wait);
        await sleep(wait);
      }
      continue;
    }
    const body = await response.text();
    if (response.ok) return { status: response.status, attempts: attempt, waitsMs: waits, body };
    lastStatus = response.status;
    last = `HTTP ${response.status}${body ? `: ${body.slice(0, 300)}` : ''}`;
    if (response.status === 429) {
      const asked = parseRetryAfter(response.headers.get('retry-after'), now());
      const wait = Math.min(asked ?? base * 2 ** (attempt - 1), capMs);
      if (attempt < maxAttempts) {
        waits.push(wait);
        await sleep(wait);
      }
      continue;
    }
    if (response.status >= 500) {
      if (attempt < maxAttempts) {
        const wait = base * 2 ** (attempt - 1);
        waits.push(wait);
        await sleep(wait);
      }
      continue;
    }
    const hint = response.status === 413 ? ' (payload too large for the receiver)' : '';
    throw new PermanentDeliveryError(`refused by the receiver: ${last}${hint}`, response.status);
  }
  throw new TransientDeliveryError(`gave up after ${maxAttempts} attempts: ${last}`, lastStatus);
}
