/** Standard Webhooks signatures (the official `standardwebhooks` package): HMAC-SHA256 over "{id}.{timestamp}.{body}". */
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** whsec_ + base64 of 32 random bytes (the spec allows 24-64). */
export function generateEndpointSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

const signers = new Map<string, Webhook>();
function signer(secret: string): Webhook {
  let w = signers.get(secret);
  if (!w) {
    if (signers.size > 10_000) signers.clear();
    w = new Webhook(secret);
    signers.set(secret, w);
  }
  return w;
}

/**
 * The three headers of a delivery. With several secrets (rotation grace period) the signature header lists one
 * signature per secret, space-separated; receivers accept any that matches.
 */
export function signatureHeaders(msgId: string, timestamp: Date, body: string, secrets: readonly string[]): Record<string, string> {
  if (!secrets.length) throw new Error(`signatureHeaders: no secret to sign message ${msgId}`);
  return {
    'webhook-id': msgId,
    'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    'webhook-signature': secrets.map((s) => signer(s).sign(msgId, timestamp, body)).join(' '),
  };
}
