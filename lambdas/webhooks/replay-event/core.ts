/** Replay: the event goes again to its endpoints that are still active, with the same webhook-id (the event id). */
import { idempotent, type ApiRequest, type ApiResponse } from '../shared/api';
import type { ApiDeps } from '../shared/deps';
import { conflict, notFound } from '../shared/errors';

export async function replayEventCore(req: ApiRequest, deps: ApiDeps): Promise<ApiResponse> {
  return idempotent(req, deps, async () => {
    const e = await deps.store.getEvent(req.params.id);
    if (!e) throw notFound(`id: event ${JSON.stringify(req.params.id)} does not exist`);
    const endpoints = await Promise.all(Object.keys(e.deliveries).map((id) => deps.store.getEndpoint(id)));
    const active = endpoints.filter((x) => x?.status === 'active').map((x) => x!.id);
    if (!active.length) throw conflict(`event ${e.id}: none of its endpoints is active; nothing to replay to`);
    await deps.store.resetDeliveries(e.id, active);
    await deps.queue.send(active.map((endpointId) => ({ body: { eventId: e.id, endpointId, attempt: 1 }, delaySeconds: 0 })));
    return { statusCode: 202, body: { id: e.id, createdAt: e.createdAt } };
  });
}
