/**
 * Creates (or brings into line) the S3 bucket that holds an account's Terraform state: versioned,
 * encrypted by default (SSE-S3), public access blocked, ACLs disabled, TLS 1.2+ only, tagged.
 *
 * Idempotent: every setting is read first and written only when it differs, so a second run changes
 * nothing and says so. Every call after the bucket exists passes `ExpectedBucketOwner`, so a bucket of the
 * same name in another account is never modified (S3 answers 403).
 */
import {
  CreateBucketCommand,
  GetBucketEncryptionCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  PutBucketEncryptionCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  type BucketLocationConstraint,
  type S3Client,
} from '@aws-sdk/client-s3';
import { tlsOnlyBucketPolicy, type StateLocation } from './state';

/** What one step did. */
export interface BootstrapStep {
  readonly step: 'bucket' | 'versioning' | 'encryption' | 'public access block' | 'object ownership' | 'TLS-only policy' | 'tags';
  readonly status: 'created' | 'updated' | 'unchanged';
  readonly detail: string;
}

/** Options of {@link bootstrapStateBucket}. */
export interface BootstrapOptions {
  /** Tags of the bucket (merged into existing ones). @default { ManagedBy: 'classifyhub-bootstrap' } */
  readonly tags?: Readonly<Record<string, string>>;
  /** Called after each step, e.g. to print it. */
  readonly onStep?: (step: BootstrapStep) => void;
}

const PUBLIC_ACCESS_BLOCK = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true } as const;

interface AwsError {
  name?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

const errorName = (error: unknown): string => (error as AwsError).name ?? (error as AwsError).Code ?? '';
const httpStatus = (error: unknown): number | undefined => (error as AwsError).$metadata?.httpStatusCode;

/** Runs `call`, mapping the "not configured" S3 errors (NoSuchBucketPolicy, …) to `undefined`. */
async function readSetting<T>(call: () => Promise<T>, notFound: readonly string[]): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (notFound.includes(errorName(error))) return undefined;
    throw error;
  }
}

/**
 * Creates the state bucket described by `location` and applies its settings; returns the steps. Throws
 * with the bucket, the step and S3's message when a call fails (e.g. the name is taken by another account).
 */
