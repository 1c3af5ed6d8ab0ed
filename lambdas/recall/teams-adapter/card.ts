/**
 * The Microsoft Teams message of a recall event: an Adaptive Card (schema 1.5) in the envelope
 * Teams Workflows webhooks take:
 *   {"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive","content":{...}}]}
 * Teams refuses payloads over 28 KB; `teamsPayload` trims the summary and the store list to fit
 * and refuses a card that still does not (CardTooLargeError), before any request is made.
 */
import type { RecallEvent } from '../shared/events';

/** Teams' limit on a webhook message, bytes (UTF-8 of the whole JSON payload). */
export const TEAMS_MAX_BYTES = 28 * 1024;
export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';
export const ADAPTIVE_CARD_VERSION = '1.5';

export class CardTooLargeError extends Error {
  constructor(readonly bytes: number) {
    super(`Teams card is ${bytes} bytes; Teams Workflows accept at most ${TEAMS_MAX_BYTES} bytes (28 KB)`);
    this.name = 'CardTooLargeError';
  }
}

const TITLES: Record<RecallEvent['type'], string> = {
  'recall.started': 'Recall started',
  'recall.updated': 'Recall updated',
  'recall.acknowledged': 'Recall acknowledged by a store',
  'recall.closed': 'Recall closed',
};

const COLOR: Record<RecallEvent['severity'], string> = { critical: 'Attention', high: 'Attention', medium: 'Warning', low: 'Default' };

export interface TeamsMessage {
  readonly type: 'message';
  readonly attachments: readonly { readonly contentType: string; readonly contentUrl: null; readonly content: Record<string, unknown> }[];
}

/** The Adaptive Card of an event (plain JSON). */
export function recallCard(event: RecallEvent, options: { summaryChars?: number; storeNames?: number } = {}): Record<string, unknown> {
  const summary = options.summaryChars !== undefined && event.summary.length > options.summaryChars ? `${event.summary.slice(0, options.summaryChars)}…` : event.summary;
  const stores = event.stores ?? [];
  const shown = stores.slice(0, options.storeNames ?? 20);
  const facts = [
    { title: 'Recall', value: event.recallId },
    { title: 'Product', value: event.product },
    { title: 'Severity', value: event.severity.toUpperCase() },
    { title: 'When', value: event.occurredAt },
    ...(event.store ? [{ title: 'Store', value: event.store }] : []),
    ...(stores.length ? [{ title: 'Stores', value: `${stores.length}: ${shown.join(', ')}${shown.length < stores.length ? ', …' : ''}` }] : []),
  ];
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: ADAPTIVE_CARD_VERSION,
    msteams: { width: 'Full' },
    body: [
      { type: 'TextBlock', text: TITLES[event.type], size: 'Medium', weight: 'Bolder', color: COLOR[event.severity], wrap: true },
      { type: 'TextBlock', text: event.title, weight: 'Bolder', wrap: true },
      ...(summary ? [{ type: 'TextBlock', text: summary, wrap: true }] : []),
      { type: 'FactSet', facts },
    ],
    actions: [{ type: 'Action.OpenUrl', title: 'Open the recall', url: event.url }],
  };
}

export function teamsEnvelope(card: Record<string, unknown>): TeamsMessage {
  return { type: 'message', attachments: [{ contentType: ADAPTIVE_CARD_CONTENT_TYPE, contentUrl: null, content: card }] };
}

export function payloadBytes(message: TeamsMessage): number {
  return Buffer.byteLength(JSON.stringify(message), 'utf8');
}

/** Refuses a payload over 28 KB. */
export function checkTeamsSize(message: TeamsMessage): string {
  const text = JSON.stringify(message);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > TEAMS_MAX_BYTES) throw new CardTooLargeError(bytes);
  return text;
}

/**
 * The payload of an event, at most 28 KB: full card if it fits, else the summary trimmed and the
 * store list shortened step by step; CardTooLargeError if even the smallest form is too big.
 */
export function teamsPayload(event: RecallEvent): string {
  const attempts: { summaryChars?: number; storeNames?: number }[] = [{}, { summaryChars: 4000, storeNames: 20 }, { summaryChars: 1000, storeNames: 5 }, { summaryChars: 200, storeNames: 0 }];
  let last: CardTooLargeError | undefined;
  for (const a of attempts) {
    try {
      return checkTeamsSize(teamsEnvelope(recallCard(event, a)));
    } catch (err) {
      if (!(err instanceof CardTooLargeError)) throw err;
      last = err;
    }
  }
  throw last!;
}
