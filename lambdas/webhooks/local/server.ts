/**
 * Local mode: the webhooks API on HTTP with the real cores and handlers' shared code, DynamoDB on dynalite (started in
 * this process), the delivery queue on the SQS stand-in (sqs-standin.ts) polled into the Delivery Service's batch
 * code, deliveries to real URLs. Loopback receivers are reachable only through the explicit allow-list
 * (`allowAddresses`); a deployed stack has none.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { documentClient } from '../../lib/aws';
import { authorize } from '../auth/core';
import { issueToken, type Principal } from '../shared/auth';
import { errorResponse, runApi, type RouteCore } from '../shared/api';
import { DEFAULT_BREAKER_POLICY, type BreakerPolicy } from '../shared/breaker';
import { SETTINGS } from '../shared/config';
import type { Resolver } from '../shared/ssrf';
import type { ApiDeps } from '../shared/deps';
import { DynamoStore } from '../shared/dynamo-store';
import { ApiError } from '../shared/errors';
import { httpSender } from '../shared/http-send';
import { keyringBox, newKeyring } from '../shared/keyring';
import type { DeliveryMessage, OutgoingMessage, QueuePort } from '../shared/queue';
import { matchRoute, type ApiFunction } from '../shared/routes';
import { ENDPOINTS_TABLE, EVENTS_TABLE } from '../shared/tables';
import type { DeliveryDeps } from '../delivery/core';
import { handleBatch, type BatchLog } from '../delivery/batch';
import { endpointsCore } from '../endpoints/core';
import { createEventCore } from '../create-event/core';
import { listEventsCore } from '../list-events/core';
import { getEventCore } from '../get-event/core';
import { replayEventCore } from '../replay-event/core';
import { LocalQueue } from './sqs-standin';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (opts: Record<string, number>) => http.Server;

export interface LocalOptions {
  /** API port on 127.0.0.1. @default 0 (random) */
  readonly port?: number;
  /** Delays before attempts 2, 3, ... in seconds (decimals allowed). @default Svix's schedule */
  readonly retryScheduleSeconds?: readonly number[];
  /** Addresses deliveries may go to although private/loopback. @default ['127.0.0.1', '::1'] */
  readonly allowAddresses?: readonly string[];
  /** @default 15000 */
  readonly timeoutMs?: number;
  /** Known event types; null accepts any. @default null */
  readonly eventTypes?: readonly string[] | null;
  /** @default 86400 */
  readonly rotationGraceSeconds?: number;
  /** @default Convoy's rule (10 requests, 70 %, 5 min; 60 s cool-down) */
  readonly breaker?: BreakerPolicy;
  /** @default 30 */
  readonly visibilityTimeoutSeconds?: number;
  /** @default 5 */
  readonly maxReceiveCount?: number;
  /** @default 0 (no jitter: the local schedule is what you asked) */
  readonly jitter?: number;
  /** @default 50 */
  readonly defaultRateLimitPerSecond?: number;
  /** @default 65536 */
  readonly maxPayloadBytes?: number;
  /** DNS resolver of the SSRF guard (tests simulate hosts resolving to private addresses). @default the system's */
  readonly resolve?: Resolver;
  /** Called with each delivery's outcome and each failed message (main.ts prints them). @default none */
  readonly log?: BatchLog;
}

export interface LocalSystem {
  readonly api: string;
  readonly token: string;
  /** A token for another role or client (tests). */
  issue(principal: Principal, ttlSeconds?: number): Promise<string>;
  readonly queue: LocalQueue;
  readonly deadLetterQueue: LocalQueue;
  readonly store: DynamoStore;
  readonly dynamoEndpoint: string;
  stop(): Promise<void>;
}

const CORES: Record<ApiFunction, (deps: ApiDeps) => RouteCore> = {
  endpoints: (d) => (req) => endpointsCore(req, d),
  'create-event': (d) => (req) => createEventCore(req, d),
  'list-events': (d) => (req) => listEventsCore(req, d),
  'get-event': (d) => (req) => getEventCore(req, d),
  'replay-event': (d) => (req) => replayEventCore(req, d),
};

