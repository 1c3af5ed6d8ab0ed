/** The production sender (undici) against a real receiver on 127.0.0.1: pinned address, keep-alive reuse, timeouts. */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { httpSender, SendError, type SendTarget } from '../../../lambdas/webhooks/shared/http-send';

type Behaviour = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

let server: http.Server;
let port = 0;
let behaviour: Behaviour = (_req, res) => res.writeHead(200).end('ok');
const seen: { host?: string; headers: http.IncomingHttpHeaders; body: string; socket: Socket }[] = [];
const connections = new Set<Socket>();
let connectionCount = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => {
      seen.push({ host: req.headers.host, headers: req.headers, body, socket: req.socket });
      behaviour(req, res, body);
    });
  });
  server.on('connection', (s: Socket) => {
    connectionCount++;
    connections.add(s);
    s.on('close', () => connections.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  for (const s of connections) s.destroy();
  await new Promise((r) => server.close(r));
});

beforeEach(() => {
  seen.length = 0;
  connectionCount = 0;
  behaviour = (_req, res) => res.writeHead(200).end('ok');
});

/** A URL whose host name does not resolve: the request can only get there through the checked address. */
const target = (path = '/in'): SendTarget => ({ url: new URL(`http://receiver.invalid:${port}${path}`), address: '127.0.0.1', family: 4 });
const signed = { 'webhook-id': 'evt_1', 'webhook-timestamp': '1700000000', 'webhook-signature': 'v1,abc' };

test('connects to the checked address; Host, signature headers and body arrive as sent', async () => {
  const send = httpSender();
  const r = await send(target('/in?x=1'), signed, '{"a":"Zoë"}', 2000);
  expect(r).toMatchObject({ statusCode: 200 });
  expect(r.latencyMs).toBeGreaterThan(0);
  expect(seen[0]).toMatchObject({ host: `receiver.invalid:${port}`, body: '{"a":"Zoë"}' });
  expect(seen[0].headers).toMatchObject({ ...signed, 'content-type': 'application/json', 'user-agent': 'webhooks-delivery/1.0', 'content-length': String(Buffer.byteLength('{"a":"Zoë"}')) });
});

test('keep-alive: sequential and concurrent deliveries reuse connections; keepAlive false opens one per request', async () => {
  const send = httpSender({ connectionsPerPool: 4 });
  // undici frees a connection just after the response callback, so a loop may use a second one; never one per request.
  for (let i = 0; i < 10; i++) expect((await send(target(), signed, '{}', 2000)).statusCode).toBe(200);
  expect(connectionCount).toBeLessThanOrEqual(2);
  await Promise.all(Array.from({ length: 20 }, () => send(target(), signed, '{}', 2000)));
  expect(connectionCount).toBeLessThanOrEqual(4);
  connectionCount = 0;
  const naive = httpSender({ keepAlive: false });
  for (let i = 0; i < 3; i++) expect((await naive(target(), signed, '{}', 2000)).statusCode).toBe(200);
  expect(connectionCount).toBe(3);
  expect(seen.slice(-3).map((s) => s.headers.connection)).toEqual(['close', 'close', 'close']);
});

test('status and Retry-After come back; a redirect is not followed; the body is drained', async () => {
  const send = httpSender();
  behaviour = (_req, res) => res.writeHead(429, { 'retry-after': '30' }).end('x'.repeat(100_000));
  expect(await send(target(), signed, '{}', 2000)).toMatchObject({ statusCode: 429, retryAfter: '30' });
  behaviour = (_req, res) => res.writeHead(302, { location: `http://127.0.0.1:${port}/elsewhere` }).end();
  expect(await send(target(), signed, '{}', 2000)).toMatchObject({ statusCode: 302 });
  expect(seen.map((s) => s.headers.host)).toEqual([`receiver.invalid:${port}`, `receiver.invalid:${port}`]);
});

test('a receiver that hangs: SendError after the timeout, and its connection is dropped', async () => {
  const send = httpSender();
  behaviour = () => undefined;
  const started = Date.now();
  const e = await send(target(), signed, '{}', 300).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(SendError);
  expect((e as SendError).message).toBe('timeout after 300 ms');
  expect((e as SendError).latencyMs).toBeGreaterThanOrEqual(290);
  expect(Date.now() - started).toBeLessThan(2000);
  await new Promise((r) => setTimeout(r, 50));
  expect(seen[0].socket.destroyed).toBe(true);
  // The next delivery still goes out, on a new connection.
  behaviour = (_req, res) => res.writeHead(204).end();
  expect((await send(target(), signed, '{}', 2000)).statusCode).toBe(204);
});

test('nothing listening: SendError naming the cause', async () => {
  const probe = http.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const closedPort = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
  const e = await httpSender()({ url: new URL(`http://receiver.invalid:${closedPort}/in`), address: '127.0.0.1', family: 4 }, signed, '{}', 2000).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(SendError);
  expect((e as SendError).message).toMatch(/ECONNREFUSED/);
});
