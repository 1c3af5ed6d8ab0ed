/**
 * The store on DynamoDB. Tables (names from the stack):
 * - events: partition key `id`; the event item holds its deliveries (map) and attempts (list). GSIs, newest first:
 *   `ByCreated` (kind, createdAt) lists everything, `ByType` (type, createdAt), `ByStatus` (status, createdAt).
 *   TTL on `expiresAt`.
 * - endpoints: partition key `id`; also idempotency records (`idem#...`) and per-second rate counters (`rate#...`),
 *   both with TTL on `expiresAt`.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, type QueryCommandInput, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Attempt, DeliveryState, EndpointRecord, EventRecord, IdempotencyClaim, ListQuery, StoredResponse, WebhookStore } from './store';
import { statusAfter } from './store';
import { EVENTS_TABLE } from './tables';

const [byCreated, byType, byStatus] = EVENTS_TABLE.indexes.map((i) => ({ indexName: i.indexName, partitionKey: i.partitionKey.name }));
const EVENT_INDEXES = { byCreated, byType, byStatus };

const isConditionFailure = (e: unknown) => e instanceof ConditionalCheckFailedException || (e as Error)?.name === 'ConditionalCheckFailedException';

export class DynamoStore implements WebhookStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tables: { readonly events: string; readonly endpoints: string },
  ) {}

  async putEndpoint(e: EndpointRecord) {
    await this.doc.send(new PutCommand({ TableName: this.tables.endpoints, Item: { ...e, kind: 'endpoint' } }));
  }
  async getEndpoint(id: string) {
    const r = await this.doc.send(new GetCommand({ TableName: this.tables.endpoints, Key: { id }, ConsistentRead: true }));
    return r.Item?.kind === 'endpoint' ? (strip(r.Item) as unknown as EndpointRecord) : undefined;
  }
  async listEndpoints() {
    const out: EndpointRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const r = await this.doc.send(new ScanCommand({ TableName: this.tables.endpoints, FilterExpression: 'kind = :k', ExpressionAttributeValues: { ':k': 'endpoint' }, ExclusiveStartKey: start, ConsistentRead: true }));
      out.push(...((r.Items ?? []).map(strip) as unknown as EndpointRecord[]));
      start = r.LastEvaluatedKey;
    } while (start);
    return out.sort((a, b) => a.id.localeCompare(b.id));
  }
  async updateEndpoint(id: string, patch: Partial<Omit<EndpointRecord, 'id'>>) {
    const entries = Object.entries(patch);
    if (!entries.length) return;
    const sets = entries.filter(([, v]) => v !== undefined);
    const removes = entries.filter(([, v]) => v === undefined);
    const names = Object.fromEntries(entries.map(([k], i) => [`#f${i}`, k]));
    const values = Object.fromEntries(sets.map(([k, v]) => [`:v${entries.findIndex(([kk]) => kk === k)}`, v]));
    const expr = [
      sets.length ? `SET ${sets.map(([k]) => `#f${entries.findIndex(([kk]) => kk === k)} = :v${entries.findIndex(([kk]) => kk === k)}`).join(', ')}` : '',
      removes.length ? `REMOVE ${removes.map(([k]) => `#f${entries.findIndex(([kk]) => kk === k)}`).join(', ')}` : '',
    ].join(' ');
    try {
      await this.doc.send(new UpdateCommand({ TableName: this.tables.endpoints, Key: { id }, UpdateExpression: expr, ConditionExpression: 'attribute_exists(id)', ExpressionAttributeNames: names, ExpressionAttributeValues: Object.keys(values).length ? values : undefined }));
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
  }
  async createEvent(e: EventRecord) {
    try {
      await this.doc.send(new PutCommand({ TableName: this.tables.events, Item: { ...e, kind: 'event' }, ConditionExpression: 'attribute_not_exists(id)' }));
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }
  async deleteEvent(id: string) {
    await this.doc.send(new DeleteCommand({ TableName: this.tables.events, Key: { id } }));
  }
  async getEvent(id: string) {
    const r = await this.doc.send(new GetCommand({ TableName: this.tables.events, Key: { id }, ConsistentRead: true }));
    return r.Item ? (strip(r.Item) as unknown as EventRecord) : undefined;
  }
  async listEvents(q: ListQuery) {
    const index = q.type ? EVENT_INDEXES.byType : q.status ? EVENT_INDEXES.byStatus : EVENT_INDEXES.byCreated;
    const pk = q.type ?? q.status ?? 'event';
    const filter: Record<string, unknown> = q.type && q.status ? { FilterExpression: '#s = :s', ExpressionAttributeNames: { '#p': index.partitionKey, '#s': 'status' }, ExpressionAttributeValues: { ':p': pk, ':s': q.status } } : { ExpressionAttributeNames: { '#p': index.partitionKey }, ExpressionAttributeValues: { ':p': pk } };
    const items: EventRecord[] = [];
    let start = q.after as Record<string, unknown> | undefined;
    // With a filter DynamoDB may return fewer than Limit items per page: keep reading until the page is full.
    do {
      const r = await this.doc.send(new QueryCommand({ TableName: this.tables.events, IndexName: index.indexName, KeyConditionExpression: '#p = :p', ScanIndexForward: false, Limit: q.limit - items.length, ExclusiveStartKey: start, ...filter } as QueryCommandInput));
      items.push(...((r.Items ?? []).map(strip) as unknown as EventRecord[]));
      start = r.LastEvaluatedKey;
    } while (start && items.length < q.limit);
    return { items, after: start };
  }
  async recordAttempt(eventId: string, attempt: Attempt, terminal?: Exclude<DeliveryState, 'pending'>) {
    const key = { id: eventId };
    if (terminal) {
      try {
        const r = await this.doc.send(
          new UpdateCommand({
            TableName: this.tables.events,
            Key: key,
            UpdateExpression: 'SET attempts = list_append(attempts, :a), deliveries.#ep = :t ADD pendingCount :minus, failedCount :f',
            ConditionExpression: 'deliveries.#ep = :pending',
            ExpressionAttributeNames: { '#ep': attempt.endpointId },
            ExpressionAttributeValues: { ':a': [attempt], ':t': terminal, ':minus': -1, ':f': terminal === 'failed' ? 1 : 0, ':pending': 'pending' },
            ReturnValues: 'ALL_NEW',
          }),
        );
        const e = r.Attributes as EventRecord;
        if (e.pendingCount === 0) {
          await this.doc.send(
            new UpdateCommand({
              TableName: this.tables.events,
              Key: key,
              UpdateExpression: 'SET #s = :s',
              ConditionExpression: 'pendingCount = :zero',
              ExpressionAttributeNames: { '#s': 'status' },
              ExpressionAttributeValues: { ':s': statusAfter(0, e.failedCount, Object.keys(e.deliveries).length), ':zero': 0 },
            }),
          ).catch((err) => {
            if (!isConditionFailure(err)) throw err;
          });
        }
        return;
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
        // Already terminal (duplicate message): only the attempt is added.
      }
    }
    await this.doc.send(new UpdateCommand({ TableName: this.tables.events, Key: key, UpdateExpression: 'SET attempts = list_append(attempts, :a)', ConditionExpression: 'attribute_exists(id)', ExpressionAttributeValues: { ':a': [attempt] } })).catch((err) => {
      if (!isConditionFailure(err)) throw err;
    });
  }
  async resetDeliveries(eventId: string, endpointIds: readonly string[]) {
    const e = await this.getEvent(eventId);
    if (!e) return;
    const deliveries: Record<string, DeliveryState> = { ...e.deliveries };
    for (const id of endpointIds) deliveries[id] = 'pending';
    const pendingCount = Object.values(deliveries).filter((d) => d === 'pending').length;
    const failedCount = Object.values(deliveries).filter((d) => d === 'failed').length;
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tables.events,
        Key: { id: eventId },
        UpdateExpression: 'SET deliveries = :d, pendingCount = :p, failedCount = :f, #s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':d': deliveries, ':p': pendingCount, ':f': failedCount, ':s': statusAfter(pendingCount, failedCount, Object.keys(deliveries).length) },
      }),
    );
  }
  async claimIdempotency(key: string, requestHash: string, nowMs: number, ttlSeconds: number): Promise<IdempotencyClaim> {
    const id = `idem#${key}`;
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tables.endpoints,
          Item: { id, kind: 'idempotency', hash: requestHash, expiresAt: Math.floor(nowMs / 1000) + ttlSeconds },
          ConditionExpression: 'attribute_not_exists(id) OR expiresAt < :now',
          ExpressionAttributeValues: { ':now': Math.floor(nowMs / 1000) },
        }),
      );
      return { state: 'new' };
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
    const r = await this.doc.send(new GetCommand({ TableName: this.tables.endpoints, Key: { id }, ConsistentRead: true }));
    if (!r.Item) return { state: 'in_progress' };
    if (r.Item.hash !== requestHash) return { state: 'mismatch' };
    return r.Item.response ? { state: 'done', response: r.Item.response as StoredResponse } : { state: 'in_progress' };
  }
  async completeIdempotency(key: string, response: StoredResponse) {
    await this.doc.send(new UpdateCommand({ TableName: this.tables.endpoints, Key: { id: `idem#${key}` }, UpdateExpression: 'SET #r = :r', ExpressionAttributeNames: { '#r': 'response' }, ExpressionAttributeValues: { ':r': response } }));
  }
  async releaseIdempotency(key: string) {
    await this.doc.send(new DeleteCommand({ TableName: this.tables.endpoints, Key: { id: `idem#${key}` } }));
  }
  async takeRateToken(endpointId: string, nowMs: number, limitPerSecond: number) {
    const second = Math.floor(nowMs / 1000);
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tables.endpoints,
          Key: { id: `rate#${endpointId}#${second}` },
          UpdateExpression: 'SET kind = :k, expiresAt = :e ADD used :one',
          ConditionExpression: 'attribute_not_exists(used) OR used < :limit',
          ExpressionAttributeValues: { ':k': 'rate', ':e': second + 120, ':one': 1, ':limit': limitPerSecond },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }
}

function strip(item: Record<string, unknown>): Record<string, unknown> {
  const { kind: _k, ...rest } = item;
  return rest;
}
