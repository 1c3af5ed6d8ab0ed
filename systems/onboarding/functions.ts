/**
 * The onboarding functions, declared once: each row is a function's code, size, environment,
 * event sources and access (as module grants, seed 002 section 8). The stack builds every
 * function, source, grant and alarm set from this table and nothing else.
 */
import type { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import type { ServiceRole } from '../../modules/iam/role';
import type { Bucket } from '../../modules/object-store';
import type { Queue } from '../../modules/queue';
import type { DynamoDbItemAction, Table } from '../../modules/table';
import type { Topic } from '../../modules/topic';
import type { Database } from '../../modules/database';
import type { DynamoDbStreamSourceOptions, LambdaFunction, SqsSourceOptions } from '../../modules/function';
import type { Secret } from '../../modules/secret';
import type { Environment } from '../../environments/lib/schema';
import { ENV as LAMBDA_ENV } from '../../lambdas/onboarding/shared/config';
import { OnboardingFunctionName, lambdaEntry } from './names';
import { ONBOARDING_SETTINGS as S } from './settings';

/** What the functions use, built by the stack before the functions. */
export interface OnboardingResources {
  readonly onboarding: NonNullable<Environment['onboarding']>;
  readonly uploads: Bucket;
  readonly uploadRecords: Table;
  readonly idempotency: Table;
  readonly validationErrors: Queue;
  readonly notifications: Topic;
  readonly database: Database;
  /** HS256 key of the report links (issue 14). */
  readonly reportLinkKey: Secret;
  /** HS256 key of the vendor tokens (issue 14). */
  readonly vendorTokenKey: Secret;
}

/** The functions built so far (the table is built in order: a row may use the URL of an earlier one). */
export type BuiltFunctions = Readonly<Partial<Record<OnboardingFunctionName, LambdaFunction>>>;

/** An event source of a function. */
export type OnboardingSource =
  | { readonly kind: 's3'; readonly bucket: Bucket; readonly events: readonly string[]; readonly filterPrefix?: string; readonly filterSuffix?: string; readonly ignoreSuffixCase?: boolean }
  | { readonly kind: 'stream'; readonly table: Table; readonly options: DynamoDbStreamSourceOptions }
  | { readonly kind: 'queue'; readonly queue: Queue; readonly options: SqsSourceOptions };

/** One row of the table. */
export interface OnboardingFunctionSpec {
  readonly name: OnboardingFunctionName;
  /** lambdas/onboarding/<name>/index.ts (the stack's `functionCode` prop may replace it). */
  readonly entry: string;
  readonly description: string;
  readonly memorySizeMiB: number;
  readonly timeoutSeconds: number;
  /** Environment variables of its own (the database connection variables are added to every function). */
  readonly environment: (r: OnboardingResources, built: BuiltFunctions) => Record<string, string>;
  /** A public function URL (auth NONE: the function checks a token on every request). */
  readonly publicUrl?: boolean;
  /**
   * Whether it connects to the catalog database (gets the DB_* variables).
   * @default true
   */
  readonly usesDatabase?: boolean;
  /** Event sources, wired after the function is built and before its grants. */
  readonly sources: (r: OnboardingResources) => readonly OnboardingSource[];
  /** Where asynchronous invocations that failed every retry go. */
  readonly asyncOnFailureQueue?: (r: OnboardingResources) => SqsQueue;
  /** Its role's access beyond logs, network and its sources, in the seed's order (statement order is the policy's). */
  readonly grants: (role: ServiceRole, r: OnboardingResources) => void;
}

const row = (name: OnboardingFunctionName) => ({ name, entry: lambdaEntry(name), ...S.functions[name] });
/** The idempotency records of Powertools: one parse per S3 object, one report per upload. */
const idempotencyActions: DynamoDbItemAction[] = ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];

