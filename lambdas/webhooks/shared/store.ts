/**
 * What the webhooks functions keep, behind one interface: DynamoDB in the Lambdas and local mode (dynamo-store.ts),
 * memory in the benchmark and unit tests (MemoryStore below, same semantics).
 */
import type { BreakerState } from './breaker';

export interface EndpointSecret {
  /** Sealed with the key ring (keyring.ts); never stored in clear. */
  readonly sealed: string;
  readonly createdAt: string;
  /** Set on the old secret by a rotation: it keeps signing until then. */
  readonly expiresAt?: string;
}

export interface EndpointRecord {
  readonly id: string;
  readonly url: string;
  readonly eventTypes: readonly string[];
  readonly description?: string;
  readonly rateLimitPerSecond?: number;
  readonly status: 'active' | 'disabled' | 'deleted';
  readonly disabledReason?: string;
  readonly secrets: readonly EndpointSecret[];
  readonly breaker?: BreakerState;
  /** First failure of the current run of failures (epoch ms); cleared by a success. */
  readonly failingSinceMs?: number;
  readonly createdAt: string;
  readonly createdBy: string;
}

export type DeliveryState = 'pending' | 'succeeded' | 'failed' | 'skipped';
export type EventStatus = 'pending' | 'delivered' | 'failed' | 'no_endpoints';

export interface Attempt {
  readonly endpointId: string;
  readonly attempt: number;
  readonly at: string;
  readonly outcome: 'success' | 'failure' | 'gone' | 'blocked';
  readonly statusCode?: number;
  readonly latencyMs: number;
  readonly error?: string;
  readonly nextAttemptAt?: string;
}

export interface EventRecord {
  readonly id: string;
  readonly type: string;
  /** The JSON body sent, exactly (so replays and signatures use the same bytes). */
  readonly body: string;
  readonly createdAt: string;
  readonly status: EventStatus;
  readonly deliveries: Readonly<Record<string, DeliveryState>>;
  readonly attempts: readonly Attempt[];
  readonly pendingCount: number;
  readonly failedCount: number;
  /** Epoch seconds: DynamoDB TTL. */
  readonly expiresAt: number;
  readonly createdBy: string;
}

export interface ListQuery {
  readonly type?: string;
  readonly status?: EventStatus;
  readonly limit: number;
  /** The store's own position (decoded from the opaque cursor). */
  readonly after?: Readonly<Record<string, unknown>>;
}

export interface StoredResponse {
  readonly statusCode: number;
  readonly body: string;
}

export type IdempotencyClaim = { readonly state: 'new' } | { readonly state: 'done'; readonly response: StoredResponse } | { readonly state: 'in_progress' } | { readonly state: 'mismatch' };

export interface WebhookStore {
  putEndpoint(e: EndpointRecord): Promise<void>;
  getEndpoint(id: string): Promise<EndpointRecord | undefined>;
  listEndpoints(): Promise<EndpointRecord[]>;
  updateEndpoint(id: string, patch: Partial<Omit<EndpointRecord, 'id'>>): Promise<void>;
  /** Creates the event; false when the id exists. */
  createEvent(e: EventRecord): Promise<boolean>;
  deleteEvent(id: string): Promise<void>;
  getEvent(id: string): Promise<EventRecord | undefined>;
  listEvents(q: ListQuery): Promise<{ items: EventRecord[]; after?: Record<string, unknown> }>;
  /**
   * Appends an attempt; with `terminal`, also ends that endpoint's delivery (only if still pending: a duplicate
   * message cannot count twice) and sets the event's status once no delivery is pending.
   */
  recordAttempt(eventId: string, attempt: Attempt, terminal?: Exclude<DeliveryState, 'pending'>): Promise<void>;
  /** Replay: the deliveries to these endpoints are pending again. */
  resetDeliveries(eventId: string, endpointIds: readonly string[]): Promise<void>;
  claimIdempotency(key: string, requestHash: string, nowMs: number, ttlSeconds: number): Promise<IdempotencyClaim>;
  completeIdempotency(key: string, response: StoredResponse): Promise<void>;
  releaseIdempotency(key: string): Promise<void>;
  /** One delivery slot of the endpoint's per-second budget; false when this second's budget is used up. */
  takeRateToken(endpointId: string, nowMs: number, limitPerSecond: number): Promise<boolean>;
}

export function statusAfter(pendingCount: number, failedCount: number, total: number): EventStatus {
  if (total === 0) return 'no_endpoints';
  if (pendingCount > 0) return 'pending';
  return failedCount > 0 ? 'failed' : 'delivered';
}

