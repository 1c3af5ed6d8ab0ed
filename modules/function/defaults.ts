/** Defaults of bundleLambda / bundleLambdaCached. */
export const BUNDLE_DEFAULTS = {
  /** Smaller archive, faster cold start. */
  minify: true,
  /** No source map: stored uncompressed it would triple the archive. */
  sourceMap: false,
  /** `pg` loads its optional native driver only on request; it is not installed. */
  external: ['pg-native'] as readonly string[],
  /** Stored entries: byte-identical on every machine (deflate depends on the zlib build). */
  compression: 'store' as 'store' | 'deflate',
  /** esbuild target matching the runtime (LAMBDA_RUNTIME, Node.js 22). */
  target: 'node22',
  /** File of the handler inside the ZIP. */
  handlerFile: 'index.js',
  /** Bumped when the cache layout or the build settings change. */
  cacheFormat: 3,
} as const;

/**
 * The one Lambda runtime of the platform: every function runs it and the bundles target it
 * (BUNDLE_DEFAULTS.target). Deprecated runtimes fail synth (guardrail CH-LAMBDA-004).
 */
export const LAMBDA_RUNTIME = 'nodejs22.x';

/** Runtimes the module offers (bundles target Node.js 22). */
export const LAMBDA_RUNTIMES = [LAMBDA_RUNTIME] as const;
export type LambdaRuntime = (typeof LAMBDA_RUNTIMES)[number];

/** Defaults of the LambdaFunction construct. */
export const FUNCTION_DEFAULTS = {
  /** `index.js`, export `handler`. */
  handler: 'index.handler',
  runtime: LAMBDA_RUNTIME as LambdaRuntime,
  /** Graviton: about 20 % cheaper per GB-second; the bundles are plain JavaScript. */
  architecture: 'arm64' as 'arm64' | 'x86_64',
  memorySizeMiB: 256,
  timeoutSeconds: 30,
  /** X-Ray active tracing (adds xray:PutTraceSegments / PutTelemetryRecords, which cannot be scoped). */
  tracing: 'Active' as 'Active' | 'PassThrough',
  /** Retries of asynchronous invocations (S3 notifications, SNS) after the first failure (0-2). */
  asyncRetryAttempts: 2,
  /** Log format of the runtime ('Text' keeps the application's own JSON lines as they are). */
  logFormat: 'Text' as 'Text' | 'JSON',
} as const;

/** Fixed settings. */
export const FUNCTION_SETTINGS = {
  /** Service principal of the execution role. */
  principal: 'lambda.amazonaws.com',
  /** Lambda memory limits, MiB. */
  minMemoryMiB: 128,
  maxMemoryMiB: 10_240,
  /** Lambda timeout limit, seconds. */
  maxTimeoutSeconds: 900,
} as const;

/** Defaults of DynamoDB stream event sources. */
export const STREAM_SOURCE_DEFAULTS = {
  batchSize: 100,
  /** Read from the oldest record kept (24 h): a re-created mapping misses nothing. */
  startingPosition: 'TRIM_HORIZON' as 'TRIM_HORIZON' | 'LATEST',
  bisectBatchOnError: true,
  reportBatchItemFailures: true,
  /** Retries of a failing batch (10000 is the maximum; -1 would retry until the record expires). */
  maximumRetryAttempts: 10_000,
  /** Records older than this go to the on-failure destination (6 hours; the stream keeps 24). */
  maximumRecordAgeSeconds: 21_600 as number,
  parallelizationFactor: 1,
  maximumBatchingWindowSeconds: 0,
} as const;

/** Defaults of SQS event sources. */
export const QUEUE_SOURCE_DEFAULTS = {
  batchSize: 10,
  maximumBatchingWindowSeconds: 0,
  reportBatchItemFailures: true,
} as const;
