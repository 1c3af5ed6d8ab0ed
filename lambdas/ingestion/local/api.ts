/**
 * The ingestion API on this machine, as API Gateway runs it: POST /record and POST /records validated with the
 * same JSON-schema models (ajv), mapped by the same committed VTL templates (velocityjs with API Gateway's $input,
 * $util, $context) onto Kinesis (kinesalite), whose answer goes through the same response templates and
 * selection patterns. Also served under the stage prefix /v1.
 */
import { randomUUID } from 'node:crypto';
import { Agent, createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { INTEGRATION_RESPONSES, ROUTES, loadTemplate, type Route } from '../shared/api';
import { renderTemplate } from '../shared/vtl';

/** API Gateway's payload limit. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface LocalApiOptions {
  readonly kinesisEndpoint: string;
  readonly streamName: string;
  /** @default 0 (a free port) */
  readonly port?: number;
  readonly stageName?: string;
  /** Extra GET routes of the local mode only (e.g. /_local/failures). @default none */
  readonly localRoutes?: Readonly<Record<string, () => unknown>>;
}

export interface LocalApi {
  readonly url: string;
  close(): Promise<void>;
}

interface CompiledRoute {
  readonly route: Route;
  readonly validate: ValidateFunction;
  readonly requestTemplate: string;
  readonly responseTemplate: string;
}

export async function startLocalApi(o: LocalApiOptions): Promise<LocalApi> {
  const ajv = new Ajv({ allErrors: false, strict: false });
  const routes = new Map<string, CompiledRoute>();
  for (const route of ROUTES) {
    const { $schema: _draft, ...schema } = route.model as Record<string, unknown>;
    routes.set(route.path, { route, validate: ajv.compile(schema), requestTemplate: loadTemplate(route.request, o.streamName), responseTemplate: loadTemplate(route.response) });
  }
  const errorTemplates = INTEGRATION_RESPONSES.map((r) => ({ ...r, text: loadTemplate(r.template), pattern: new RegExp(`^${r.selectionPattern}$`) }));
  const stage = `/${o.stageName ?? 'v1'}`;
  const target = new URL(o.kinesisEndpoint);
  // Connections to Kinesis are this API's own: closed with it, never reused by a later instance.
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://local');
    const path = url.pathname.startsWith(`${stage}/`) ? url.pathname.slice(stage.length) : url.pathname;
    const local = o.localRoutes?.[url.pathname];
    if (local && req.method === 'GET') return send(res, 200, local());
    const compiled = routes.get(path);
    if (!compiled) return send(res, 404, { error: 'not_found', message: 'no such route' });
    if (req.method !== 'POST') return send(res, 405, { error: 'method_not_allowed', message: `${req.method} ${path}: only POST` });
    const contentType = (req.headers['content-type'] ?? 'application/json').split(';')[0].trim().toLowerCase();
    if (contentType !== 'application/json') return send(res, 415, { error: 'unsupported_media_type', message: `Content-Type ${JSON.stringify(contentType)}: send application/json` });
    const raw = await readBody(req);
    if (raw === undefined) return send(res, 413, { error: 'payload_too_large', message: `request body over ${MAX_BODY_BYTES} bytes` });
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch (e) {
      return send(res, 400, { error: 'bad_request', message: `Invalid request body: not JSON (${(e as Error).message})` });
    }
    if (!compiled.validate(body)) return send(res, 400, { error: 'bad_request', message: validationMessage(compiled.route.modelName, compiled.validate.errors ?? []) });

    const requestId = randomUUID();
    const context = { requestId, extendedRequestId: requestId, requestTimeEpoch: Date.now(), stage: stage.slice(1), resourcePath: path, httpMethod: 'POST' };
    const integrationBody = renderTemplate(compiled.requestTemplate, { body: raw, context }).output;
    const kinesis = await callKinesis(target, agent, compiled.route.action, integrationBody);
    const status = String(kinesis.status);
    const error = errorTemplates.find((t) => t.pattern.test(status));
    const template = error ? error.text : compiled.responseTemplate;
    const rendered = renderTemplate(template, { body: kinesis.body || '{}', context });
    const statusCode = rendered.statusOverride ?? (error ? error.statusCode : 200);
    res.writeHead(statusCode, { 'content-type': 'application/json', 'x-amzn-requestid': requestId });
    res.end(rendered.output.trim());
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: Error) => send(res, 502, { error: 'bad_gateway', message: e.message }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}

/** "IngestRecords: /records/3 must have required property 'data'" — the field that failed and why. */
function validationMessage(model: string, errors: readonly ErrorObject[]): string {
  const e = errors[0];
  if (!e) return `${model}: invalid request body`;
  const where = e.instancePath || '(body)';
  const detail = e.keyword === 'additionalProperties' ? `${e.message} (${JSON.stringify((e.params as { additionalProperty: string }).additionalProperty)})` : e.message;
  return `${model}: ${where} ${detail}`;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) tooLarge = true;
    else chunks.push(chunk as Buffer);
  }
  return tooLarge ? undefined : Buffer.concat(chunks).toString('utf8');
}

/**
 * The Kinesis JSON API call API Gateway makes with the rendered body (kinesalite checks only that a signature is
 * present). A kept-alive connection kinesalite closed while idle fails the request before kinesalite read it
 * (ECONNRESET on a reused socket): that request is sent again on a new connection, as Node's docs advise.
 */
function callKinesis(target: URL, agent: Agent, action: string, body: string, attempt = 1): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        method: 'POST',
        path: '/',
        agent,
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': `Kinesis_20131202.${action}`,
          'x-amz-date': new Date().toISOString().replace(/[-:]|\.\d{3}/g, ''),
          authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=local',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 500, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (req.reusedSocket && e.code === 'ECONNRESET' && attempt < 3) callKinesis(target, agent, action, body, attempt + 1).then(resolve, reject);
      else reject(e);
    });
    req.end(body);
  });
}
