import type { Rule } from '../types';
import { COMPLIANT, attached, deniesInsecureTransport, nonCompliant, parsePolicy } from '../helpers';

export const s3TlsOnly: Rule = {
  id: 'CH-S3-002',
  severity: 'error',
  resourceTypes: ['aws_s3_bucket'],
  title: 'S3 bucket policy denies requests without TLS',
  why: 'Without a Deny on aws:SecureTransport=false, clients can read and write objects over plain HTTP.',
  fix: 'add a bucket policy statement Deny s3:* to Principal * when Bool aws:SecureTransport = false (modules/object-store does)',
  check(bucket, context) {
    const policies = [
      ...(bucket.config.policy !== undefined ? [bucket.config.policy] : []),
      ...attached(context, bucket, 'aws_s3_bucket_policy', 'bucket', bucket.config.bucket).map((p) => p.config.policy),
    ];
    if (!policies.length) return nonCompliant('the bucket has no bucket policy');
    const statements = policies.flatMap((p) => parsePolicy(p) ?? []);
    const ok = statements.some((s) => deniesInsecureTransport(s) && s.actions.some((a) => a === 's3:*' || a === '*'));
    return ok ? COMPLIANT : nonCompliant('no statement denies s3:* when aws:SecureTransport is false');
  },
};
