import type { Rule } from '../types';
import { COMPLIANT, attached, isTrue, nonCompliant } from '../helpers';

const SETTINGS = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'] as const;

export const s3PublicAccessBlock: Rule = {
  id: 'CH-S3-003',
  severity: 'error',
  resourceTypes: ['aws_s3_bucket'],
  title: 'S3 bucket blocks all public access',
  why: 'A public ACL or policy on one bucket exposes every object in it to the internet.',
  fix: 'add aws_s3_bucket_public_access_block with all four settings true (modules/object-store does); serve public content through CloudFront',
  checkov: ['CKV2_AWS_6', 'CKV_AWS_53', 'CKV_AWS_54', 'CKV_AWS_55', 'CKV_AWS_56'],
  check(bucket, context) {
    const blocks = attached(context, bucket, 'aws_s3_bucket_public_access_block', 'bucket', bucket.config.bucket);
    if (!blocks.length) return nonCompliant('no aws_s3_bucket_public_access_block for the bucket');
    const off = SETTINGS.filter((s) => !blocks.some((b) => isTrue(b.config[s])));
    return off.length ? nonCompliant(`${off.map((s) => `${s} is not true`).join(', ')} (${blocks[0].address})`) : COMPLIANT;
  },
};