export const ONBOARDING_FUNCTION_TABLE: readonly OnboardingFunctionSpec[] = [
  {
    ...row('csv-parser'),
    environment: (r) => ({
      [LAMBDA_ENV.uploadTable]: r.uploadRecords.tableName,
      [LAMBDA_ENV.errorsQueueUrl]: r.validationErrors.queueUrl,
      [LAMBDA_ENV.idempotencyTable]: r.idempotency.tableName,
      [LAMBDA_ENV.stagingTtlDays]: String(r.onboarding.stagingRecordTtlDays),
    }),
    // Seed: "S3 Event Notification (ObjectCreated:*)" on uploads/*.csv; the suffix in any case (.csv, .CSV, …), as the code checks it.
    sources: (r) => [{ kind: 's3', bucket: r.uploads, events: S.bucket.uploadEvents, filterPrefix: S.bucket.uploadsPrefix, filterSuffix: S.bucket.uploadSuffix, ignoreSuffixCase: true }],
    // S3 invokes csv-parser asynchronously: an event that fails every retry goes to the DLQ
    // (seed section 7: "Failed after retries? -> DLQ", reviewed by hand, alarmed).
    asyncOnFailureQueue: (r) => r.validationErrors.deadLetterQueue,
    // csv-parser-role: s3:GetObject (uploads/* only), dynamodb:BatchWriteItem, secretsmanager:GetSecretValue, logs;
    // beyond the seed: unparseable rows and upload-finished events go to the error queue; idempotency records.
    grants: (role, r) => {
      r.uploads.grantReadObjects(role, S.bucket.uploadsPrefix);
      r.uploadRecords.grantItemActions(role, ['dynamodb:BatchWriteItem']);
      r.database.masterSecret.grantReadValue(role);
      r.validationErrors.grant(role, 'sqs:SendMessage');
      // A retry after a partial staging write checks which rows exist before writing (issue 14).
      r.uploadRecords.grantItemActions(role, ['dynamodb:BatchGetItem']);
      r.idempotency.grantItemActions(role, idempotencyActions);
    },
  },
  {
    ...row('product-validator'),
    environment: (r) => ({
      [LAMBDA_ENV.uploadTable]: r.uploadRecords.tableName,
      [LAMBDA_ENV.errorsQueueUrl]: r.validationErrors.queueUrl,
    }),
    // Seed: "Stream Trigger (INSERT events)"; batches that fail every retry go to the DLQ.
    sources: (r) => [{ kind: 'stream', table: r.uploadRecords, options: { ...S.stream, filterPatterns: S.stream.filterPatterns, onFailureQueue: r.validationErrors.deadLetterQueue } }],
    // product-validator-role: dynamodb:GetRecords (the stream source grants it), dynamodb:UpdateItem,
    // sqs:SendMessage, secretsmanager:GetSecretValue, logs.
    grants: (role, r) => {
      r.uploadRecords.grantItemActions(role, ['dynamodb:UpdateItem']);
      r.validationErrors.grant(role, 'sqs:SendMessage');
      r.database.masterSecret.grantReadValue(role);
    },
  },
  // Issue 14: the 7-day link of an error report (before error-processor, which links to its URL).
  {
    ...row('report-link'),
    publicUrl: true,
    usesDatabase: false,
    environment: (r) => ({
      [LAMBDA_ENV.uploadsBucket]: r.uploads.bucketName,
      [LAMBDA_ENV.reportLinkKeySecretArn]: r.reportLinkKey.secretArn,
      [LAMBDA_ENV.reportLinkRedirectTtlSeconds]: String(S.links.redirectTtlSeconds),
    }),
    sources: () => [],
    // The presigned GET carries the signer's rights: s3:GetObject on errors/* only; the key, read only.
    grants: (role, r) => {
      r.uploads.grantReadObjects(role, S.bucket.errorsPrefix);
      r.reportLinkKey.grantReadValue(role);
    },
  },
  {
    ...row('error-processor'),
    environment: (r, built) => ({
      [LAMBDA_ENV.uploadsBucket]: r.uploads.bucketName,
      [LAMBDA_ENV.notificationTopicArn]: r.notifications.topicArn,
      [LAMBDA_ENV.idempotencyTable]: r.idempotency.tableName,
      [LAMBDA_ENV.errorReportUrlTtlSeconds]: String(S.links.reportLinkTtlSeconds),
      [LAMBDA_ENV.reportLinkKeySecretArn]: r.reportLinkKey.secretArn,
      [LAMBDA_ENV.reportLinkBaseUrl]: urlOf(built, 'report-link'),
    }),
    sources: (r) => [{ kind: 'queue', queue: r.validationErrors, options: S.errorSource }],
    // error-processor-role: sqs:ReceiveMessage + sqs:DeleteMessage (the queue source grants them, with GetQueueAttributes),
    // s3:PutObject (errors/* only), sns:Publish, secretsmanager:GetSecretValue, logs; beyond the seed: the error
    // report's presigned URL carries the signer's rights (s3:GetObject on errors/* only); idempotency records.
    grants: (role, r) => {
      r.uploads.grantPutObjects(role, S.bucket.errorsPrefix);
      r.notifications.grantPublish(role);
      r.database.masterSecret.grantReadValue(role);
      r.uploads.grantReadObjects(role, S.bucket.errorsPrefix);
      r.idempotency.grantItemActions(role, idempotencyActions);
      // Issue 14: signs the reports' 7-day links; creates the key on first use when the secret is empty.
      r.reportLinkKey.grantInitialize(role);
    },
  },
  // Issue 14: the vendors' upload path (seed: "Vendor's Computer -> [HTTP PUT] -> S3").
  {
    ...row('upload-url'),
    publicUrl: true,
    usesDatabase: false,
    environment: (r) => ({
      [LAMBDA_ENV.uploadsBucket]: r.uploads.bucketName,
      [LAMBDA_ENV.vendorTokenKeySecretArn]: r.vendorTokenKey.secretArn,
      [LAMBDA_ENV.uploadUrlTtlSeconds]: String(S.links.uploadUrlTtlSeconds),
    }),
    sources: () => [],
    // The presigned PUT carries the signer's rights: s3:PutObject on uploads/* (the URL's signed key narrows it to one object).
    grants: (role, r) => {
      r.uploads.grantPutObjects(role, S.bucket.uploadsPrefix);
      r.vendorTokenKey.grantReadValue(role);
    },
  },
  // Issue 14: the catalog deploys itself (the stack invokes it with the migrations and reference data).
  {
    ...row('catalog-migrator'),
    environment: () => ({}),
    sources: () => [],
    grants: (role, r) => {
      r.database.masterSecret.grantReadValue(role);
    },
  },
];

function urlOf(built: BuiltFunctions, name: OnboardingFunctionName): string {
  const url = built[name]?.publicUrl;
  if (!url) throw new Error(`onboarding functions table: ${name} must come earlier in the table and have publicUrl: true`);
  return url;
}
