/** What every API function shares: request shape, JSON responses, errors, idempotency, ids. */
import { createHash, randomBytes } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { ApiError, badRequest, conflict, forbidden, unauthorized } from './errors';
import { allows, matchRoute, type Route } from './routes';
import type { Principal } from './auth';
import type { StoredResponse, WebhookStore } from './store';
import { ROLES, type Role } from './routes';

export interface ApiRequest {
  readonly route: Route;
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string | undefined>>;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string | null;
  readonly principal: Principal;
}

export interface ApiResponse {
  readonly statusCode: number;
  readonly body?: unknown;
}

export type RouteCore = (req: ApiRequest) => Promise<ApiResponse>;

const JSON_HEADERS = { 'content-type': 'application/json' };

export function errorResponse(e: unknown): APIGatewayProxyResult {
  if (e instanceof ApiError) return { statusCode: e.statusCode, headers: { ...JSON_HEADERS, ...e.headers }, body: JSON.stringify({ error: e.error, message: e.message }) };
  return { statusCode: 500, headers: JSON_HEADERS, body: JSON.stringify({ error: 'internal', message: 'internal error; the request was not completed' }) };
}

export function toResult(r: ApiResponse): APIGatewayProxyResult {
  return { statusCode: r.statusCode, headers: JSON_HEADERS, body: r.body === undefined ? '' : JSON.stringify(r.body) };
}

/** The API request of an API Gateway proxy event; the principal comes from the authorizer's context. */
export function requestOf(event: APIGatewayProxyEvent): ApiRequest {
  // `resource` is the route template (/events/{id}); path parameters come separately.
  const route = matchRoute(event.httpMethod, event.resource ?? event.path);
  if (!route) throw new ApiError(404, 'not_found', `no route ${event.httpMethod} ${event.path}`);
  const ctx = (event.requestContext?.authorizer ?? {}) as Record<string, unknown>;
  const role = ctx.role as Role;
  if (typeof ctx.sub !== 'string' || !(ROLES as readonly string[]).includes(role)) throw unauthorized('no authenticated principal');
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(event.headers ?? {})) headers[k.toLowerCase()] = v ?? undefined;
  return {
    route: route.route,
    params: { ...(event.pathParameters ?? {}) } as Record<string, string>,
    query: { ...(event.queryStringParameters ?? {}) },
    headers,
    body: event.body && event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body,
    principal: { sub: ctx.sub, role },
  };
}

/** Runs a route core for a proxy event: role check, JSON errors. */
export async function runApi(event: APIGatewayProxyEvent, core: RouteCore): Promise<APIGatewayProxyResult> {
  try {
    const req = requestOf(event);
    if (!allows(req.principal.role, req.route)) throw forbidden(`role ${req.principal.role} may not call ${req.route.method} ${req.route.path}`);
    return toResult(await core(req));
  } catch (e) {
    return errorResponse(e);
  }
}

export interface IdempotencyDeps {
  readonly store: WebhookStore;
  readonly now: () => number;
  /** How long a key is remembered (24 h). */
  readonly idempotencyTtlSeconds: number;
}

/**
 * Idempotency-Key: the first request with a key runs; later ones with the same key (same client and route) get the
 * stored response; the same key with a different body is a 409. Responses below 500 are stored; a failure frees the key.
 */
export async function idempotent(req: ApiRequest, deps: IdempotencyDeps, run: () => Promise<ApiResponse>): Promise<ApiResponse> {
  const key = req.headers['idempotency-key'];
  if (key === undefined) return run();
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) throw badRequest(`Idempotency-Key: received ${JSON.stringify(key.slice(0, 60))}; expected 1-255 printable ASCII characters`);
  const scope = `${req.principal.sub}|${req.route.method} ${req.route.path}|${JSON.stringify(req.params)}|${key}`;
  const id = createHash('sha256').update(scope).digest('base64url');
  const hash = createHash('sha256').update(req.body ?? '').digest('base64url');
  const claim = await deps.store.claimIdempotency(id, hash, deps.now(), deps.idempotencyTtlSeconds);
  if (claim.state === 'done') return { statusCode: claim.response.statusCode, body: claim.response.body === '' ? undefined : JSON.parse(claim.response.body) };
  if (claim.state === 'mismatch') throw conflict('Idempotency-Key: this key was used with a different request body');
  if (claim.state === 'in_progress') throw conflict('Idempotency-Key: a request with this key is still in progress');
  try {
    const r = await run();
    await deps.store.completeIdempotency(id, stored(r));
    return r;
  } catch (e) {
    if (e instanceof ApiError && e.statusCode < 500) {
      await deps.store.completeIdempotency(id, { statusCode: e.statusCode, body: JSON.stringify({ error: e.error, message: e.message }) });
    } else await deps.store.releaseIdempotency(id);
    throw e;
  }
}

function stored(r: ApiResponse): StoredResponse {
  return { statusCode: r.statusCode, body: r.body === undefined ? '' : JSON.stringify(r.body) };
}

const B32 = '0123456789abcdefghjkmnpqrstvwxyz';
/** "<prefix>_" + 10 base32 characters of time (ms) + 16 random ones: unique and time-ordered. */
export function newId(prefix: 'ep' | 'evt', nowMs: number): string {
  let t = '';
  let n = nowMs;
  for (let i = 0; i < 10; i++) {
    t = B32[n % 32] + t;
    n = Math.floor(n / 32);
  }
  const r = randomBytes(16);
  let s = '';
  for (let i = 0; i < 16; i++) s += B32[r[i] % 32];
  return `${prefix}_${t}${s}`;
}