export async function bootstrapStateBucket(s3: S3Client, location: StateLocation, options: BootstrapOptions = {}): Promise<BootstrapStep[]> {
  const { bucket: Bucket, region, accountId: ExpectedBucketOwner } = location;
  const steps: BootstrapStep[] = [];
  const done = (step: BootstrapStep) => {
    steps.push(step);
    options.onStep?.(step);
  };
  let current: BootstrapStep['step'] = 'bucket';
  try {
    // Bucket
    let exists = true;
    try {
      await s3.send(new HeadBucketCommand({ Bucket, ExpectedBucketOwner }));
    } catch (error) {
      if (errorName(error) === 'NotFound' || httpStatus(error) === 404) exists = false;
      else if (httpStatus(error) === 403) {
        throw new Error(
          `the bucket exists but is not in account ${ExpectedBucketOwner} or these credentials may not read it (403). ` +
            'S3 bucket names are global: pick another name with state.bucket in the environment file, or use credentials of the right account',
        );
      } else if (httpStatus(error) === 301) throw new Error(`the bucket exists in another region than ${region} (301); set state.region in the environment file to its region`);
      else throw error;
    }
    if (exists) done({ step: 'bucket', status: 'unchanged', detail: `s3://${Bucket} exists in account ${ExpectedBucketOwner}` });
    else {
      try {
        await s3.send(
          new CreateBucketCommand({
            Bucket,
            ObjectOwnership: 'BucketOwnerEnforced',
            // us-east-1 is the default location and must not be named.
            ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }),
          }),
        );
        done({ step: 'bucket', status: 'created', detail: `s3://${Bucket} in ${region}` });
      } catch (error) {
        if (errorName(error) === 'BucketAlreadyOwnedByYou') done({ step: 'bucket', status: 'unchanged', detail: `s3://${Bucket} already exists in this account` });
        else if (errorName(error) === 'BucketAlreadyExists') throw new Error('the name is taken by another AWS account (bucket names are global); pick another with state.bucket in the environment file');
        else throw error;
      }
    }

    // Versioning: every state write is a new version, so a broken apply can be rolled back.
    current = 'versioning';
    const versioning = await s3.send(new GetBucketVersioningCommand({ Bucket, ExpectedBucketOwner }));
    if (versioning.Status === 'Enabled') done({ step: current, status: 'unchanged', detail: 'enabled' });
    else {
      await s3.send(new PutBucketVersioningCommand({ Bucket, ExpectedBucketOwner, VersioningConfiguration: { Status: 'Enabled' } }));
      done({ step: current, status: 'updated', detail: `enabled (was ${versioning.Status ?? 'never enabled'})` });
    }

    // Default encryption: SSE-S3, as the backend's `encrypt = true` requests for every state object.
    // A bucket already on SSE-KMS is left as it is (no downgrade).
    current = 'encryption';
    const encryption = await readSetting(() => s3.send(new GetBucketEncryptionCommand({ Bucket, ExpectedBucketOwner })), ['ServerSideEncryptionConfigurationNotFoundError']);
    const algorithm = encryption?.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm;
    if (algorithm === 'AES256' || algorithm === 'aws:kms' || algorithm === 'aws:kms:dsse') done({ step: current, status: 'unchanged', detail: `default encryption ${algorithm}` });
    else {
      await s3.send(
        new PutBucketEncryptionCommand({
          Bucket,
          ExpectedBucketOwner,
          ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        }),
      );
      done({ step: current, status: encryption ? 'updated' : 'created', detail: 'default encryption AES256 (SSE-S3)' });
    }

    // Public access block: all four switches on.
    current = 'public access block';
    const block = await readSetting(() => s3.send(new GetPublicAccessBlockCommand({ Bucket, ExpectedBucketOwner })), ['NoSuchPublicAccessBlockConfiguration']);
    const config = block?.PublicAccessBlockConfiguration ?? {};
    if (Object.entries(PUBLIC_ACCESS_BLOCK).every(([key, value]) => config[key as keyof typeof PUBLIC_ACCESS_BLOCK] === value)) {
      done({ step: current, status: 'unchanged', detail: 'all four settings on' });
    } else {
      await s3.send(new PutPublicAccessBlockCommand({ Bucket, ExpectedBucketOwner, PublicAccessBlockConfiguration: { ...PUBLIC_ACCESS_BLOCK } }));
      done({ step: current, status: block ? 'updated' : 'created', detail: 'all four settings on' });
    }

    // Object ownership: ACLs disabled, the bucket owner owns every object.
    current = 'object ownership';
    const ownership = await readSetting(() => s3.send(new GetBucketOwnershipControlsCommand({ Bucket, ExpectedBucketOwner })), ['OwnershipControlsNotFoundError']);
    if (ownership?.OwnershipControls?.Rules?.[0]?.ObjectOwnership === 'BucketOwnerEnforced') done({ step: current, status: 'unchanged', detail: 'BucketOwnerEnforced (ACLs disabled)' });
    else {
      await s3.send(new PutBucketOwnershipControlsCommand({ Bucket, ExpectedBucketOwner, OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } }));
      done({ step: current, status: ownership ? 'updated' : 'created', detail: 'BucketOwnerEnforced (ACLs disabled)' });
    }

    // Bucket policy: deny plain HTTP and TLS < 1.2. Statements of an existing policy with other Sids are kept.
    current = 'TLS-only policy';
    const wanted = JSON.parse(tlsOnlyBucketPolicy(Bucket)) as PolicyDocument;
    const existing = await readSetting(() => s3.send(new GetBucketPolicyCommand({ Bucket, ExpectedBucketOwner })), ['NoSuchBucketPolicy']);
    const policy = existing?.Policy ? (JSON.parse(existing.Policy) as PolicyDocument) : undefined;
    const ours = new Set(wanted.Statement.map((s) => s.Sid));
    const hasOurs = policy !== undefined && wanted.Statement.every((w) => policy.Statement.some((s) => s.Sid === w.Sid && sameJson(s, w)));
    if (hasOurs) done({ step: current, status: 'unchanged', detail: 'denies requests without TLS 1.2+' });
    else {
      const merged = { ...wanted, Statement: [...(policy?.Statement ?? []).filter((s) => !ours.has(s.Sid)), ...wanted.Statement] };
      await s3.send(new PutBucketPolicyCommand({ Bucket, ExpectedBucketOwner, Policy: JSON.stringify(merged) }));
      done({ step: current, status: policy ? 'updated' : 'created', detail: 'denies requests without TLS 1.2+' });
    }

    // Tags.
    current = 'tags';
    const tags = { ManagedBy: 'classifyhub-bootstrap', ...(options.tags ?? {}) };
    const tagging = await readSetting(() => s3.send(new GetBucketTaggingCommand({ Bucket, ExpectedBucketOwner })), ['NoSuchTagSet']);
    const currentTags = Object.fromEntries((tagging?.TagSet ?? []).map((t) => [t.Key as string, t.Value ?? '']));
    const described = Object.entries(tags).map(([k, v]) => `${k}=${v}`).join(', ');
    if (Object.entries(tags).every(([k, v]) => currentTags[k] === v)) done({ step: current, status: 'unchanged', detail: described });
    else {
      const TagSet = Object.entries({ ...currentTags, ...tags }).map(([Key, Value]) => ({ Key, Value }));
      await s3.send(new PutBucketTaggingCommand({ Bucket, ExpectedBucketOwner, Tagging: { TagSet } }));
      done({ step: current, status: tagging ? 'updated' : 'created', detail: described });
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const name = errorName(error);
    throw new Error(`state bucket s3://${Bucket} (${region}), step "${current}": ${name && !message.startsWith(name) && name !== 'Error' ? `${name}: ` : ''}${message}`);
  }
  return steps;
}

interface PolicyStatement {
  Sid?: string;
  [key: string]: unknown;
}

interface PolicyDocument {
  Version: string;
  Statement: PolicyStatement[];
}

/** Deep equality of JSON values, ignoring key order. */
function sameJson(a: unknown, b: unknown): boolean {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value && typeof value === 'object'
        ? Object.fromEntries(Object.keys(value as object).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]))
        : value;
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}
