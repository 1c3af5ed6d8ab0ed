/** Event generator: stores the event, then queues one delivery per subscribed active endpoint. */
import { idempotent, newId, type ApiRequest, type ApiResponse } from '../shared/api';
import type { ApiDeps } from '../shared/deps';
import { badRequest } from '../shared/errors';
import type { EventRecord } from '../shared/store';
import { statusAfter } from '../shared/store';
import { parseJsonBody, validateBody } from '../shared/validate';
import { checkEventTypes } from '../endpoints/core';

export async function createEventCore(req: ApiRequest, deps: ApiDeps): Promise<ApiResponse> {
  return idempotent(req, deps, async () => {
    const body = validateBody<{ type: string; payload: Record<string, unknown> }>('CreateEvent', parseJsonBody(req.body));
    checkEventTypes([body.type], deps, 'type');
    const size = Buffer.byteLength(JSON.stringify(body.payload), 'utf8');
    if (size > deps.maxPayloadBytes) throw badRequest(`payload: received ${size} bytes of JSON; the limit is ${deps.maxPayloadBytes}`);
    const now = deps.now();
    const id = newId('evt', now);
    const createdAt = new Date(now).toISOString();
    const endpoints = (await deps.store.listEndpoints()).filter((e) => e.status === 'active' && e.eventTypes.includes(body.type));
    const event: EventRecord = {
      id,
      type: body.type,
      // The body every delivery (and replay) sends, byte for byte: Standard Webhooks' { type, timestamp, data }.
      body: JSON.stringify({ type: body.type, timestamp: createdAt, data: body.payload }),
      createdAt,
      status: statusAfter(endpoints.length, 0, endpoints.length),
      deliveries: Object.fromEntries(endpoints.map((e) => [e.id, 'pending'])),
      attempts: [],
      pendingCount: endpoints.length,
      failedCount: 0,
      expiresAt: Math.floor(now / 1000) + deps.eventRetentionDays * 86_400,
      createdBy: req.principal.sub,
    };
    await deps.store.createEvent(event);
    try {
      await deps.queue.send(endpoints.map((e) => ({ body: { eventId: id, endpointId: e.id, attempt: 1 }, delaySeconds: 0 })));
    } catch (err) {
      // Nothing half-written: without its deliveries queued the event is removed and the request fails.
      await deps.store.deleteEvent(id);
      throw err;
    }
    return { statusCode: 202, body: { id, createdAt } };
  });
}
