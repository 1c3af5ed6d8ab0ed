import type { Rule } from '../types';
import { COMPLIANT, attached, block, blocks, nonCompliant } from '../helpers';

const ALGORITHMS = ['AES256', 'aws:kms', 'aws:kms:dsse'];

export const s3Encryption: Rule = {
  id: 'CH-S3-001',
  severity: 'error',
  resourceTypes: ['aws_s3_bucket'],
  title: 'S3 bucket encrypted at rest',
  why: 'Objects must never be stored unencrypted, whatever the account default is.',
  fix: 'add aws_s3_bucket_server_side_encryption_configuration with sse_algorithm AES256 or aws:kms (modules/object-store does)',
  checkov: ['CKV_AWS_19'],
  check(bucket, context) {
    const rules = [
      ...blocks(block(bucket.config.server_side_encryption_configuration).rule),
      ...attached(context, bucket, 'aws_s3_bucket_server_side_encryption_configuration', 'bucket', bucket.config.bucket).flatMap((c) => blocks(c.config.rule)),
    ];
    const algorithms = rules.map((r) => block(r.apply_server_side_encryption_by_default).sse_algorithm);
    if (algorithms.some((a) => typeof a === 'string' && ALGORITHMS.includes(a))) return COMPLIANT;
    return nonCompliant(rules.length ? `sse_algorithm is ${JSON.stringify(algorithms)}` : 'no server-side encryption configuration for the bucket');
  },
};
