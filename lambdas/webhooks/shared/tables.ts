/** Key schema of the two tables: the stack creates them from this, local mode creates them in dynalite from this. */
export const EVENTS_TABLE = {
  partitionKey: { name: 'id', type: 'S' },
  indexes: [
    { indexName: 'ByCreated', partitionKey: { name: 'kind', type: 'S' }, sortKey: { name: 'createdAt', type: 'S' } },
    { indexName: 'ByType', partitionKey: { name: 'type', type: 'S' }, sortKey: { name: 'createdAt', type: 'S' } },
    { indexName: 'ByStatus', partitionKey: { name: 'status', type: 'S' }, sortKey: { name: 'createdAt', type: 'S' } },
  ],
  timeToLiveAttribute: 'expiresAt',
} as const;

export const ENDPOINTS_TABLE = {
  partitionKey: { name: 'id', type: 'S' },
  /** Idempotency records and rate counters expire; endpoints have no expiresAt. */
  timeToLiveAttribute: 'expiresAt',
} as const;
