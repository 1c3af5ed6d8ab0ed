/**
 * Environment variables of the onboarding Lambdas. Every handler reads its settings here, once,
 * and a missing variable stops the cold start with its name.
 */
export const ENV = {
  /** DynamoDB UploadRecords staging table (PK upload_id, SK record_id, stream NEW_IMAGE). */
  uploadTable: 'UPLOAD_TABLE',
  /** SQS queue of validation errors and upload-finished events (product-validation-errors). */
  errorsQueueUrl: 'ERRORS_QUEUE_URL',
  /** SNS topic product-upload-notifications. */
  notificationTopicArn: 'NOTIFICATION_TOPIC_ARN',
  /** Bucket of uploads/ and errors/ (the error processor writes the error reports there). */
  uploadsBucket: 'UPLOADS_BUCKET',
  /** DynamoDB table of the Powertools idempotency records (partition key `id`, TTL on `expiration`). */
  idempotencyTable: 'IDEMPOTENCY_TABLE',
  /** Days a staged record stays in UploadRecords (TTL attribute `expires_at`). Default 7. */
  stagingTtlDays: 'STAGING_TTL_DAYS',
  /** Lifetime of the error report's presigned URL in seconds. Default 604800 (7 days, the maximum). */
  errorReportUrlTtlSeconds: 'ERROR_REPORT_URL_TTL_SECONDS',
  /** Secrets Manager secret of the report-link HS256 key (error-processor signs, report-link verifies). */
  reportLinkKeySecretArn: 'REPORT_LINK_KEY_SECRET_ARN',
  /** Function URL of report-link; when set (with the key), reports are linked through it instead of a raw presigned URL. */
  reportLinkBaseUrl: 'REPORT_LINK_BASE_URL',
  /** Lifetime of the presigned GET report-link redirects to, seconds. Default 300. */
  reportLinkRedirectTtlSeconds: 'REPORT_LINK_REDIRECT_TTL_SECONDS',
  /** Secrets Manager secret of the HS256 key vendor tokens are signed with (upload-url verifies). */
  vendorTokenKeySecretArn: 'VENDOR_TOKEN_KEY_SECRET_ARN',
  /** Lifetime of the presigned PUT upload-url issues, seconds. Default 900. */
  uploadUrlTtlSeconds: 'UPLOAD_URL_TTL_SECONDS',
} as const;

export type ConfigKey = keyof typeof ENV;

export interface OnboardingConfig {
  readonly uploadTable: string;
  readonly errorsQueueUrl: string;
  readonly notificationTopicArn: string;
  readonly uploadsBucket: string;
  readonly idempotencyTable: string;
  readonly stagingTtlDays: number;
  readonly errorReportUrlTtlSeconds: number;
  readonly reportLinkKeySecretArn: string;
  readonly reportLinkBaseUrl: string;
  readonly reportLinkRedirectTtlSeconds: number;
  readonly vendorTokenKeySecretArn: string;
  readonly uploadUrlTtlSeconds: number;
}

/** Settings every readConfig result carries (numbers with defaults). */
type WithDefaults = 'stagingTtlDays' | 'errorReportUrlTtlSeconds' | 'reportLinkRedirectTtlSeconds' | 'uploadUrlTtlSeconds';

const OPTIONAL_NUMBERS: Partial<Record<ConfigKey, { default: number; min: number; max: number }>> = {
  stagingTtlDays: { default: 7, min: 1, max: 365 },
  errorReportUrlTtlSeconds: { default: 604_800, min: 60, max: 604_800 },
  reportLinkRedirectTtlSeconds: { default: 300, min: 60, max: 3600 },
  uploadUrlTtlSeconds: { default: 900, min: 60, max: 3600 },
};

/**
 * Reads the settings a handler needs. Required keys must be set and non-empty; numeric ones
 * fall back to their defaults. Throws one error naming every missing or invalid variable.
 */
export function readConfig<K extends ConfigKey>(
  env: NodeJS.ProcessEnv,
  required: readonly K[],
): Pick<OnboardingConfig, K | WithDefaults> {
  const problems: string[] = [];
  const out: Record<string, string | number> = {};
  for (const key of required) {
    if (key in OPTIONAL_NUMBERS) continue;
    const value = env[ENV[key]];
    if (value === undefined || value.trim() === '') problems.push(`${ENV[key]} is not set`);
    else out[key] = value.trim();
  }
  for (const [key, spec] of Object.entries(OPTIONAL_NUMBERS) as [ConfigKey, { default: number; min: number; max: number }][]) {
    const raw = env[ENV[key]];
    if (raw === undefined || raw.trim() === '') {
      out[key] = spec.default;
      continue;
    }
    const n = Number(raw);
    if (!Number.isInteger(n) || n < spec.min || n > spec.max) {
      problems.push(`${ENV[key]} must be an integer from ${spec.min} to ${spec.max}, got "${raw}"`);
    } else out[key] = n;
  }
  if (problems.length > 0) throw new Error(`onboarding configuration: ${problems.join('; ')}`);
  return out as unknown as Pick<OnboardingConfig, K | WithDefaults>;
}