const ISSUER = 'webhooks-local';
const AUDIENCE = 'webhooks-api';
const listen = (server: http.Server, port: number) => new Promise<number>((resolve, reject) => {
  server.once('error', reject);
  server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
});
const close = (server: http.Server) => new Promise<void>((resolve) => {
  server.closeAllConnections?.();
  server.close(() => resolve());
});

export async function startLocal(options: LocalOptions = {}): Promise<LocalSystem> {
  const dynamo = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const dynamoPort = await listen(dynamo, 0);
  const dynamoEndpoint = `http://127.0.0.1:${dynamoPort}`;
  const ddb = new DynamoDBClient({ endpoint: dynamoEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const tables = { events: 'webhooks-local-events', endpoints: 'webhooks-local-endpoints' };
  await ddb.send(new CreateTableCommand({
    TableName: tables.events,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }, { AttributeName: 'kind', AttributeType: 'S' }, { AttributeName: 'type', AttributeType: 'S' }, { AttributeName: 'status', AttributeType: 'S' }, { AttributeName: 'createdAt', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: EVENTS_TABLE.partitionKey.name, KeyType: 'HASH' }],
    GlobalSecondaryIndexes: EVENTS_TABLE.indexes.map((i) => ({ IndexName: i.indexName, KeySchema: [{ AttributeName: i.partitionKey.name, KeyType: 'HASH' as const }, { AttributeName: i.sortKey.name, KeyType: 'RANGE' as const }], Projection: { ProjectionType: 'ALL' as const } })),
  }));
  await ddb.send(new CreateTableCommand({ TableName: tables.endpoints, BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: ENDPOINTS_TABLE.partitionKey.name, KeyType: 'HASH' }] }));
  const store = new DynamoStore(documentClient(ddb), tables);

  const deadLetterQueue = new LocalQueue({ name: 'webhooks-local-deliveries-dlq', visibilityTimeoutSeconds: 30 });
  const queue = new LocalQueue({ name: 'webhooks-local-deliveries', visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 30, maxReceiveCount: options.maxReceiveCount ?? 5, deadLetterQueue });
  const queuePort: QueuePort = {
    async send(messages: readonly OutgoingMessage[]) {
      for (const m of messages) queue.send(JSON.stringify(m.body), m.delaySeconds);
    },
    async sendToDeadLetter(message: DeliveryMessage) {
      deadLetterQueue.send(JSON.stringify(message));
    },
  };
  const jwtRing = newKeyring(new Date(), 2);
  const endpointRing = newKeyring(new Date(), null);
  const ssrf = { requireHttps: false, allowAddresses: options.allowAddresses ?? ['127.0.0.1', '::1'] };
  const apiDeps: ApiDeps = {
    store,
    queue: queuePort,
    box: keyringBox(() => endpointRing),
    ssrf,
    resolve: options.resolve,
    eventTypes: options.eventTypes ?? null,
    maxPayloadBytes: options.maxPayloadBytes ?? SETTINGS.maxPayloadBytes,
    rotationGraceSeconds: options.rotationGraceSeconds ?? SETTINGS.rotationGraceSeconds,
    eventRetentionDays: SETTINGS.eventRetentionDays,
    idempotencyTtlSeconds: SETTINGS.idempotencyTtlSeconds,
    now: Date.now,
  };
  const deliveryDeps: DeliveryDeps = {
    store,
    queue: queuePort,
    box: apiDeps.box,
    ssrf,
    resolve: options.resolve,
    send: httpSender(),
    retry: { ...SETTINGS.retry, jitter: options.jitter ?? 0, scheduleSeconds: options.retryScheduleSeconds ? [0, ...options.retryScheduleSeconds] : SETTINGS.retry.scheduleSeconds },
    breaker: options.breaker ?? DEFAULT_BREAKER_POLICY,
    timeoutMs: options.timeoutMs ?? SETTINGS.timeoutMs,
    defaultRateLimitPerSecond: options.defaultRateLimitPerSecond ?? SETTINGS.defaultRateLimitPerSecond,
    disableAfterMs: SETTINGS.disableAfterDays * 86_400_000,
    now: Date.now,
    random: Math.random,
  };
  const tokenSettings = { issuer: ISSUER, audience: AUDIENCE };
  const authDeps = { keys: { kind: 'keyring' as const, ring: async () => jwtRing }, settings: tokenSettings, usageKeys: {}, now: Date.now };

  const server = http.createServer((req, res) => {
    void handle(req).then(
      (r) => {
        res.writeHead(r.statusCode, r.headers as http.OutgoingHttpHeaders);
        res.end(r.body);
      },
      (e) => {
        const r = errorResponse(e);
        res.writeHead(r.statusCode, r.headers as http.OutgoingHttpHeaders);
        res.end(r.body);
      },
    );
  });

  async function handle(req: http.IncomingMessage) {
    const url = new URL(req.url ?? '/', 'http://local');
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size > 10 * 1024 * 1024) throw new ApiError(413, 'payload_too_large', 'body larger than 10 MB (the API Gateway limit)');
      chunks.push(c as Buffer);
    }
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (path === '/_local/dlq' && req.method === 'GET') return json(200, { messages: deadLetterQueue.peek().map((m) => JSON.parse(m.body)) });
    if (path === '/_local/dlq/redrive' && req.method === 'POST') return json(200, { moved: deadLetterQueue.moveAllTo(queue) });
    const match = matchRoute(req.method ?? 'GET', path);
    if (!match) throw new ApiError(404, 'not_found', `no route ${req.method} ${path}`);
    const methodArn = `arn:aws:execute-api:local:000000000000:local/v1/${req.method}${path}`;
    let context;
    try {
      const auth = await authorize({ type: 'TOKEN', authorizationToken: req.headers.authorization ?? '', methodArn }, authDeps);
      const allowed = (auth.policyDocument.Statement[0] as { Resource: string[] }).Resource.some((r) => new RegExp(`^${r.split('*').map(escape).join('[^/]+')}$`).test(methodArn));
      if (!allowed) throw new ApiError(403, 'forbidden', 'User is not authorized to access this resource');
      context = auth.context;
    } catch (e) {
      if (e instanceof ApiError) throw e;
      throw new ApiError(401, 'unauthorized', 'Unauthorized');
    }
    const event = {
      httpMethod: req.method,
      resource: match.route.path,
      path,
      pathParameters: Object.keys(match.params).length ? match.params : null,
      queryStringParameters: url.searchParams.size ? Object.fromEntries(url.searchParams) : null,
      headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v])),
      body: chunks.length ? Buffer.concat(chunks).toString('utf8') : null,
      isBase64Encoded: false,
      requestContext: { authorizer: context },
    } as unknown as APIGatewayProxyEvent;
    return runApi(event, CORES[match.route.fn](apiDeps));
  }

  const apiPort = await listen(server, options.port ?? 0);

  // The event source mapping's stand-in: poll, invoke the batch code, delete what succeeded.
  let stopped = false;
  let polling: Promise<void> = Promise.resolve();
  const poll = async () => {
    while (!stopped) {
      const batch = queue.receive(10);
      if (!batch.length) {
        await new Promise((r) => setTimeout(r, 25));
        continue;
      }
      const result = await handleBatch({ Records: batch.map((m) => ({ messageId: m.messageId, receiptHandle: m.receiptHandle!, body: m.body, attributes: { ApproximateReceiveCount: String(m.receiveCount) } })) } as never, deliveryDeps, options.log);
      const failed = new Set(result.batchItemFailures.map((f) => f.itemIdentifier));
      for (const m of batch) if (!failed.has(m.messageId)) queue.delete(m.receiptHandle!);
    }
  };
  // A few pollers, as Lambda runs several batches at once.
  polling = Promise.all([poll(), poll(), poll(), poll()]).then(() => undefined);

  const token = await issueToken(jwtRing, { sub: 'local-admin', role: 'admin' }, tokenSettings, 12 * 3600);
  return {
    api: `http://127.0.0.1:${apiPort}`,
    token,
    issue: (p, ttl) => issueToken(jwtRing, p, tokenSettings, ttl ?? 3600),
    queue,
    deadLetterQueue,
    store,
    dynamoEndpoint,
    async stop() {
      stopped = true;
      await polling;
      await close(server);
      ddb.destroy();
      await close(dynamo);
    },
  };
}

function json(statusCode: number, body: unknown) {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
