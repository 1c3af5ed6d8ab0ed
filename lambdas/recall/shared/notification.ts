/**
 * The notification message the backend servers put on the priority queues (seed 000 section 6)
 * and the Notification Poller sends (section 7). One message = one notification to one recipient
 * over one channel; `notificationId` is the idempotency key (no second send on redelivery).
 */
import { z } from 'zod';

/** The three queues, most urgent first. */
export const PRIORITIES = ['high', 'medium', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const CHANNELS = ['email', 'sms', 'push'] as const;
export type Channel = (typeof CHANNELS)[number];

const E164 = /^\+[1-9]\d{6,14}$/;

const base = {
  /** Unique per notification (e.g. "<recallId>:<storeId>:<channel>"); 1-128 of [A-Za-z0-9:._-]. */
  notificationId: z.string().regex(/^[A-Za-z0-9:._-]{1,128}$/, 'notificationId: 1-128 characters of [A-Za-z0-9:._-]'),
  recallId: z.string().min(1).max(64),
  /** Optional: when present it must name the queue the message came from. */
  priority: z.enum(PRIORITIES).optional(),
  subject: z.string().min(1).max(200),
  message: z.string().min(1).max(10_000),
};

export const notificationSchema = z.discriminatedUnion('channel', [
  z.object({ ...base, channel: z.literal('email'), recipient: z.object({ email: z.string().email() }).strict() }).strict(),
  z.object({ ...base, channel: z.literal('sms'), recipient: z.object({ phoneNumber: z.string().regex(E164, 'an E.164 number such as +14155550100') }).strict(), message: z.string().min(1).max(1600) }).strict(),
  z.object({ ...base, channel: z.literal('push'), recipient: z.object({ endpointArn: z.string().regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:endpoint\/.+$/, 'an SNS platform endpoint ARN') }).strict() }).strict(),
]);

export type Notification = z.output<typeof notificationSchema>;

export type ParseResult = { ok: true; notification: Notification } | { ok: false; reason: string };

/** Parses a queue message body; a bad one yields a reason naming the field and the value received. */
export function parseNotification(body: string, queue: Priority): ParseResult {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch (err) {
    return { ok: false, reason: `body is not JSON (${(err as Error).message}); received ${preview(body)}` };
  }
  const parsed = notificationSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}${receivedAt(raw, i.path)}`);
    return { ok: false, reason: `not a valid notification: ${issues.join('; ')}` };
  }
  if (parsed.data.priority && parsed.data.priority !== queue) {
    return { ok: false, reason: `priority: the message says "${parsed.data.priority}" but came from the ${queue} queue` };
  }
  return { ok: true, notification: parsed.data };
}

function receivedAt(raw: unknown, path: readonly (string | number)[]): string {
  let cur: unknown = raw;
  for (const key of path) cur = cur && typeof cur === 'object' ? (cur as Record<string | number, unknown>)[key] : undefined;
  return cur === undefined ? ' (missing)' : ` (received ${preview(JSON.stringify(cur))})`;
}

function preview(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
