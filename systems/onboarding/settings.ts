/**
 * The settings seed 002 draws, as data: the stack reads them from here, and
 * the tests and the README compare them with the seed. Values the seed leaves
 * open are marked "chosen".
 */
import type { OnboardingFunctionName } from './names';

export const ONBOARDING_SETTINGS = {
  bucket: {
    /** Vendors upload to uploads/<vendor>/<file>.csv. */
    uploadsPrefix: 'uploads/',
    /** The error processor writes errors/<vendor>/<upload>_errors.csv. */
    errorsPrefix: 'errors/',
    /** Only CSV files start a parse. */
    uploadSuffix: '.csv',
    /** Seed: "S3 Event Notification (ObjectCreated:*)". */
    uploadEvents: ['s3:ObjectCreated:*'],
  },
  table: {
    partitionKey: { name: 'upload_id', type: 'S' },
    sortKey: { name: 'record_id', type: 'S' },
    vendorIndex: { indexName: 'VendorIndex', partitionKey: { name: 'vendor_id', type: 'S' }, projection: 'ALL' },
    streamViewType: 'NEW_IMAGE',
    /** Chosen: epoch seconds after which DynamoDB removes a staged row (the Lambda code sets it). */
    timeToLiveAttribute: 'expires_at',
  },
  idempotencyTable: {
    /** Powertools idempotency layout: partition key `id`, TTL on `expiration`. */
    partitionKey: { name: 'id', type: 'S' },
    timeToLiveAttribute: 'expiration',
  },
  functions: {
    'csv-parser': { memorySizeMiB: 512, timeoutSeconds: 300, description: 'Parses an uploaded vendor CSV into UploadRecords (seed 002 step 2)' },
    'product-validator': { memorySizeMiB: 512, timeoutSeconds: 300, description: 'Validates staged products from the UploadRecords stream into RDS or the error queue (step 4)' },
    /** Timeout chosen: 6 x 45 s + the 30 s batching window = the queue's 300 s visibility timeout (AWS guidance). */
    'error-processor': { memorySizeMiB: 256, timeoutSeconds: 45, description: 'Turns validation errors into error reports and notifies the vendor (steps 6-7)' },
    /** Chosen (issue 14): checks a report link's token and redirects to a presigned GET; no database. */
    'report-link': { memorySizeMiB: 256, timeoutSeconds: 10, description: 'Redirects a valid 7-day error-report link to a fresh short-lived presigned GET' },
    /** Chosen (issue 14): checks a vendor token and returns a presigned PUT under uploads/<that vendor>/. */
    'upload-url': { memorySizeMiB: 256, timeoutSeconds: 10, description: 'Issues a presigned PUT for uploads/<vendor>/ to a vendor with a valid token' },
    /** Chosen (issue 14): migrations can take minutes on a large table; Terraform waits for the result. */
    'catalog-migrator': { memorySizeMiB: 256, timeoutSeconds: 300, description: 'Applies the catalog migrations and reference data (invoked by Terraform on change)' },
  } satisfies Record<OnboardingFunctionName, { memorySizeMiB: number; timeoutSeconds: number; description: string }>,
  stream: {
    /**
     * Chosen (issue 14): 1,000 records per invocation (the seed draws 100). The validator's
     * SQL path costs about ten statements per batch whatever its size, so larger batches reach
     * the >= 10,000 rows/s target (docs/onboarding.md, "Operations & limits").
     */
    batchSize: 1000,
    bisectBatchOnError: true,
    reportBatchItemFailures: true,
    /** Seed: "DynamoDB Streams: 10000 retries". */
    maximumRetryAttempts: 10_000,
    /** Chosen: 6 hours (rides out an RDS failover or maintenance; the stream keeps 24 hours). */
    maximumRecordAgeSeconds: 21_600,
    /** Chosen: read the stream from the oldest record kept, so a re-created mapping misses nothing. */
    startingPosition: 'TRIM_HORIZON',
    /** Seed: "Stream Trigger (INSERT events)"; the validator's own status updates (MODIFY) and TTL deletions (REMOVE) do not invoke it. */
    filterPatterns: [{ eventName: ['INSERT'] }],
  },
  validationErrorsQueue: {
    visibilityTimeoutSeconds: 300,
    retentionSeconds: 345_600,
    maxReceiveCount: 3,
  },
  errorSource: {
    batchSize: 10,
    maximumBatchingWindowSeconds: 30,
    reportBatchItemFailures: true,
  },
  database: {
    /** Seed: ecommerce_platform. */
    databaseName: 'ecommerce_platform',
    /** Seed: "username": "postgres". */
    masterUsername: 'postgres',
    port: 5432,
  },
  alarms: {
    /** Seed: "Error rate > 10%" (per function, over 5 minutes). */
    maxErrorRatePercent: 10,
    errorRatePeriodSeconds: 300,
    /**
     * Seed: "Processing time > 5 min". Chosen: the longest invocation of a minute reaches 80 % of the function's
     * timeout (240 s for csv-parser and product-validator, 36 s for error-processor): the seed's 5 minutes is the
     * 300 s timeout itself, at which an alarm would only report invocations already killed.
     */
    maxDurationPercentOfTimeout: 80,
    /** Seed: "DLQ messages > 0". */
    maxDeadLetterMessages: 0,
  },
  links: {
    /** Seed: "Presigned URLs time-limited (7 days)": the report link's token lives this long. */
    reportLinkTtlSeconds: 604_800,
    /** Chosen: the presigned GET a link redirects to lives 5 minutes (each click makes a new one). */
    redirectTtlSeconds: 300,
    /** Chosen: a vendor has 15 minutes to start the PUT of a presigned upload URL. */
    uploadUrlTtlSeconds: 900,
  },
  /** Custom metrics namespace of the functions (Powertools). */
  metricsNamespace: 'ProductOnboarding',
  /** Lambda's Node.js 20+ runtimes no longer trusts the RDS CA by default; this bundle of the runtime has it. */
  caBundle: '/var/runtime/ca-cert.pem',
} as const;
