/**
 * The API's routes as data: the stack creates API Gateway methods from this table, the authorizer derives each role's
 * allowed methods from it, local mode routes requests with it, and the OpenAPI document is generated from it.
 */
import type { SchemaName } from './schemas';

export const ROLES = ['admin', 'publisher', 'reader'] as const;
export type Role = (typeof ROLES)[number];

/** The API's Lambda functions (folders under lambdas/webhooks/). */
export const API_FUNCTIONS = ['endpoints', 'create-event', 'list-events', 'get-event', 'replay-event'] as const;
export type ApiFunction = (typeof API_FUNCTIONS)[number];

export interface Route {
  readonly fn: ApiFunction;
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly path: string;
  readonly roles: readonly Role[];
  readonly summary: string;
  readonly requestModel?: SchemaName;
  readonly query?: Readonly<Record<string, string>>;
  /** Accepts an Idempotency-Key header. */
  readonly idempotent: boolean;
  /** Success status and body model. */
  readonly success: { readonly status: number; readonly description: string; readonly model?: SchemaName };
  /** Error statuses the route can answer (besides 401/403/429 of every route). */
  readonly errors: readonly number[];
}

const ALL: readonly Role[] = ['admin', 'publisher', 'reader'];

export const ROUTES: readonly Route[] = [
  { fn: 'endpoints', method: 'POST', path: '/endpoints', roles: ['admin'], summary: 'Subscribe an endpoint to event types; returns its signing secret once', requestModel: 'CreateEndpoint', idempotent: true, success: { status: 201, description: 'Created', model: 'EndpointCreated' }, errors: [400, 409] },
  { fn: 'endpoints', method: 'GET', path: '/endpoints', roles: ALL, summary: 'List endpoints (without secrets)', idempotent: false, success: { status: 200, description: 'Endpoints', model: 'EndpointList' }, errors: [] },
  { fn: 'endpoints', method: 'DELETE', path: '/endpoints/{id}', roles: ['admin'], summary: 'Delete an endpoint (deliveries to it stop; repeating the call answers 204 again)', idempotent: true, success: { status: 204, description: 'Deleted' }, errors: [404] },
  { fn: 'endpoints', method: 'POST', path: '/endpoints/{id}/rotate-secret', roles: ['admin'], summary: 'New signing secret; the old one keeps signing during the grace period', idempotent: true, success: { status: 200, description: 'Rotated', model: 'SecretRotated' }, errors: [404, 409] },
  { fn: 'create-event', method: 'POST', path: '/events', roles: ['admin', 'publisher'], summary: 'Publish an event to every endpoint subscribed to its type', requestModel: 'CreateEvent', idempotent: true, success: { status: 202, description: 'Accepted', model: 'EventAccepted' }, errors: [400, 409] },
  { fn: 'list-events', method: 'GET', path: '/events', roles: ALL, summary: 'List events, newest first', query: { type: 'Only this event type', status: 'pending | delivered | failed | no_endpoints', limit: 'Items per page (1-100, default 20)', cursor: 'nextCursor of the previous page' }, idempotent: false, success: { status: 200, description: 'A page of events', model: 'EventList' }, errors: [400] },
  { fn: 'get-event', method: 'GET', path: '/events/{id}', roles: ALL, summary: 'An event with its deliveries and every attempt', idempotent: false, success: { status: 200, description: 'The event', model: 'Event' }, errors: [404] },
  { fn: 'replay-event', method: 'POST', path: '/events/{id}/replay', roles: ['admin', 'publisher'], summary: 'Send the event again to its endpoints, with the same webhook-id', idempotent: true, success: { status: 202, description: 'Replay accepted', model: 'EventAccepted' }, errors: [404, 409] },
];

/** The route of a method and concrete path, with its path parameters. */
export function matchRoute(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const names: string[] = [];
    const re = new RegExp(`^${route.path.replace(/\{([a-zA-Z]+)\}/g, (_m, n: string) => (names.push(n), '([^/]+)'))}$`);
    const m = re.exec(path);
    if (m) return { route, params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1])])) };
  }
  return undefined;
}

export function allows(role: Role, route: Route): boolean {
  return route.roles.includes(role);
}
