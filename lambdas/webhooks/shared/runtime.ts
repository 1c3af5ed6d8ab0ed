/** Builds the functions' dependencies from the environment (Lambda); local mode builds its own (local/). */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createDynamoClients, createSqsClient } from '../../lib/aws';
import type { KeySource, TokenSettings } from './auth';
import { ENV, SETTINGS, numberVar, required } from './config';
import type { ApiDeps } from './deps';
import { DynamoStore } from './dynamo-store';
import { keyringBox, parseKeyring, type Keyring } from './keyring';
import { SqsQueuePort } from './queue';
import { parseSchedule, type RetryPolicy } from './retry';

const secrets = new SecretsManagerClient({});
const cache = new Map<string, { ring: Keyring; loadedMs: number }>();
/** Key rings are re-read every 5 minutes, so a rotation reaches every warm function within that. */
const RING_TTL_MS = 300_000;

export async function loadKeyring(secretArn: string): Promise<Keyring> {
  const c = cache.get(secretArn);
  if (c && Date.now() - c.loadedMs < RING_TTL_MS) return c.ring;
  const r = await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }));
  const ring = parseKeyring(r.SecretString, `secret ${secretArn}`);
  cache.set(secretArn, { ring, loadedMs: Date.now() });
  return ring;
}

export async function apiDepsFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<ApiDeps> {
  const { doc } = createDynamoClients();
  const ringArn = required(env, ENV.endpointKeySecretArn);
  let ring = await loadKeyring(ringArn);
  const types = env[ENV.eventTypes];
  return {
    store: new DynamoStore(doc, { events: required(env, ENV.eventsTable), endpoints: required(env, ENV.endpointsTable) }),
    queue: new SqsQueuePort(createSqsClient(), required(env, ENV.queueUrl), required(env, ENV.deadLetterQueueUrl)),
    box: keyringBox(() => {
      void loadKeyring(ringArn).then((r) => (ring = r));
      return ring;
    }),
    ssrf: { requireHttps: env[ENV.requireHttps] !== 'false', allowAddresses: [] },
    eventTypes: types ? types.split(',') : null,
    maxPayloadBytes: numberVar(env, ENV.maxPayloadBytes, SETTINGS.maxPayloadBytes),
    rotationGraceSeconds: numberVar(env, ENV.rotationGraceSeconds, SETTINGS.rotationGraceSeconds),
    eventRetentionDays: numberVar(env, ENV.eventRetentionDays, SETTINGS.eventRetentionDays),
    idempotencyTtlSeconds: SETTINGS.idempotencyTtlSeconds,
    now: Date.now,
  };
}

export function retryPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): RetryPolicy {
  const s = env[ENV.retrySchedule];
  return s ? { ...SETTINGS.retry, scheduleSeconds: parseSchedule(s, ENV.retrySchedule) } : SETTINGS.retry;
}

export function tokenConfigFromEnv(env: NodeJS.ProcessEnv = process.env): { keys: KeySource; settings: TokenSettings } {
  const jwks = env[ENV.jwksUrl];
  return {
    keys: jwks ? { kind: 'jwks', url: jwks } : { kind: 'keyring', ring: () => loadKeyring(required(env, ENV.jwtKeySecretArn)) },
    settings: { issuer: required(env, ENV.issuer), audience: required(env, ENV.audience) },
  };
}
