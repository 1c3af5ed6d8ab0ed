/**
 * The JSON schemas of the webhooks API: API Gateway validates requests with them (models, draft-04), the Lambda
 * cores validate with the same objects (defence in depth, and local mode), and docs/webhooks-openapi.json is
 * generated from them. Only keywords draft-04 and draft-07 read alike are used.
 */

/** An event type: lower-case dotted words, e.g. "invoice.paid". */
export const EVENT_TYPE_PATTERN = '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*$';
/** Ids are "ep_" / "evt_" followed by 26 base32 characters (time-ordered). */
export const ID_PATTERN = '^(ep|evt)_[0-9a-z]{26}$';

const eventType = { type: 'string', pattern: EVENT_TYPE_PATTERN, minLength: 1, maxLength: 128 };

export const SCHEMAS = {
  CreateEndpoint: {
    type: 'object',
    additionalProperties: false,
    required: ['url', 'eventTypes'],
    properties: {
      url: { type: 'string', minLength: 8, maxLength: 2048, description: 'https:// URL (http:// only in dev/local)' },
      eventTypes: { type: 'array', minItems: 1, maxItems: 100, uniqueItems: true, items: eventType },
      description: { type: 'string', maxLength: 512 },
      rateLimitPerSecond: { type: 'integer', minimum: 1, maximum: 10000, description: 'Most deliveries per second to this endpoint' },
    },
  },
  Endpoint: {
    type: 'object',
    required: ['id', 'url', 'eventTypes', 'status', 'createdAt'],
    properties: {
      id: { type: 'string' },
      url: { type: 'string' },
      eventTypes: { type: 'array', items: { type: 'string' } },
      description: { type: 'string' },
      rateLimitPerSecond: { type: 'integer' },
      status: { type: 'string', enum: ['active', 'disabled', 'deleted'] },
      disabledReason: { type: 'string' },
      circuit: { type: 'string', enum: ['closed', 'open', 'half-open'] },
      createdAt: { type: 'string' },
    },
  },
  EndpointCreated: {
    type: 'object',
    required: ['id', 'url', 'eventTypes', 'secret'],
    properties: {
      id: { type: 'string' },
      url: { type: 'string' },
      eventTypes: { type: 'array', items: { type: 'string' } },
      secret: { type: 'string', description: 'whsec_ + base64 of 32 random bytes (Standard Webhooks); shown once' },
    },
  },
  EndpointList: {
    type: 'object',
    required: ['items'],
    properties: { items: { type: 'array', items: { $ref: '#/components/schemas/Endpoint' } } },
  },
  SecretRotated: {
    type: 'object',
    required: ['id', 'secret', 'previousSecretExpiresAt'],
    properties: {
      id: { type: 'string' },
      secret: { type: 'string' },
      previousSecretExpiresAt: { type: 'string', description: 'Until then deliveries carry signatures of the old and the new secret' },
    },
  },
  CreateEvent: {
    type: 'object',
    additionalProperties: false,
    required: ['type', 'payload'],
    properties: {
      type: eventType,
      payload: { type: 'object', description: 'Any JSON object (size limit per environment, 64 KiB by default)' },
    },
  },
  EventAccepted: {
    type: 'object',
    required: ['id', 'createdAt'],
    properties: { id: { type: 'string' }, createdAt: { type: 'string' } },
  },
  Attempt: {
    type: 'object',
    required: ['endpointId', 'attempt', 'at', 'outcome', 'latencyMs'],
    properties: {
      endpointId: { type: 'string' },
      attempt: { type: 'integer' },
      at: { type: 'string' },
      outcome: { type: 'string', enum: ['success', 'failure', 'gone', 'blocked'] },
      statusCode: { type: 'integer' },
      latencyMs: { type: 'number' },
      error: { type: 'string' },
      nextAttemptAt: { type: 'string' },
    },
  },
  Event: {
    type: 'object',
    required: ['id', 'type', 'payload', 'createdAt', 'status', 'deliveries', 'attempts'],
    properties: {
      id: { type: 'string' },
      type: { type: 'string' },
      payload: { type: 'object' },
      createdAt: { type: 'string' },
      status: { type: 'string', enum: ['pending', 'delivered', 'failed', 'no_endpoints'] },
      deliveries: { type: 'object', description: 'endpoint id → pending | succeeded | failed | skipped' },
      attempts: { type: 'array', items: { $ref: '#/components/schemas/Attempt' } },
    },
  },
  EventList: {
    type: 'object',
    required: ['items', 'nextCursor'],
    properties: {
      items: { type: 'array', items: { $ref: '#/components/schemas/EventSummary' } },
      nextCursor: { type: ['string', 'null'] },
    },
  },
  EventSummary: {
    type: 'object',
    required: ['id', 'type', 'createdAt', 'status'],
    properties: { id: { type: 'string' }, type: { type: 'string' }, createdAt: { type: 'string' }, status: { type: 'string' } },
  },
  Error: {
    type: 'object',
    required: ['error', 'message'],
    properties: { error: { type: 'string' }, message: { type: 'string' } },
  },
} as const;

export type SchemaName = keyof typeof SCHEMAS;

/** Models API Gateway validates request bodies with. */
export const REQUEST_MODELS = ['CreateEndpoint', 'CreateEvent'] as const satisfies readonly SchemaName[];

/** Query parameters of GET /events. */
export const LIST_QUERY = {
  statuses: ['pending', 'delivered', 'failed', 'no_endpoints'] as const,
  maxLimit: 100,
  defaultLimit: 20,
};
