/** Subscription manager: create, list, delete endpoints and rotate their signing secrets. */
import { idempotent, newId, type ApiRequest, type ApiResponse } from '../shared/api';
import { visibleState } from '../shared/breaker';
import type { ApiDeps } from '../shared/deps';
import { badRequest, notFound } from '../shared/errors';
import { generateEndpointSecret } from '../shared/signing';
import { resolveSafe, UrlRefused } from '../shared/ssrf';
import type { EndpointRecord } from '../shared/store';
import { parseJsonBody, validateBody } from '../shared/validate';

interface CreateEndpointBody {
  readonly url: string;
  readonly eventTypes: string[];
  readonly description?: string;
  readonly rateLimitPerSecond?: number;
}

export async function endpointsCore(req: ApiRequest, deps: ApiDeps): Promise<ApiResponse> {
  const r = req.route;
  if (r.method === 'POST' && r.path === '/endpoints') return idempotent(req, deps, () => createEndpoint(req, deps));
  if (r.method === 'GET' && r.path === '/endpoints') return { statusCode: 200, body: { items: (await deps.store.listEndpoints()).filter((e) => e.status !== 'deleted').map((e) => view(e, deps.now())) } };
  if (r.method === 'DELETE') return idempotent(req, deps, () => deleteEndpoint(req, deps));
  return idempotent(req, deps, () => rotateSecret(req, deps));
}

export function checkEventTypes(types: readonly string[], deps: ApiDeps, field: string): void {
  if (!deps.eventTypes) return;
  types.forEach((t, i) => {
    if (!deps.eventTypes!.includes(t)) throw badRequest(`${field}${types.length > 1 || field.endsWith('s') ? `[${i}]` : ''}: received ${JSON.stringify(t)}; unknown event type (known: ${deps.eventTypes!.join(', ')})`);
  });
}

async function createEndpoint(req: ApiRequest, deps: ApiDeps): Promise<ApiResponse> {
  const body = validateBody<CreateEndpointBody>('CreateEndpoint', parseJsonBody(req.body));
  checkEventTypes(body.eventTypes, deps, 'eventTypes');
  try {
    await resolveSafe(body.url, deps.ssrf, deps.resolve);
  } catch (e) {
    if (e instanceof UrlRefused) throw badRequest(e.message);
    throw e;
  }
  const now = deps.now();
  const secret = generateEndpointSecret();
  const record: EndpointRecord = {
    id: newId('ep', now),
    url: body.url,
    eventTypes: body.eventTypes,
    ...(body.description !== undefined ? { description: body.description } : {}),
    ...(body.rateLimitPerSecond !== undefined ? { rateLimitPerSecond: body.rateLimitPerSecond } : {}),
    status: 'active',
    secrets: [{ sealed: deps.box.seal(secret), createdAt: new Date(now).toISOString() }],
    createdAt: new Date(now).toISOString(),
    createdBy: req.principal.sub,
  };
  await deps.store.putEndpoint(record);
  return { statusCode: 201, body: { id: record.id, url: record.url, eventTypes: record.eventTypes, secret } };
}

async function deleteEndpoint(req: ApiRequest, deps: ApiDeps): Promise<ApiResponse> {
  const e = await deps.store.getEndpoint(req.params.id);
  if (!e) throw notFound(`id: endpoint ${JSON.stringify(req.params.id)} does not exist`);
  if (e.status !== 'deleted') await deps.store.updateEndpoint(e.id, { status: 'deleted', secrets: [] });
  return { statusCode: 204 };
}

async function rotateSecret(req: ApiRequest, deps: ApiDeps): Promise<ApiResponse> {
  const e = await deps.store.getEndpoint(req.params.id);
  if (!e || e.status === 'deleted') throw notFound(`id: endpoint ${JSON.stringify(req.params.id)} does not exist`);
  const now = deps.now();
  const graceEnds = new Date(now + deps.rotationGraceSeconds * 1000).toISOString();
  const kept = e.secrets.filter((s) => !s.expiresAt || Date.parse(s.expiresAt) > now).map((s) => (s.expiresAt ? s : { ...s, expiresAt: graceEnds }));
  const secret = generateEndpointSecret();
  await deps.store.updateEndpoint(e.id, { secrets: [...kept, { sealed: deps.box.seal(secret), createdAt: new Date(now).toISOString() }] });
  return { statusCode: 200, body: { id: e.id, secret, previousSecretExpiresAt: graceEnds } };
}

function view(e: EndpointRecord, nowMs: number) {
  return {
    id: e.id,
    url: e.url,
    eventTypes: e.eventTypes,
    ...(e.description !== undefined ? { description: e.description } : {}),
    ...(e.rateLimitPerSecond !== undefined ? { rateLimitPerSecond: e.rateLimitPerSecond } : {}),
    status: e.status,
    ...(e.disabledReason ? { disabledReason: e.disabledReason } : {}),
    circuit: visibleState(e.breaker, nowMs),
    createdAt: e.createdAt,
  };
}
