/** Defaults of the Bucket construct. */
export const BUCKET_DEFAULTS = {
  /** Old object versions are removed this many days after they stop being current. */
  noncurrentVersionExpiryDays: 30,
  /** Incomplete multipart uploads are aborted after this many days. */
  abortIncompleteUploadDays: 7,
  /** Browser origins allowed to PUT/GET with pre-signed URLs. */
  corsAllowedOrigins: [] as readonly string[],
  /** Pre-flight cache time for CORS, seconds. */
  corsMaxAgeSeconds: 3000,
} as const;
