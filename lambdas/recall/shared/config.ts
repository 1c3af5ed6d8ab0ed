/**
 * Environment variables of the recall Lambdas, in one place: the stack sets them, the handlers
 * read them once at cold start, and a missing one stops the start naming the variable.
 */
export const ENV = {
  /** Queue URLs of the three priorities and their dead-letter queues. */
  highQueueUrl: 'HIGH_QUEUE_URL',
  mediumQueueUrl: 'MEDIUM_QUEUE_URL',
  lowQueueUrl: 'LOW_QUEUE_URL',
  highDlqUrl: 'HIGH_DLQ_URL',
  mediumDlqUrl: 'MEDIUM_DLQ_URL',
  lowDlqUrl: 'LOW_DLQ_URL',
  /** DynamoDB table of the idempotency records (partition key `id`, TTL `expires_at`). */
  idempotencyTable: 'IDEMPOTENCY_TABLE',
  /** SES identity the e-mails are sent from. */
  senderEmail: 'SENDER_EMAIL',
  /** SNS topic of SMS notifications (one SMS subscription per registered phone, filtered on phone_number). */
  smsTopicArn: 'SMS_TOPIC_ARN',
  /** Optional SES configuration set. */
  sesConfigurationSet: 'SES_CONFIGURATION_SET',
  /** Secret holding the Teams Workflows URL ({"url": "https://..."} or the bare URL). */
  teamsSecretArn: 'TEAMS_SECRET_ARN',
  /** Secret holding the outbound webhook ({"url": "https://...", "signingSecret": "whsec_..."}). */
  webhookSecretArn: 'WEBHOOK_SECRET_ARN',
  /** Queue receiving adapter deliveries refused for good (400/413/invalid event), with the reason. */
  adapterDlqUrl: 'ADAPTER_DLQ_URL',
  /** Receive slots per polling round, "high:medium:low" (default 8:3:1). */
  priorityWeights: 'PRIORITY_WEIGHTS',
} as const;

export type EnvKey = keyof typeof ENV;

/** Reads the listed variables; throws naming every one that is missing or empty. */
export function readEnv<K extends EnvKey>(keys: readonly K[], env: NodeJS.ProcessEnv = process.env): Record<K, string> {
  const missing = keys.filter((k) => !env[ENV[k]]);
  if (missing.length) throw new Error(`recall Lambda configuration: missing environment variable(s) ${missing.map((k) => ENV[k]).join(', ')}`);
  return Object.fromEntries(keys.map((k) => [k, env[ENV[k]] as string])) as Record<K, string>;
}
