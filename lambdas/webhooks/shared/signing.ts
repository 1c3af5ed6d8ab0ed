/**
 * Standard Webhooks signatures: HMAC-SHA256 over "{id}.{timestamp}.{body}", header `v1,<base64>`.
 *
 * Signed with node:crypto (OpenSSL) and one KeyObject per secret, kept for the life of the process: the
 * `standardwebhooks` package signs with a pure-JavaScript SHA-256 that costs about 4x as much per delivery. The bytes
 * signed and the header are the spec's, exactly: the tests check every signature against the official
 * `standardwebhooks` package (its `sign` and its `verify`).
 */
import { createHmac, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';

const PREFIX = 'whsec_';

/** whsec_ + base64 of 32 random bytes (the spec allows 24-64). */
export function generateEndpointSecret(): string {
  return `${PREFIX}${randomBytes(32).toString('base64')}`;
}

const keys = new Map<string, KeyObject>();
/** The HMAC key of a `whsec_` secret, imported once per secret. */
function hmacKey(secret: string): KeyObject {
  let k = keys.get(secret);
  if (!k) {
    const raw = Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, 'base64');
    if (raw.length === 0) throw new Error('signing secret: empty after the whsec_ prefix');
    if (keys.size >= 10_000) keys.clear();
    k = createSecretKey(raw);
    keys.set(secret, k);
  }
  return k;
}

/** One `v1,<base64>` signature. */
export function sign(secret: string, msgId: string, timestampSeconds: number, body: string): string {
  return `v1,${createHmac('sha256', hmacKey(secret)).update(`${msgId}.${timestampSeconds}.`, 'utf8').update(body, 'utf8').digest('base64')}`;
}

/**
 * The three headers of a delivery. With several secrets (rotation grace period) the signature header lists one
 * signature per secret, space-separated; receivers accept any that matches.
 */
export function signatureHeaders(msgId: string, timestamp: Date, body: string, secrets: readonly string[]): Record<string, string> {
  if (!secrets.length) throw new Error(`signatureHeaders: no secret to sign message ${msgId}`);
  const ts = Math.floor(timestamp.getTime() / 1000);
  return {
    'webhook-id': msgId,
    'webhook-timestamp': String(ts),
    'webhook-signature': secrets.map((s) => sign(s, msgId, ts, body)).join(' '),
  };
}
