import { Construct } from 'constructs';
import { Lazy } from 'cdktf';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { S3BucketCorsConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-cors-configuration';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { validateProps, withDefaults } from '../core/props';
import { IGrantable, PolicyStatement, renderPolicy } from '../iam/policy';
import { pascalCase } from '../core/tags';
import { actionsVerb, grantStatement } from '../iam/grant';
import { BUCKET_DEFAULTS } from './defaults';

/** Objects under a key prefix that expire some days after creation. */
export interface PrefixExpiration {
  /** Key prefix ending in "/", e.g. "errors/". */
  readonly prefix: string;
  /** Days after creation, >= 1. */
  readonly days: number;
}

/** A lifecycle transition of current object versions (BucketProps.transitions). */
export interface BucketTransition {
  readonly days: number;
  readonly storageClass: 'STANDARD_IA' | 'INTELLIGENT_TIERING' | 'GLACIER_IR' | 'GLACIER' | 'DEEP_ARCHIVE';
}

export interface BucketProps {
  /** Globally unique bucket name. */
  readonly bucketName: string;
  /**
   * Origins (https://host) allowed to upload and read with pre-signed URLs from a browser.
   * @default none - no CORS configuration
   */
  readonly corsAllowedOrigins?: readonly string[];
  /**
   * Pre-flight cache time of the CORS rule, seconds.
   * @default 3000
   */
  readonly corsMaxAgeSeconds?: number;
  /**
   * Days before a non-current object version is deleted.
   * @default 30
   */
  readonly noncurrentVersionExpiryDays?: number;
  /**
   * Days after creation before a current object version expires (becomes
   * non-current behind a delete marker; `noncurrentVersionExpiryDays` later
   * removes it). Adds a second lifecycle rule, `expire-current-versions`.
   * @default none - current versions never expire
   */
  readonly currentVersionExpiryDays?: number;
  /**
   * Expire objects under key prefixes: each entry adds a lifecycle rule `expire-<prefix>` (e.g.
   * `{ prefix: 'errors/', days: 30 }` -> rule "expire-errors") making current versions under the
   * prefix non-current after `days`; `noncurrentVersionExpiryDays` later removes them.
   * @default none - no prefix rules
   */
  readonly prefixExpirations?: readonly PrefixExpiration[];
  /**
   * Move current object versions to colder storage classes after so many days: each entry adds a lifecycle rule
   * `transition-<storage class>` (e.g. `{ days: 30, storageClass: 'GLACIER_IR' }`).
   * @default none - objects stay in STANDARD
   */
  readonly transitions?: readonly BucketTransition[];
  /**
   * Days before an incomplete multipart upload is aborted.
   * @default 7
   */
  readonly abortIncompleteUploadDays?: number;
  /**
   * Refuse `terraform destroy` of the bucket (lifecycle.prevent_destroy).
   * @default false
   */
  readonly preventDestroy?: boolean;
}

/**
 * A private S3 bucket: public access blocked, bucket-owner-enforced ownership,
 * SSE-S3 encryption, versioning, lifecycle clean-up, and a bucket policy that
 * denies any request not made over TLS. Other modules add to the policy with
 * `addToResourcePolicy`; workloads get access with `grantReadWrite(role)`.
 */
export class Bucket extends Construct {
  readonly bucket: S3Bucket;
  private readonly resourceStatements: PolicyStatement[] = [];

  constructor(scope: Construct, id: string, props: BucketProps) {
    super(scope, id);
    const p = withDefaults(BUCKET_DEFAULTS, props);
    validateProps('Bucket', p, [
      { field: 'bucketName', valid: (x) => /^(?!xn--)(?!.*-s3alias$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(x.bucketName) && !x.bucketName.includes('..'), expected: '3-63 lower-case letters, digits, dots or dashes' },
      { field: 'corsAllowedOrigins', valid: (x) => x.corsAllowedOrigins.every((o) => /^https:\/\/[a-z0-9.-]+(:\d+)?$/.test(o)), expected: 'https:// origins without a path (no wildcards)' },
      { field: 'noncurrentVersionExpiryDays', valid: (x) => Number.isInteger(x.noncurrentVersionExpiryDays) && x.noncurrentVersionExpiryDays >= 1, expected: 'a whole number of days >= 1' },
      { field: 'prefixExpirations', valid: (x) => (x.prefixExpirations ?? []).every((e) => /^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*\/$/.test(e.prefix) && Number.isInteger(e.days) && e.days >= 1), expected: 'entries { prefix: a key prefix ending in "/", days: a whole number >= 1 }' },
      { field: 'prefixExpirations', valid: (x) => new Set((x.prefixExpirations ?? []).map((e) => prefixRuleId(e.prefix))).size === (x.prefixExpirations ?? []).length, expected: 'each prefix once' },
      { field: 'currentVersionExpiryDays', valid: (x) => x.currentVersionExpiryDays === undefined || (Number.isInteger(x.currentVersionExpiryDays) && x.currentVersionExpiryDays >= 1), expected: 'a whole number of days >= 1' },
    ]);

    this.bucket = new S3Bucket(this, 'bucket', {
      bucket: p.bucketName,
      forceDestroy: false,
      lifecycle: p.preventDestroy ? { preventDestroy: true } : undefined,
    });
    new S3BucketPublicAccessBlock(this, 'public_access_block', {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, 'ownership', {
      bucket: this.bucket.id,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket: this.bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' }, bucketKeyEnabled: true }],
    });
    new S3BucketVersioningA(this, 'versioning', {
      bucket: this.bucket.id,
      versioningConfiguration: { status: 'Enabled' },
    });
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket: this.bucket.id,
      rule: [
        {
          id: 'expire-noncurrent-versions-and-abort-uploads',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          noncurrentVersionExpiration: [{ noncurrentDays: p.noncurrentVersionExpiryDays }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: p.abortIncompleteUploadDays }],
        },
        // Only when asked for: without it the rendered rule list is unchanged.
        ...(p.currentVersionExpiryDays !== undefined
          ? [{ id: 'expire-current-versions', status: 'Enabled', filter: [{ prefix: '' }], expiration: [{ days: p.currentVersionExpiryDays }] }]
          : []),
        ...(p.prefixExpirations ?? []).map((e) => ({ id: prefixRuleId(e.prefix), status: 'Enabled', filter: [{ prefix: e.prefix }], expiration: [{ days: e.days }] })),
        ...(props.transitions ?? []).map((t) => ({ id: `transition-${t.storageClass.toLowerCase().replace(/_/g, '-')}`, status: 'Enabled', filter: [{ prefix: '' }], transition: [{ days: t.days, storageClass: t.storageClass }] })),
      ],
    });
    if (p.corsAllowedOrigins.length) {
      new S3BucketCorsConfiguration(this, 'cors', {
        bucket: this.bucket.id,
        corsRule: [
          {
            allowedMethods: ['GET', 'PUT', 'HEAD'],
            allowedOrigins: [...p.corsAllowedOrigins],
            allowedHeaders: ['Content-Type', 'Content-MD5', 'x-amz-*'],
            exposeHeaders: ['ETag'],
            maxAgeSeconds: p.corsMaxAgeSeconds,
          },
        ],
      });
    }
    this.resourceStatements.push({
      sid: 'DenyInsecureTransport',
      effect: 'Deny',
      principals: { AWS: '*' },
      actions: ['s3:*'],
      resources: [this.bucket.arn, `${this.bucket.arn}/*`],
      conditions: { Bool: { 'aws:SecureTransport': 'false' } },
    });
    new S3BucketPolicy(this, 'policy', {
      bucket: this.bucket.id,
      policy: Lazy.stringValue({ produce: () => renderPolicy(this.resourceStatements) }),
    });
  }

  get bucketName(): string {
    return this.bucket.bucket;
  }

  get bucketArn(): string {
    return this.bucket.arn;
  }

  /** ARN pattern of objects under a key prefix ("" for all objects). */
  arnForObjects(prefix = ''): string {
    return `${this.bucket.arn}/${prefix}*`;
  }

  /** Adds a statement to the bucket policy (e.g. CloudFront origin access). */
  addToResourcePolicy(statement: PolicyStatement): void {
    this.resourceStatements.push(statement);
  }

  /**
   * Lets the grantee perform `actions`: object actions (names containing "Object", e.g. s3:GetObject)
   * on every object, bucket actions (e.g. s3:ListBucket) on the bucket; the statement id is the
   * actions' names followed by the bucket's construct path. Every grantXxx below is built on the same statement builder.
   */
  grant(grantee: IGrantable, ...actions: string[]): void {
    const objectLevel = actions.some((a) => /Object/.test(a));
    const bucketLevel = actions.some((a) => !/Object/.test(a));
    grantStatement(grantee, { verb: actionsVerb(actions), resource: this, actions, resources: [...(bucketLevel ? [this.bucket.arn] : []), ...(objectLevel ? [this.arnForObjects()] : [])] });
  }

  /** Lets the grantee read (s3:GetObject) objects under a key prefix only, e.g. "uploads/" (sid `Read<path><Prefix>`). */
  grantReadObjects(grantee: IGrantable, prefix: string): void {
    grantStatement(grantee, { verb: 'Read', resource: this, suffix: prefixSid(prefix), actions: ['s3:GetObject'], resources: [this.arnForObjects(prefix)] });
  }

  /** Lets the grantee write (s3:PutObject) objects under a key prefix only, e.g. "errors/" (sid `Put<path><Prefix>`). */
  grantPutObjects(grantee: IGrantable, prefix: string): void {
    grantStatement(grantee, { verb: 'Put', resource: this, suffix: prefixSid(prefix), actions: ['s3:PutObject'], resources: [this.arnForObjects(prefix)] });
  }

  /** Lets the grantee list the bucket and read, write and delete objects (sids `List<path>`, `ReadWrite<path>`). */
  grantReadWrite(grantee: IGrantable): void {
    grantStatement(grantee, { verb: 'List', resource: this, actions: ['s3:ListBucket'], resources: [this.bucket.arn] });
    grantStatement(grantee, { verb: 'ReadWrite', resource: this, actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], resources: [this.arnForObjects()] });
  }
}

/** Statement id part of a key prefix: "errors/" -> "Errors". */
function prefixSid(prefix: string): string {
  return pascalCase(prefixRuleId(prefix).replace(/^expire-/, ''));
}

/** Lifecycle rule id of a prefix expiration: "errors/" -> "expire-errors", "a/b/" -> "expire-a-b". */
function prefixRuleId(prefix: string): string {
  return `expire-${prefix.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '')}`;
}
export { BucketReplication } from './replication';
export type { BucketReplicationProps } from './replication';
