/**
 * Generic outbound webhook: the recall event as JSON, signed the Standard Webhooks way
 * (webhook-id, webhook-timestamp, webhook-signature: v1,<HMAC-SHA256>) with the `standardwebhooks`
 * package, POSTed to an https:// URL with the shared retry rules (429 Retry-After, 5xx back-off).
 */
import { Webhook } from 'standardwebhooks';
import type { RecallEvent } from '../shared/events';
import { checkDeliveryUrl, postJson, PermanentDeliveryError, type PostOptions, type PostResult } from '../shared/http';

/** Largest body sent, bytes (receivers commonly cap requests near 256 KB). */
export const WEBHOOK_MAX_BYTES = 256 * 1024;

export interface WebhookTarget {
  readonly url: string;
  /** "whsec_<base64>" (Standard Webhooks secret). */
  readonly signingSecret: string;
}

/** The secret's JSON: {"url": "https://...", "signingSecret": "whsec_..."}. */
export function webhookTargetFromSecret(secret: string): WebhookTarget {
  let parsed: { url?: unknown; signingSecret?: unknown };
  try {
    parsed = JSON.parse(secret) as typeof parsed;
  } catch {
    throw new Error('webhook secret: expected JSON {"url": "https://...", "signingSecret": "whsec_..."}');
  }
  if (typeof parsed.url !== 'string' || typeof parsed.signingSecret !== 'string' || !parsed.signingSecret.startsWith('whsec_')) {
    throw new Error(`webhook secret: expected {"url": string, "signingSecret": "whsec_..."}; received keys ${JSON.stringify(Object.keys(parsed))}`);
  }
  return { url: parsed.url, signingSecret: parsed.signingSecret };
}

export function signedRequest(target: WebhookTarget, event: RecallEvent, nowMs: number): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify({ type: event.type, timestamp: event.occurredAt, data: event });
  const bytes = Buffer.byteLength(body, 'utf8');
  if (bytes > WEBHOOK_MAX_BYTES) throw new PermanentDeliveryError(`webhook body is ${bytes} bytes; the limit is ${WEBHOOK_MAX_BYTES}`);
  const timestamp = new Date(Math.floor(nowMs / 1000) * 1000);
  const signature = new Webhook(target.signingSecret).sign(event.eventId, timestamp, body);
  return {
    body,
    headers: { 'webhook-id': event.eventId, 'webhook-timestamp': String(Math.floor(nowMs / 1000)), 'webhook-signature': signature },
  };
}

export async function deliverWebhook(target: WebhookTarget, event: RecallEvent, options: PostOptions = {}): Promise<PostResult> {
  checkDeliveryUrl(target.url, 'webhook URL', options.allowLoopbackHttp);
  const req = signedRequest(target, event, (options.now ?? Date.now)());
  return postJson(target.url, req.body, { ...options, headers: { ...(options.headers ?? {}), ...req.headers } });
}
