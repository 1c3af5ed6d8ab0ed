/** The Delivery Service core with an injected clock, the in-memory store and a scripted sender (no network). */
import { Webhook } from 'standardwebhooks';
import { processDelivery, type DeliveryDeps } from '../../../lambdas/webhooks/delivery/core';
import { MemoryStore, type EndpointRecord, type EventRecord } from '../../../lambdas/webhooks/shared/store';
import { keyringBox, newKeyring } from '../../../lambdas/webhooks/shared/keyring';
import { generateEndpointSecret } from '../../../lambdas/webhooks/shared/signing';
import type { DeliveryMessage, OutgoingMessage } from '../../../lambdas/webhooks/shared/queue';
import type { SendResult } from '../../../lambdas/webhooks/shared/http-send';
import { SendError } from '../../../lambdas/webhooks/shared/http-send';
import { cachingResolver } from '../../../lambdas/webhooks/shared/ssrf';

function setup(responses: (SendResult | Error)[], opts: { schedule?: number[] } = {}) {
  const start = Math.floor(Date.now() / 1000) * 1000;
  let now = start;
  const store = new MemoryStore();
  const ring = newKeyring(new Date(), null);
  const box = keyringBox(() => ring);
  const secret = generateEndpointSecret();
  const sent: OutgoingMessage[] = [];
  const dead: DeliveryMessage[] = [];
  const requests: { headers: Record<string, string>; body: string }[] = [];
  const deps: DeliveryDeps = {
    store,
    queue: { send: async (m) => void sent.push(...m), sendToDeadLetter: async (m) => void dead.push(m) },
    box,
    send: async (_t, headers, body) => {
      requests.push({ headers: { ...headers }, body });
      const r = responses.shift() ?? { statusCode: 200, latencyMs: 1 };
      if (r instanceof Error) throw r;
      return r;
    },
    resolve: async () => [{ address: '93.184.216.34', family: 4 }],
    retry: { scheduleSeconds: opts.schedule ?? [0, 5, 300, 1800, 7200, 18000, 36000, 36000], jitter: 0, maxRetryAfterSeconds: 86_400 },
    breaker: { windowSeconds: 300, minRequests: 3, failureRatio: 0.7, coolDownSeconds: 60 },
    ssrf: { requireHttps: true, allowAddresses: [] },
    timeoutMs: 1000,
    defaultRateLimitPerSecond: 1000,
    disableAfterMs: 5 * 86_400_000,
    now: () => now,
    random: () => 0.5,
  };
  const endpoint: EndpointRecord = { id: 'ep_1', url: 'https://hooks.example/in', eventTypes: ['a.b'], status: 'active', secrets: [{ sealed: box.seal(secret), createdAt: 'x' }], createdAt: 'x', createdBy: 't' };
  const event: EventRecord = { id: 'evt_1', type: 'a.b', body: '{"type":"a.b","timestamp":"t","data":{}}', createdAt: 't', status: 'pending', deliveries: { ep_1: 'pending' }, attempts: [], pendingCount: 1, failedCount: 0, expiresAt: 0, createdBy: 't' };
  void store.putEndpoint(endpoint);
  void store.createEvent(event);
  return { deps, store, sent, dead, requests, secret, advance: (ms: number) => (now += ms), at: () => now, start };
}

const msg = (attempt = 1, extra: Partial<DeliveryMessage> = {}): DeliveryMessage => ({ eventId: 'evt_1', endpointId: 'ep_1', attempt, ...extra });

test('success: signed (verifies with standardwebhooks), attempt recorded, event delivered', async () => {
  const s = setup([{ statusCode: 204, latencyMs: 3 }]);
  expect(await processDelivery(msg(), s.deps)).toBe('succeeded');
  const r = s.requests[0];
  expect(r.headers['webhook-id']).toBe('evt_1');
  expect(new Webhook(s.secret).verify(r.body, r.headers)).toEqual(JSON.parse(r.body));
  const e = (await s.store.getEvent('evt_1'))!;
  expect(e.status).toBe('delivered');
  expect(e.attempts[0]).toMatchObject({ outcome: 'success', statusCode: 204, attempt: 1 });
});

test('500: retry per schedule; waits over 15 minutes hop without an attempt; exhausted → failed + DLQ', async () => {
  const s = setup(Array.from({ length: 3 }, () => ({ statusCode: 500, latencyMs: 1 })), { schedule: [0, 5, 3600] });
  expect(await processDelivery(msg(1), s.deps)).toBe('retry');
  expect(s.sent[0]).toEqual({ body: { eventId: 'evt_1', endpointId: 'ep_1', attempt: 2, notBeforeMs: s.at() + 5000 }, delaySeconds: 5 });
  s.advance(5000);
  expect(await processDelivery(s.sent[0].body, s.deps)).toBe('retry');
  const third = s.sent[1];
  expect(third.delaySeconds).toBe(900);
  s.advance(900_000);
  expect(await processDelivery(third.body, s.deps)).toBe('hop');
  expect(s.sent[2].delaySeconds).toBe(900);
  expect(s.requests).toHaveLength(2);
  s.advance(2_700_000);
  expect(await processDelivery(third.body, s.deps)).toBe('failed');
  expect(s.dead[0]).toMatchObject({ eventId: 'evt_1', endpointId: 'ep_1', attempt: 3, exhausted: true });
  const e = (await s.store.getEvent('evt_1'))!;
  expect(e.status).toBe('failed');
  expect(e.attempts.map((a) => a.outcome)).toEqual(['failure', 'failure', 'failure']);
  expect(e.attempts[0].nextAttemptAt).toBe(new Date(s.start + 5000).toISOString());
});

