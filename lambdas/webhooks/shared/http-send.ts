/**
 * Sends one delivery: POST to the checked address (the connection goes to the address the SSRF guard approved; TLS
 * still verifies the URL's host name), keep-alive agents, a hard per-attempt timeout, redirects not followed.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { LookupFunction } from 'node:net';

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

const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64 });
const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64 });

export class SendError extends Error {
  constructor(
    message: string,
    readonly latencyMs: number,
  ) {
    super(message);
    this.name = 'SendError';
  }
}

/** The real sender (keep-alive). `agents: false` opens a new connection per request (the benchmark's naive baseline). */
export function httpSender(options: { readonly keepAlive?: boolean } = {}): Sender {
  const keepAlive = options.keepAlive ?? true;
  return (target, headers, body, timeoutMs) =>
    new Promise<SendResult>((resolve, reject) => {
      const started = performance.now();
      const lookup: LookupFunction = (_host, opts, cb) => {
        if ((opts as { all?: boolean }).all) (cb as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: target.address, family: target.family }]);
        else cb(null, target.address, target.family);
      };
      const isHttps = target.url.protocol === 'https:';
      const payload = Buffer.from(body, 'utf8');
      const req = (isHttps ? https : http).request(target.url, {
        method: 'POST',
        agent: keepAlive ? (isHttps ? httpsAgent : httpAgent) : false,
        lookup,
        headers: { ...headers, 'content-type': 'application/json', 'content-length': String(payload.length), 'user-agent': 'webhooks-delivery/1.0' },
      });
      const timer = setTimeout(() => req.destroy(new SendError(`timeout after ${timeoutMs} ms`, performance.now() - started)), timeoutMs);
      req.on('response', (res) => {
        // Drain (the connection goes back to the pool); the body is not kept.
        res.on('data', () => undefined);
        res.on('end', () => {
          clearTimeout(timer);
          const retryAfter = res.headers['retry-after'];
          resolve({ statusCode: res.statusCode ?? 0, retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter, latencyMs: performance.now() - started });
        });
        res.on('error', (e) => {
          clearTimeout(timer);
          reject(new SendError(e.message, performance.now() - started));
        });
      });
      req.on('error', (e) => {
        clearTimeout(timer);
        reject(e instanceof SendError ? e : new SendError(`${(e as NodeJS.ErrnoException).code ?? 'error'}: ${e.message}`, performance.now() - started));
      });
      req.end(payload);
    });
}
