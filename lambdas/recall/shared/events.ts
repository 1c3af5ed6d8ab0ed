/**
 * Events of the recall-events SNS topic (seed 000 section 8): the backend publishes one per
 * change of a recall; the Teams and webhook adapters forward them to third parties.
 */
import { z } from 'zod';

export const RECALL_EVENT_TYPES = ['recall.started', 'recall.updated', 'recall.acknowledged', 'recall.closed'] as const;
export type RecallEventType = (typeof RECALL_EVENT_TYPES)[number];

export const recallEventSchema = z
  .object({
    /** Unique per event; the webhook id and the idempotency key of deliveries. */
    eventId: z.string().regex(/^[A-Za-z0-9:._-]{1,128}$/),
    type: z.enum(RECALL_EVENT_TYPES),
    recallId: z.string().min(1).max(64),
    title: z.string().min(1).max(300),
    product: z.string().min(1).max(300),
    severity: z.enum(['critical', 'high', 'medium', 'low']),
    summary: z.string().max(20_000).default(''),
    /** Link to the recall on recall.<domain> (https). */
    url: z.string().url().refine((u) => u.startsWith('https://'), 'an https:// URL'),
    occurredAt: z.string().datetime({ offset: true }),
    /** Store that acknowledged (recall.acknowledged). */
    store: z.string().max(200).optional(),
    /** Stores affected (shown as a count and the first few names). */
    stores: z.array(z.string().max(200)).max(10_000).optional(),
  })
  .strict();

export type RecallEvent = z.output<typeof recallEventSchema>;

export function parseRecallEvent(text: string): { ok: true; event: RecallEvent } | { ok: false; reason: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `event is not JSON (${(err as Error).message})` };
  }
  const parsed = recallEventSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: `not a valid recall event: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`).join('; ')}` };
  return { ok: true, event: parsed.data };
}
