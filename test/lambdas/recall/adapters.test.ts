/**
 * Teams and webhook adapters against a real HTTP receiver on 127.0.0.1 (port 0): 200, 429 with
 * Retry-After, 400 and 413; cards checked with the `adaptivecards` package's parser (its UMD
 * build, parse + validateProperties, no rendering: no DOM is needed for that); non-HTTPS URLs and
 * cards over 28 KB refused before any request; signed webhooks verified with `standardwebhooks`.
 */
import { Webhook } from 'standardwebhooks';
import type { SNSEvent } from 'aws-lambda';
import { startReceiver, type Receiver } from './receiver';
import { recallCard, teamsEnvelope, teamsPayload, TEAMS_MAX_BYTES, CardTooLargeError, checkTeamsSize } from '../../../lambdas/recall/teams-adapter/card';
import { postRecallEventToTeams, postTeamsMessage, workflowsUrlFromSecret } from '../../../lambdas/recall/teams-adapter/core';
import { createTeamsHandler } from '../../../lambdas/recall/teams-adapter/handler';
import { createWebhookHandler } from '../../../lambdas/recall/webhook-adapter/handler';
import { deliverWebhook, webhookTargetFromSecret } from '../../../lambdas/recall/webhook-adapter/core';
import { PermanentDeliveryError, TransientDeliveryError, parseRetryAfter } from '../../../lambdas/recall/shared/http';
import type { RecallEvent } from '../../../lambdas/recall/shared/events';
import { validateAdaptiveCard } from '../../../lambdas/recall/local/card-check';

const EVENT: RecallEvent = {
  eventId: 'evt-1',
  type: 'recall.started',
  recallId: 'R-2026-042',
  title: 'Peanut traces in lot 42 of granola bars',
  product: 'Crunchy Granola 250 g',
  severity: 'critical',
  summary: 'Remove lot 42 from the shelves and confirm on store.<domain>.',
  url: 'https://recall.dev.classifyhub.example.com/recalls/R-2026-042',
  occurredAt: '2026-12-04T14:00:00Z',
  stores: ['Store 1', 'Store 2'],
};

let receiver: Receiver;
const waits: number[] = [];
const fast = { allowLoopbackHttp: true, sleep: async (ms: number) => void waits.push(ms), baseBackoffMs: 1 };

beforeEach(async () => {
  receiver = await startReceiver();
  waits.length = 0;
});
afterEach(() => receiver.close());

function snsEvent(...messages: string[]): SNSEvent {
  return { Records: messages.map((m, i) => ({ EventSource: 'aws:sns', Sns: { Message: m, MessageId: `m-${i}` } })) } as unknown as SNSEvent;
}