test('429 with Retry-After: the next attempt waits what the receiver asked', async () => {
  const s = setup([{ statusCode: 429, retryAfter: '120', latencyMs: 1 }]);
  await processDelivery(msg(), s.deps);
  expect(s.sent[0].body.notBeforeMs).toBe(s.at() + 120_000);
});

test('410 disables the endpoint, no retry, no DLQ; later deliveries are skipped', async () => {
  const s = setup([{ statusCode: 410, latencyMs: 1 }]);
  expect(await processDelivery(msg(), s.deps)).toBe('gone');
  expect((await s.store.getEndpoint('ep_1'))!).toMatchObject({ status: 'disabled' });
  expect(s.sent).toHaveLength(0);
  expect(s.dead).toHaveLength(0);
});

test('an endpoint failing for 5 days is disabled', async () => {
  const s = setup([new SendError('ECONNREFUSED: refused', 1), new SendError('ECONNREFUSED: refused', 1)]);
  await processDelivery(msg(1), s.deps);
  s.advance(5 * 86_400_000);
  expect(await processDelivery(msg(2), s.deps)).toBe('failed');
  expect((await s.store.getEndpoint('ep_1'))!.disabledReason).toMatch(/failing continuously since/);
});

test('circuit breaker: opens after 3 failures, defers without attempting, probe success closes it', async () => {
  const s = setup([{ statusCode: 500, latencyMs: 1 }, { statusCode: 500, latencyMs: 1 }, { statusCode: 500, latencyMs: 1 }, { statusCode: 200, latencyMs: 1 }], { schedule: [0, 1, 1, 1, 1, 1] });
  for (let i = 1; i <= 3; i++) await processDelivery(msg(i), s.deps);
  expect((await s.store.getEndpoint('ep_1'))!.breaker!.state).toBe('open');
  expect(await processDelivery(msg(4), s.deps)).toBe('circuit-open');
  expect(s.requests).toHaveLength(3);
  expect(s.sent[s.sent.length - 1].body.notBeforeMs).toBe(s.at() + 60_000);
  s.advance(60_000);
  expect(await processDelivery(msg(4), s.deps)).toBe('succeeded');
  expect((await s.store.getEndpoint('ep_1'))!.breaker!.state).toBe('closed');
});

test('per-endpoint rate limit defers to the next second', async () => {
  const s = setup([]);
  s.deps = { ...s.deps, defaultRateLimitPerSecond: 1 } as DeliveryDeps;
  await s.store.createEvent({ ...(await s.store.getEvent('evt_1'))!, id: 'evt_2' });
  expect(await processDelivery(msg(), { ...s.deps, defaultRateLimitPerSecond: 1 })).toBe('succeeded');
  expect(await processDelivery({ ...msg(), eventId: 'evt_2' }, { ...s.deps, defaultRateLimitPerSecond: 1 })).toBe('rate-limited');
});

test('a DLQ message redriven restarts at attempt 1', async () => {
  const s = setup([{ statusCode: 200, latencyMs: 1 }]);
  await s.store.recordAttempt('evt_1', { endpointId: 'ep_1', attempt: 8, at: 'x', outcome: 'failure', latencyMs: 1 }, 'failed');
  expect((await s.store.getEvent('evt_1'))!.status).toBe('failed');
  expect(await processDelivery(msg(8, { exhausted: true }), s.deps)).toBe('succeeded');
  const e = (await s.store.getEvent('evt_1'))!;
  expect(e.status).toBe('delivered');
  expect(e.attempts[1]).toMatchObject({ attempt: 1, outcome: 'success' });
});

test('with a cached resolver: the answer is reused for its TTL, and a host that turns private after it is blocked, not sent', async () => {
  const s = setup([]);
  let answer = '93.184.216.34';
  let lookups = 0;
  const resolve = cachingResolver(async () => (lookups++, [{ address: answer, family: 4 }]), { ttlMs: 30_000, now: s.at });
  const targets: string[] = [];
  const deps: DeliveryDeps = { ...s.deps, resolve, send: async (t, h, b, to) => (targets.push(t.address), s.deps.send(t, h, b, to)) };
  for (const id of ['evt_2', 'evt_3']) await s.store.createEvent({ ...(await s.store.getEvent('evt_1'))!, id });
  expect(await processDelivery(msg(), deps)).toBe('succeeded');
  answer = '10.0.0.5';
  s.advance(29_000);
  expect(await processDelivery({ ...msg(), eventId: 'evt_2' }, deps)).toBe('succeeded');
  expect(targets).toEqual(['93.184.216.34', '93.184.216.34']);
  s.advance(1_000);
  expect(await processDelivery({ ...msg(), eventId: 'evt_3' }, deps)).toBe('retry');
  expect(targets).toHaveLength(2);
  expect(lookups).toBe(2);
  expect((await s.store.getEvent('evt_3'))!.attempts[0]).toMatchObject({ outcome: 'blocked', error: expect.stringMatching(/resolves to 10\.0\.0\.5, a private/) });
});
