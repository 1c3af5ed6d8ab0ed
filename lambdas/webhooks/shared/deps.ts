/** What the API cores need, injected (Lambda: from the environment; local mode and tests: built in-process). */
import type { SecretBox } from './keyring';
import type { QueuePort } from './queue';
import type { Resolver, SsrfPolicy } from './ssrf';
import type { WebhookStore } from './store';

export interface ApiDeps {
  readonly store: WebhookStore;
  readonly queue: QueuePort;
  readonly box: SecretBox;
  readonly ssrf: SsrfPolicy;
  readonly resolve?: Resolver;
  /** Known event types; null accepts any well-formed type. */
  readonly eventTypes: readonly string[] | null;
  /** Largest payload (JSON bytes). */
  readonly maxPayloadBytes: number;
  /** After a secret rotation the old secret keeps signing this long. */
  readonly rotationGraceSeconds: number;
  /** Events expire (DynamoDB TTL) after this many days. */
  readonly eventRetentionDays: number;
  readonly idempotencyTtlSeconds: number;
  readonly now: () => number;
}