describe('Teams adapter', () => {
  test('200: one POST of an Adaptive Card in the Workflows envelope, valid for the adaptivecards parser', async () => {
    const result = await postRecallEventToTeams(receiver.url, EVENT, fast);
    expect(result).toMatchObject({ status: 200, attempts: 1 });
    expect(receiver.requests).toHaveLength(1);
    const req = receiver.requests[0];
    expect(req.method).toBe('POST');
    expect(req.headers['content-type']).toBe('application/json');
    const body = JSON.parse(req.body);
    expect(body.type).toBe('message');
    expect(body.attachments).toHaveLength(1);
    expect(body.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
    const card = body.attachments[0].content;
    expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
    expect(validateAdaptiveCard(card)).toEqual([]);
    expect(JSON.stringify(card)).toContain('R-2026-042');
  });

  test('the parser does catch a broken card (the check can fail)', () => {
    const broken = { ...recallCard(EVENT), body: [{ type: 'TextBlok', text: 'typo' }, { type: 'FactSet' }] };
    expect(validateAdaptiveCard(broken).length).toBeGreaterThan(0);
    expect(validateAdaptiveCard({ ...recallCard(EVENT), version: '9.9' }).length).toBeGreaterThan(0);
  });

  test('429 with Retry-After: waits as asked, then delivers', async () => {
    receiver.script.push({ status: 429, headers: { 'retry-after': '2' } }, { status: 429, headers: { 'retry-after': '1' } });
    const result = await postRecallEventToTeams(receiver.url, EVENT, fast);
    expect(result).toMatchObject({ status: 200, attempts: 3 });
    expect(waits).toEqual([2000, 1000]);
    expect(receiver.requests).toHaveLength(3);
  });

  test('429 with an HTTP-date Retry-After, and a cap on long waits', async () => {
    expect(parseRetryAfter('Fri, 04 Dec 2026 14:00:05 GMT', Date.parse('2026-12-04T14:00:00Z'))).toBe(5000);
    receiver.script.push({ status: 429, headers: { 'retry-after': '3600' } });
    await postRecallEventToTeams(receiver.url, EVENT, { ...fast, maxRetryAfterSeconds: 30 });
    expect(waits).toEqual([30_000]);
  });

  test('429 every time: a transient error after the attempts (Lambda retries the event later)', async () => {
    receiver.fallback = { status: 429, headers: { 'retry-after': '1' } };
    await expect(postRecallEventToTeams(receiver.url, EVENT, { ...fast, maxAttempts: 3 })).rejects.toThrow(TransientDeliveryError);
    expect(receiver.requests).toHaveLength(3);
  });

  test('400 and 413 are refused for good, without retries', async () => {
    receiver.script.push({ status: 400, body: 'Bad payload' });
    await expect(postRecallEventToTeams(receiver.url, EVENT, fast)).rejects.toThrow(new PermanentDeliveryError('refused by the receiver: HTTP 400: Bad payload'));
    receiver.script.push({ status: 413, body: 'Request Entity Too Large' });
    await expect(postRecallEventToTeams(receiver.url, EVENT, fast)).rejects.toThrow('HTTP 413: Request Entity Too Large (payload too large for the receiver)');
    expect(receiver.requests).toHaveLength(2);
  });

  test('a non-HTTPS URL is refused before any request', async () => {
    await expect(postRecallEventToTeams(receiver.url, EVENT)).rejects.toThrow('Teams Workflows URL: only https:// URLs are accepted; received "http://127.0.0.1');
    await expect(postRecallEventToTeams('ftp://example.com/x', EVENT)).rejects.toThrow('only https:// URLs');
    await expect(postRecallEventToTeams('not a url', EVENT)).rejects.toThrow('Teams Workflows URL: not a URL: "not a url"');
    expect(receiver.requests).toHaveLength(0);
  });

  test('28 KB: long events are trimmed to fit; a card that cannot fit is refused before any request', async () => {
    const big = { ...EVENT, summary: 'x'.repeat(19_000), stores: Array.from({ length: 3000 }, (_, i) => `Store number ${i}`) };
    const text = teamsPayload(big);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(TEAMS_MAX_BYTES);
    expect(validateAdaptiveCard(JSON.parse(text).attachments[0].content)).toEqual([]);
    const huge = teamsEnvelope({ ...recallCard(EVENT), body: [{ type: 'TextBlock', text: 'y'.repeat(30_000) }] });
    expect(() => checkTeamsSize(huge)).toThrow(CardTooLargeError);
    await expect(postTeamsMessage(receiver.url, huge, fast)).rejects.toThrow(/Teams card is 30\d{3} bytes; Teams Workflows accept at most 28672 bytes \(28 KB\)/);
    expect(receiver.requests).toHaveLength(0);
  });

  test('the Workflows URL from the secret: JSON {"url"} or bare', () => {
    expect(workflowsUrlFromSecret('{"url":"https://prod-01.westeurope.logic.azure.com/workflows/abc"}')).toBe('https://prod-01.westeurope.logic.azure.com/workflows/abc');
    expect(workflowsUrlFromSecret(' https://x.example.com/w \n')).toBe('https://x.example.com/w');
    expect(() => workflowsUrlFromSecret('{"href":"x"}')).toThrow('Teams secret: expected {"url": "https://..."}');
  });

  test('handler: a bad event and a 413 go to the DLQ with their reasons, the good one is delivered', async () => {
    const dead: { body: string; reason: string }[] = [];
    receiver.script.push({ status: 200 }, { status: 413, body: 'too large' });
    const handler = createTeamsHandler(async () => ({ url: receiver.url, deadLetters: { put: async (body, reason) => void dead.push({ body, reason }) }, post: fast }));
    const out = await handler(snsEvent(JSON.stringify(EVENT), '{"eventId":"x"}', JSON.stringify({ ...EVENT, eventId: 'evt-2' })));
    expect(out).toEqual({ delivered: 1, deadLettered: 2, failed: 0 });
    expect(dead[0].reason).toMatch(/^not a valid recall event: type: /);
    expect(dead[1].reason).toBe('PermanentDeliveryError: refused by the receiver: HTTP 413: too large (payload too large for the receiver)');
  });

  test('handler: a transient failure fails the invocation (Lambda retries, then its on-failure queue)', async () => {
    receiver.fallback = { status: 503 };
    const handler = createTeamsHandler(async () => ({ url: receiver.url, deadLetters: { put: async () => undefined }, post: { ...fast, maxAttempts: 2 } }));
    await expect(handler(snsEvent(JSON.stringify(EVENT)))).rejects.toThrow('delivery failed for 1 event(s), retrying: evt-1: gave up after 2 attempts: HTTP 503');
  });
});

describe('webhook adapter', () => {
  const secret = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;

  test('signed with Standard Webhooks headers the receiver can verify', async () => {
    const target = { url: receiver.url, signingSecret: secret };
    await deliverWebhook(target, EVENT, fast);
    const req = receiver.requests[0];
    const verified = new Webhook(secret).verify(req.body, { 'webhook-id': req.headers['webhook-id'] as string, 'webhook-timestamp': req.headers['webhook-timestamp'] as string, 'webhook-signature': req.headers['webhook-signature'] as string });
    expect(verified).toMatchObject({ type: 'recall.started', data: { recallId: 'R-2026-042' } });
    expect(() => new Webhook(secret).verify(req.body.replace('R-2026-042', 'R-2026-043'), req.headers as Record<string, string>)).toThrow();
  });

  test('429 Retry-After honoured; 400 to the DLQ through the handler', async () => {
    receiver.script.push({ status: 429, headers: { 'retry-after': '1' } }, { status: 200 }, { status: 400, body: 'no' });
    const dead: string[] = [];
    const handler = createWebhookHandler(async () => ({ target: { url: receiver.url, signingSecret: secret }, deadLetters: { put: async (_b, r) => void dead.push(r) }, post: fast }));
    const out = await handler(snsEvent(JSON.stringify(EVENT), JSON.stringify({ ...EVENT, eventId: 'evt-3' })));
    expect(out).toEqual({ delivered: 1, deadLettered: 1, failed: 0 });
    expect(waits).toEqual([1000]);
    expect(dead).toEqual(['PermanentDeliveryError: refused by the receiver: HTTP 400: no']);
  });

  test('the secret must name an https URL and a whsec_ key', async () => {
    expect(() => webhookTargetFromSecret('{"url":"https://x"}')).toThrow('received keys ["url"]');
    await expect(deliverWebhook({ url: 'http://example.com/hook', signingSecret: secret }, EVENT)).rejects.toThrow('webhook URL: only https:// URLs are accepted');
  });
});
