/** Get event: the event with its deliveries and every attempt. */
import type { ApiRequest, ApiResponse } from '../shared/api';
import type { ApiDeps } from '../shared/deps';
import { notFound } from '../shared/errors';

export async function getEventCore(req: ApiRequest, deps: Pick<ApiDeps, 'store'>): Promise<ApiResponse> {
  const e = await deps.store.getEvent(req.params.id);
  if (!e) throw notFound(`id: event ${JSON.stringify(req.params.id)} does not exist`);
  return {
    statusCode: 200,
    body: { id: e.id, type: e.type, payload: (JSON.parse(e.body) as { data: unknown }).data, createdAt: e.createdAt, status: e.status, deliveries: e.deliveries, attempts: e.attempts },
  };
}
