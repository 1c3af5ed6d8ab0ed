/**
 * Local mode end to end: the API on HTTP, dynalite, the SQS stand-in, real loopback receivers (allow-listed) that
 * answer 200, 500, 410, 429 + Retry-After, hang past the timeout, redirect; a host that resolves to a private address.
 * Every delivery is verified with the official `standardwebhooks` package. Short retry schedule: 0.3 s, 0.3 s.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { startLocal, type LocalSystem } from '../../../lambdas/webhooks/local/server';

interface Received {
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly at: number;
}

let system: LocalSystem;
const receivers: http.Server[] = [];
const received = new Map<string, Received[]>();
const behaviour = new Map<string, (n: number, res: http.ServerResponse) => void>();
let base = '';

beforeAll(async () => {
  system = await startLocal({
    retryScheduleSeconds: [0.3, 0.3],
    timeoutMs: 400,
    eventTypes: ['invoice.paid', 'user.created', 'order.shipped'],
    rotationGraceSeconds: 3600,
    log: process.env.WEBHOOKS_TEST_LOG ? { outcome: (id, o) => console.log('outcome', id, o), failed: (id, e) => console.log('failed', id, e.stack) } : undefined,
    // A test resolver: "rebind.test" resolves to loopback when the endpoint is created and to 10.0.0.7 later.
    resolve: async (host) => {
      if (host === 'rebind.test') return [{ address: rebindAddress, family: 4 }];
      if (host === 'private.test') return [{ address: '10.0.0.7', family: 4 }];
      throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    },
  });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const name = (req.url ?? '/').slice(1);
      const list = received.get(name) ?? [];
      list.push({ headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      received.set(name, list);
      const b = behaviour.get(name);
      if (b) b(list.length, res);
      else res.writeHead(200).end('ok');
    });
  });
  receivers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const r of receivers) {
    r.closeAllConnections();
    await new Promise((done) => r.close(done));
  }
  await system?.stop();
});

let rebindAddress = '127.0.0.1';

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, token = system.token) {
  const res = await fetch(`${system.api}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function until<T>(what: string, f: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function endpoint(name: string, types = ['invoice.paid']) {
  const r = await call('POST', '/endpoints', { url: `${base}/${name}`, eventTypes: types });
  expect(r.status).toBe(201);
  return r.body as { id: string; secret: string };
}

const eventDone = (id: string) => until(`event ${id} settled`, async () => {
  const r = await call('GET', `/events/${id}`);
  return r.body.status !== 'pending' ? r.body : undefined;
});

test('200: delivered once, signature verifies with standardwebhooks, attempt recorded', async () => {
  const ep = await endpoint('ok200', ['user.created']);
  const ev = await call('POST', '/events', { type: 'user.created', payload: { user: 'u1' } });
  expect(ev.status).toBe(202);
  const e = await eventDone(ev.body.id);
  expect(e).toMatchObject({ status: 'delivered', payload: { user: 'u1' }, deliveries: { [ep.id]: 'succeeded' } });
  expect(e.attempts[0]).toMatchObject({ endpointId: ep.id, attempt: 1, outcome: 'success', statusCode: 200 });
  const [got] = received.get('ok200')!;
  expect(got.headers['webhook-id']).toBe(ev.body.id);
  expect(new Webhook(ep.secret).verify(got.body, got.headers)).toMatchObject({ type: 'user.created', data: { user: 'u1' } });
});

test('500 every time: attempts per schedule, then failed, in the DLQ, listed with status=failed; redrive restarts it', async () => {
  behaviour.set('fail500', (_n, res) => res.writeHead(500).end());
  const ep = await endpoint('fail500', ['order.shipped']);
  const ev = await call('POST', '/events', { type: 'order.shipped', payload: { o: 1 } });
  const e = await eventDone(ev.body.id);
  expect(e.status).toBe('failed');
  expect(e.attempts.map((a: { attempt: number; statusCode: number }) => [a.attempt, a.statusCode])).toEqual([[1, 500], [2, 500], [3, 500]]);
  const times = received.get('fail500')!.map((r) => r.at);
  expect(times[1] - times[0]).toBeGreaterThanOrEqual(250);
  const dlq = await call('GET', '/_local/dlq');
  expect(dlq.body.messages).toContainEqual(expect.objectContaining({ eventId: ev.body.id, endpointId: ep.id, exhausted: true }));
  const failed = await call('GET', '/events?status=failed');
  expect(failed.body.items.map((i: { id: string }) => i.id)).toContain(ev.body.id);
  behaviour.set('fail500', (_n, res) => res.writeHead(200).end());
  expect((await call('POST', '/_local/dlq/redrive')).body.moved).toBeGreaterThanOrEqual(1);
  await until('redriven delivery', async () => ((await call('GET', `/events/${ev.body.id}`)).body.status === 'delivered' ? true : undefined));
});

test('410 disables the endpoint; 429 + Retry-After is honoured; a hang times out; a redirect is not followed', async () => {
  behaviour.set('gone', (_n, res) => res.writeHead(410).end());
  behaviour.set('slow', (n, res) => (n === 1 ? res.writeHead(429, { 'retry-after': '1' }).end() : res.writeHead(200).end()));
  behaviour.set('hang', (n, res) => (n === 1 ? setTimeout(() => res.writeHead(200).end(), 1500) : res.writeHead(200).end()));
  behaviour.set('redirect', (_n, res) => res.writeHead(302, { location: `${base}/ok-target` }).end());
  const gone = await endpoint('gone');
  const slow = await endpoint('slow');
  const hang = await endpoint('hang');
  const redirect = await endpoint('redirect');
  const ev = await call('POST', '/events', { type: 'invoice.paid', payload: { n: 1 } });
  const e = await eventDone(ev.body.id);
  const by = (id: string) => e.attempts.filter((a: { endpointId: string }) => a.endpointId === id);
  expect(by(gone.id)).toEqual([expect.objectContaining({ outcome: 'gone', statusCode: 410 })]);
  expect((await call('GET', '/endpoints')).body.items.find((x: { id: string }) => x.id === gone.id)).toMatchObject({ status: 'disabled' });
  const slowTimes = received.get('slow')!.map((r) => r.at);
  expect(slowTimes[1] - slowTimes[0]).toBeGreaterThanOrEqual(950);
  expect(by(slow.id).map((a: { statusCode: number }) => a.statusCode)).toEqual([429, 200]);
  expect(by(hang.id)[0]).toMatchObject({ outcome: 'failure', error: 'timeout after 400 ms' });
  expect(by(hang.id)[1]).toMatchObject({ outcome: 'success' });
  expect(by(redirect.id)[0]).toMatchObject({ outcome: 'failure', statusCode: 302, error: 'HTTP 302: redirects are not followed' });
  expect(received.get('ok-target')).toBeUndefined();
  expect(e.deliveries).toMatchObject({ [gone.id]: 'failed', [slow.id]: 'succeeded', [hang.id]: 'succeeded', [redirect.id]: 'failed' });
});

test('private addresses: refused at creation (400 naming url), and at delivery when the host now resolves to one', async () => {
  const bad = await call('POST', '/endpoints', { url: 'http://private.test/hook', eventTypes: ['invoice.paid'] });
  expect(bad).toEqual({ status: 400, body: { error: 'bad_request', message: 'url: host "private.test" resolves to 10.0.0.7, a private, loopback, link-local or reserved address' } });
  const port = new URL(base).port;
  const ep = (await call('POST', '/endpoints', { url: `http://rebind.test:${port}/rebind`, eventTypes: ['order.shipped'] })).body;
  rebindAddress = '10.0.0.7';
  const ev = await call('POST', '/events', { type: 'order.shipped', payload: {} });
  const e = await eventDone(ev.body.id);
  const mine = e.attempts.filter((a: { endpointId: string }) => a.endpointId === ep.id);
  expect(mine[0]).toMatchObject({ outcome: 'blocked', error: expect.stringMatching(/resolves to 10\.0\.0\.7/) });
  expect(received.get('rebind')).toBeUndefined();
  rebindAddress = '127.0.0.1';
});

test('replay re-sends with the same webhook-id; Idempotency-Key returns the first response; another body → 409', async () => {
  await endpoint('replay', ['user.created']);
  const key = { 'idempotency-key': 'order-42' };
  const first = await call('POST', '/events', { type: 'user.created', payload: { k: 42 } }, key);
  const again = await call('POST', '/events', { type: 'user.created', payload: { k: 42 } }, key);
  expect(again).toEqual(first);
  expect((await call('POST', '/events', { type: 'user.created', payload: { k: 43 } }, key)).status).toBe(409);
  await eventDone(first.body.id);
  const replay = await call('POST', `/events/${first.body.id}/replay`);
  expect(replay.status).toBe(202);
  await until('replayed delivery', async () => ((received.get('replay') ?? []).length >= 2 ? true : undefined));
  const ids = received.get('replay')!.map((r) => r.headers['webhook-id']);
  expect(ids).toEqual([first.body.id, first.body.id]);
  expect((await call('POST', '/events/evt_0000000000aaaaaaaaaaaaaaaa/replay')).status).toBe(404);
});

test('rotation: during the grace period both signatures verify', async () => {
  const ep = await endpoint('rotate', ['order.shipped']);
  const rotated = await call('POST', `/endpoints/${ep.id}/rotate-secret`);
  expect(rotated.status).toBe(200);
  expect(rotated.body.secret).not.toBe(ep.secret);
  const ev = await call('POST', '/events', { type: 'order.shipped', payload: { r: 1 } });
  await until('rotated delivery', async () => (received.get('rotate')?.length ? true : undefined));
  const [got] = received.get('rotate')!;
  expect(got.headers['webhook-signature'].split(' ')).toHaveLength(2);
  expect(new Webhook(ep.secret).verify(got.body, got.headers)).toMatchObject({ data: { r: 1 } });
  expect(new Webhook(rotated.body.secret).verify(got.body, got.headers)).toMatchObject({ data: { r: 1 } });
  expect(got.headers['webhook-id']).toBe(ev.body.id);
});

test('JWT: 401 without or with a bad token, 403 for a role without the method', async () => {
  expect(await call('GET', '/events', undefined, {}, 'not-a-token')).toEqual({ status: 401, body: { error: 'unauthorized', message: 'Unauthorized' } });
  const reader = await system.issue({ sub: 'r', role: 'reader' });
  expect((await call('GET', '/events', undefined, {}, reader)).status).toBe(200);
  expect((await call('POST', '/events', { type: 'user.created', payload: {} }, {}, reader)).status).toBe(403);
  const publisher = await system.issue({ sub: 'p', role: 'publisher' });
  expect((await call('POST', '/endpoints', { url: `${base}/x`, eventTypes: ['user.created'] }, {}, publisher)).status).toBe(403);
});

test('bad input: 400 naming the field; nothing stored', async () => {
  const before = (await call('GET', '/events?limit=100')).body.items.length;
  const cases: [unknown, RegExp][] = [
    ['{"type": ', /^body: malformed JSON/],
    [{ type: 'no.such', payload: {} }, /^type: received "no.such"; unknown event type/],
    [{ type: 'user.created', payload: { big: 'x'.repeat(70_000) } }, /^payload: received 70\d{3} bytes of JSON; the limit is 65536/],
    [{ type: 'user.created' }, /^payload: received nothing; required/],
  ];
  for (const [body, message] of cases) {
    const r = await call('POST', '/events', body);
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(message);
  }
  expect((await call('GET', '/events?limit=100')).body.items.length).toBe(before);
  expect((await call('POST', '/endpoints', { url: 'ftp://x.example/h', eventTypes: ['user.created'] })).body.message).toMatch(/^url: received "ftp:\/\/x.example\/h"/);
  expect((await call('POST', '/endpoints', { url: 'https://nx.test/h', eventTypes: ['user.created'] })).body.message).toBe('url: host "nx.test" does not resolve (ENOTFOUND)');
  expect((await call('GET', '/events?limit=0')).body.message).toBe('limit: received "0"; expected a whole number from 1 to 100');
  expect((await call('GET', '/events?status=lost')).status).toBe(400);
  expect((await call('GET', '/nope')).status).toBe(404);
});

test('list: filters and cursor pagination over every event', async () => {
  for (let i = 0; i < 5; i++) await call('POST', '/events', { type: 'invoice.paid', payload: { i } });
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page: { body: { items: { id: string; type: string }[]; nextCursor: string | null } } = await call('GET', `/events?type=invoice.paid&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
    expect(page.body.items.length).toBeLessThanOrEqual(2);
    page.body.items.forEach((i) => expect(i.type).toBe('invoice.paid'));
    seen.push(...page.body.items.map((i) => i.id));
    cursor = page.body.nextCursor;
  } while (cursor);
  expect(new Set(seen).size).toBe(seen.length);
  expect(seen.length).toBeGreaterThanOrEqual(6);
  expect((await call('GET', `/events?limit=2&cursor=${encodeURIComponent('bad!')}`)).body.message).toMatch(/^cursor: received/);
});

test('endpoints: delete is idempotent (204 twice), unknown id 404; deleted endpoints get nothing', async () => {
  const ep = await endpoint('deleted', ['user.created']);
  expect((await call('DELETE', `/endpoints/${ep.id}`)).status).toBe(204);
  expect((await call('DELETE', `/endpoints/${ep.id}`)).status).toBe(204);
  expect((await call('DELETE', '/endpoints/ep_0000000000aaaaaaaaaaaaaaaa')).status).toBe(404);
  expect((await call('GET', '/endpoints')).body.items.map((e: { id: string }) => e.id)).not.toContain(ep.id);
});
