/** List events: filters (type, status), newest first, opaque cursor pagination. */
import type { ApiRequest, ApiResponse } from '../shared/api';
import type { ApiDeps } from '../shared/deps';
import { badRequest } from '../shared/errors';
import { EVENT_TYPE_PATTERN, LIST_QUERY } from '../shared/schemas';
import type { EventStatus } from '../shared/store';

export async function listEventsCore(req: ApiRequest, deps: Pick<ApiDeps, 'store'>): Promise<ApiResponse> {
  const q = req.query;
  const type = q.type || undefined;
  if (type !== undefined && !new RegExp(EVENT_TYPE_PATTERN).test(type)) throw badRequest(`type: received ${JSON.stringify(type)}; expected an event type such as invoice.paid`);
  const status = (q.status || undefined) as EventStatus | undefined;
  if (status !== undefined && !(LIST_QUERY.statuses as readonly string[]).includes(status)) throw badRequest(`status: received ${JSON.stringify(status)}; expected one of ${LIST_QUERY.statuses.join(', ')}`);
  let limit = LIST_QUERY.defaultLimit;
  if (q.limit !== undefined && q.limit !== '') {
    limit = Number(q.limit);
    if (!/^\d+$/.test(q.limit) || limit < 1 || limit > LIST_QUERY.maxLimit) throw badRequest(`limit: received ${JSON.stringify(q.limit)}; expected a whole number from 1 to ${LIST_QUERY.maxLimit}`);
  }
  const filter = `${type ?? ''}|${status ?? ''}`;
  const after = q.cursor ? decodeCursor(q.cursor, filter) : undefined;
  const page = await deps.store.listEvents({ type, status, limit, after });
  return {
    statusCode: 200,
    body: {
      items: page.items.map((e) => ({ id: e.id, type: e.type, createdAt: e.createdAt, status: e.status })),
      nextCursor: page.after ? encodeCursor(page.after, filter) : null,
    },
  };
}

/** Opaque to clients: base64url of the store's position and the filter it belongs to. */
export function encodeCursor(after: Record<string, unknown>, filter: string): string {
  return Buffer.from(JSON.stringify({ v: 1, f: filter, k: after })).toString('base64url');
}

export function decodeCursor(cursor: string, filter: string): Record<string, unknown> {
  let c: { v?: number; f?: string; k?: Record<string, unknown> };
  try {
    c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badRequest(`cursor: received ${JSON.stringify(cursor.slice(0, 40))}; not a cursor this API returned`);
  }
  if (c?.v !== 1 || typeof c.k !== 'object' || c.k === null) throw badRequest(`cursor: received ${JSON.stringify(cursor.slice(0, 40))}; not a cursor this API returned`);
  if (c.f !== filter) throw badRequest('cursor: belongs to a listing with other filters (type, status)');
  return c.k;
}
