/**
 * Sends one delivery with undici: POST to the checked address (the connection goes to the address the SSRF guard
 * approved; TLS still verifies the URL's host name, sent as SNI and Host), a hard per-attempt timeout, redirects not
 * followed, the response body drained and dropped.
 *
 * Connections are reused: one undici Pool per (scheme, checked address, port, host name), so a connection is only
 * ever reused for the address that was checked for this attempt; HTTP/1.1 keep-alive without pipelining (one request
 * per connection at a time: a slow receiver never holds up another delivery queued behind it on its socket).
 */
import { isIP } from 'node:net';
import { Client, Pool, type Dispatcher } from 'undici';

export interface SendTarget {
  readonly url: URL;
  readonly address: string;
  readonly family: number;
}

export interface SendResult {
  readonly statusCode: number;
  readonly retryAfter?: string;
  readonly latencyMs: number;
}

export type Sender = (target: SendTarget, headers: Readonly<Record<string, string>>, body: string, timeoutMs: number) => Promise<SendResult>;

export class SendError extends Error {
  constructor(
    message: string,
    readonly latencyMs: number,
  ) {
    super(message);
    this.name = 'SendError';
  }
}

export interface SenderOptions {
  /**
   * Reuse connections (keep-alive pools). `false` opens a new connection per request and closes it after the
   * response (the benchmark's naive baseline).
   * @default true
   */
  readonly keepAlive?: boolean;
  /** Connections per pool (per checked address, port and host name). @default 64 */
  readonly connectionsPerPool?: number;
  /** Pools kept; beyond this the least recently used pool is closed. @default 256 */
  readonly maxPools?: number;
  /** How long an idle connection is kept, when the receiver sends no Keep-Alive hint. @default 4000 */
  readonly keepAliveTimeoutMs?: number;
}

const USER_AGENT = 'webhooks-delivery/1.0';

/** The real sender (keep-alive pools, see the module comment). */
export function httpSender(options: SenderOptions = {}): Sender {
  const keepAlive = options.keepAlive ?? true;
  const connections = options.connectionsPerPool ?? 64;
  const maxPools = options.maxPools ?? 256;
  const keepAliveTimeout = options.keepAliveTimeoutMs ?? 4_000;
  const pools = new Map<string, Pool>();

  const origin = (target: SendTarget, port: string) => `${target.url.protocol}//${target.family === 6 ? `[${target.address}]` : target.address}:${port}`;
  const poolFor = (target: SendTarget, port: string): Pool => {
    const key = `${origin(target, port)} ${target.url.hostname}`;
    let pool = pools.get(key);
    if (pool) {
      // Most recently used last (Map keeps insertion order).
      pools.delete(key);
      pools.set(key, pool);
      return pool;
    }
    if (pools.size >= maxPools) {
      const [oldestKey, oldest] = pools.entries().next().value!;
      pools.delete(oldestKey);
      void oldest.close().catch(() => undefined);
    }
    pool = new Pool(origin(target, port), { connections, pipelining: 1, keepAliveTimeout });
    pools.set(key, pool);
    return pool;
  };

  return (target, headers, body, timeoutMs) =>
    new Promise<SendResult>((resolve, reject) => {
      const started = performance.now();
      const { url } = target;
      const isHttps = url.protocol === 'https:';
      const port = url.port || (isHttps ? '443' : '80');
      const dispatcher: Dispatcher = keepAlive ? poolFor(target, port) : new Client(origin(target, port), { pipelining: 1 });
      const host = url.hostname.replace(/^\[|\]$/g, '');
      let settled = false;
      let controller: Dispatcher.DispatchController | undefined;
      let statusCode = 0;
      let retryAfter: string | undefined;
      const settle = (error: SendError | undefined) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (!keepAlive) void dispatcher.close().catch(() => undefined);
        if (error) reject(error);
        else resolve({ statusCode, retryAfter, latencyMs: performance.now() - started });
      };
      const timer = setTimeout(() => {
        const error = new SendError(`timeout after ${timeoutMs} ms`, performance.now() - started);
        controller?.abort(error);
        settle(error);
        // Not on a connection yet (still connecting): the client drops the request.
        if (!controller && !keepAlive) void dispatcher.destroy().catch(() => undefined);
      }, timeoutMs);
      const handler: Dispatcher.DispatchHandler = {
        onRequestStart(c) {
          controller = c;
          if (settled) c.abort(new SendError(`timeout after ${timeoutMs} ms`, performance.now() - started));
        },
        onResponseStart(_c, status, responseHeaders) {
          statusCode = status;
          const ra = responseHeaders['retry-after'];
          retryAfter = Array.isArray(ra) ? ra[0] : ra;
        },
        onResponseData() {
          // Drained, not kept.
        },
        onResponseEnd() {
          settle(undefined);
        },
        onResponseError(_c, e) {
          settle(e instanceof SendError ? e : new SendError(`${(e as NodeJS.ErrnoException).code ?? 'error'}: ${e.message}`, performance.now() - started));
        },
      };
      try {
        dispatcher.dispatch(
          {
            origin: origin(target, port),
            path: `${url.pathname}${url.search}`,
            method: 'POST',
            headers: { ...headers, host: url.host, 'content-type': 'application/json', 'user-agent': USER_AGENT },
            body,
            // TLS: SNI and certificate check against the URL's host name, not the address connected to.
            ...(isHttps && !isIP(host) ? { servername: host } : {}),
            headersTimeout: timeoutMs,
            bodyTimeout: timeoutMs,
            reset: !keepAlive,
          },
          handler,
        );
      } catch (e) {
        settle(new SendError(`error: ${(e as Error).message}`, performance.now() - started));
      }
    });
}
