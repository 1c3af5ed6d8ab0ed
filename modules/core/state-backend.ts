/**
 * Where a stack keeps its Terraform state: declared in synth, never patched in afterwards.
 *
 * Every environment names its state (`state` of the environment file, environments/lib/schema.ts): one S3
 * bucket per account and region by default (`classifyhub-tfstate-<account>-<region>`, created by
 * `npm run bootstrap -- <env>`), one key per stack (`<keyPrefix><stack>/terraform.tfstate`), encrypted, and
 * locked with S3's own lock file (`use_lockfile`, Terraform >= 1.10) or, when the environment names one, a
 * DynamoDB lock table. {@link declareStateBackend} writes that S3 backend into the stack's cdk.tf.json, so
 * `npm run deploy` and `npx cdktf deploy <stack>` read and write the same state. Offline planning replaces
 * the backend with a local one in a scratch copy of the stack folder only (scripts/lib/terraform/offline.ts).
 */
import { S3Backend, TerraformStack } from 'cdktf';

/** The parts of an environment that decide its state location. */
export interface StateEnvironment {
  readonly name: string;
  readonly file?: string;
  readonly account: { readonly id: string; readonly region: string };
  /** The environment file's `state` section (every field optional). */
  readonly state?: StateSettings;
}

/** `state` of an environment file. */
export interface StateSettings {
  /** S3 bucket of the state. @default classifyhub-tfstate-<account.id>-<region> */
  readonly bucket?: string;
  /** Region of the bucket. @default the environment's account.region */
  readonly region?: string;
  /** Prefix of every stack's key: `<keyPrefix><stack>/terraform.tfstate`. @default "" */
  readonly keyPrefix?: string;
  /** DynamoDB table (partition key `LockID`, string) that locks the state. @default none: S3's own lock file (`use_lockfile`) */
  readonly lockTable?: string;
}

/** Where an environment keeps its Terraform state. */
export interface StateLocation {
  /** S3 bucket name. */
  readonly bucket: string;
  /** Region of the bucket. */
  readonly region: string;
  /** Account that must own the bucket (checked with ExpectedBucketOwner by the bootstrap). */
  readonly accountId: string;
  /** Prefix of every stack's key ("" or ending in "/"). @default "" */
  readonly keyPrefix?: string;
  /** DynamoDB lock table, or undefined for S3's own lock file. */
  readonly lockTable?: string;
}

/** The `terraform.backend.s3` block of a stack, as Terraform reads it. */
export interface S3BackendConfig {
  readonly bucket: string;
  readonly key: string;
  readonly region: string;
  readonly encrypt: true;
  readonly use_lockfile?: true;
  readonly dynamodb_table?: string;
}

/** S3 bucket names (3-63 characters), no IP-like or reserved forms. */
export const STATE_BUCKET_NAME = /^(?!xn--)(?!.*-s3alias$)(?!\d+\.\d+\.\d+\.\d+$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** A key prefix: empty, or path segments each ending in "/". */
export const STATE_KEY_PREFIX = /^([A-Za-z0-9!_.*'()-]+\/)*$/;
/** DynamoDB table names. */
export const LOCK_TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;

/** Default bucket name: unique per account and region, as S3 bucket names are global. */
export function defaultStateBucket(accountId: string, region: string): string {
  return `classifyhub-tfstate-${accountId}-${region}`;
}

/** The state location of an environment: its `state` settings over the defaults. Throws naming the file and field for a bad name. */
export function stateLocation(env: StateEnvironment): StateLocation {
  const own = env.state ?? {};
  const region = own.region || env.account.region;
  const bucket = own.bucket || defaultStateBucket(env.account.id, region);
  const keyPrefix = own.keyPrefix ?? '';
  const where = (field: string) => `${env.file ?? `environment ${env.name}`} field "state.${field}"`;
  if (!STATE_BUCKET_NAME.test(bucket)) {
    throw new Error(`${where('bucket')}: received ${JSON.stringify(bucket)}; expected an S3 bucket name (3-63 lower-case letters, digits, dots, dashes)`);
  }
  if (!STATE_KEY_PREFIX.test(keyPrefix)) throw new Error(`${where('keyPrefix')}: received ${JSON.stringify(keyPrefix)}; expected "" or path segments ending in "/", e.g. "platform/"`);
  if (own.lockTable !== undefined && !LOCK_TABLE_NAME.test(own.lockTable)) throw new Error(`${where('lockTable')}: received ${JSON.stringify(own.lockTable)}; expected a DynamoDB table name (3-255 letters, digits, _ . -)`);
  return { bucket, region, accountId: env.account.id, keyPrefix, ...(own.lockTable ? { lockTable: own.lockTable } : {}) };
}

/** The S3 backend of one stack: its own key in the environment's bucket, encrypted, locked. */
export function s3Backend(location: StateLocation, stackName: string): S3BackendConfig {
  return {
    bucket: location.bucket,
    key: `${location.keyPrefix ?? ''}${stackName}/terraform.tfstate`,
    region: location.region,
    encrypt: true,
    ...(location.lockTable ? { dynamodb_table: location.lockTable } : { use_lockfile: true }),
  };
}

/**
 * Declares the S3 backend of `stack` (named `<system>-<env>`) from its environment's state settings.
 * {@link ReadableStack} calls it for every stack given an environment.
 */
export function declareStateBackend(stack: TerraformStack, env: StateEnvironment): S3BackendConfig {
  const config = s3Backend(stateLocation(env), stack.node.id);
  new S3Backend(stack, { bucket: config.bucket, key: config.key, region: config.region, encrypt: true, dynamodbTable: config.dynamodb_table });
  // cdktf 0.21's S3Backend has no typed use_lockfile (S3-native locking, Terraform >= 1.10).
  if (config.use_lockfile) stack.addOverride('terraform.backend.s3.use_lockfile', true);
  return config;
}