/** In-memory store with the DynamoDB store's semantics (benchmark, unit tests). */
export class MemoryStore implements WebhookStore {
  readonly endpoints = new Map<string, EndpointRecord>();
  readonly events = new Map<string, EventRecord>();
  private readonly idem = new Map<string, { hash: string; response?: StoredResponse; expiresMs: number }>();
  private readonly rates = new Map<string, { second: number; used: number }>();

  async putEndpoint(e: EndpointRecord) {
    this.endpoints.set(e.id, e);
  }
  async getEndpoint(id: string) {
    return this.endpoints.get(id);
  }
  async listEndpoints() {
    return [...this.endpoints.values()].sort((a, b) => a.id.localeCompare(b.id));
  }
  async updateEndpoint(id: string, patch: Partial<Omit<EndpointRecord, 'id'>>) {
    const e = this.endpoints.get(id);
    if (e) this.endpoints.set(id, { ...e, ...patch });
  }
  async createEvent(e: EventRecord) {
    if (this.events.has(e.id)) return false;
    this.events.set(e.id, e);
    return true;
  }
  async deleteEvent(id: string) {
    this.events.delete(id);
  }
  async getEvent(id: string) {
    return this.events.get(id);
  }
  async listEvents(q: ListQuery) {
    const all = [...this.events.values()]
      .filter((e) => (!q.type || e.type === q.type) && (!q.status || e.status === q.status))
      .sort((a, b) => (a.createdAt === b.createdAt ? b.id.localeCompare(a.id) : b.createdAt.localeCompare(a.createdAt)));
    const start = q.after ? all.findIndex((e) => e.id === q.after!.id) + 1 : 0;
    const items = all.slice(start, start + q.limit);
    const more = start + q.limit < all.length;
    return { items, after: more ? { id: items[items.length - 1].id } : undefined };
  }
  async recordAttempt(eventId: string, attempt: Attempt, terminal?: Exclude<DeliveryState, 'pending'>) {
    const e = this.events.get(eventId);
    if (!e) return;
    let next: EventRecord = { ...e, attempts: [...e.attempts, attempt] };
    if (terminal && e.deliveries[attempt.endpointId] === 'pending') {
      const pendingCount = e.pendingCount - 1;
      const failedCount = e.failedCount + (terminal === 'failed' ? 1 : 0);
      next = { ...next, deliveries: { ...e.deliveries, [attempt.endpointId]: terminal }, pendingCount, failedCount };
      if (pendingCount === 0) next = { ...next, status: statusAfter(0, failedCount, Object.keys(next.deliveries).length) };
    }
    this.events.set(eventId, next);
  }
  async resetDeliveries(eventId: string, endpointIds: readonly string[]) {
    const e = this.events.get(eventId);
    if (!e) return;
    const deliveries = { ...e.deliveries };
    for (const id of endpointIds) deliveries[id] = 'pending';
    const pendingCount = Object.values(deliveries).filter((d) => d === 'pending').length;
    const failedCount = Object.values(deliveries).filter((d) => d === 'failed').length;
    this.events.set(eventId, { ...e, deliveries, pendingCount, failedCount, status: statusAfter(pendingCount, failedCount, Object.keys(deliveries).length) });
  }
  async claimIdempotency(key: string, requestHash: string, nowMs: number, ttlSeconds: number): Promise<IdempotencyClaim> {
    const r = this.idem.get(key);
    if (r && r.expiresMs > nowMs) {
      if (r.hash !== requestHash) return { state: 'mismatch' };
      return r.response ? { state: 'done', response: r.response } : { state: 'in_progress' };
    }
    this.idem.set(key, { hash: requestHash, expiresMs: nowMs + ttlSeconds * 1000 });
    return { state: 'new' };
  }
  async completeIdempotency(key: string, response: StoredResponse) {
    const r = this.idem.get(key);
    if (r) this.idem.set(key, { ...r, response });
  }
  async releaseIdempotency(key: string) {
    this.idem.delete(key);
  }
  async takeRateToken(endpointId: string, nowMs: number, limitPerSecond: number) {
    const second = Math.floor(nowMs / 1000);
    const r = this.rates.get(endpointId);
    const used = r && r.second === second ? r.used : 0;
    if (used >= limitPerSecond) return false;
    this.rates.set(endpointId, { second, used: used + 1 });
    return true;
  }
}
