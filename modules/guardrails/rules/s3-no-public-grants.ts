import type { Rule } from '../types';
import { attached, isEveryone, parsePolicy, statementName, verdict } from '../helpers';

const PUBLIC_ACLS = ['public-read', 'public-read-write', 'authenticated-read'];

export const s3NoPublicGrants: Rule = {
  id: 'CH-S3-004',
  severity: 'error',
  resourceTypes: ['aws_s3_bucket'],
  title: 'S3 bucket grants nothing to everyone (ACL or policy)',
  why: 'A canned public ACL or an Allow to Principal "*" without a condition publishes the bucket.',
  fix: 'remove the public ACL / statement; grant CloudFront through origin access control (Condition on AWS:SourceArn) instead',
  checkov: ['CKV_AWS_20', 'CKV_AWS_57', 'CKV_AWS_70'],
  check(bucket, context) {
    const problems: string[] = [];
    const acls = [bucket.config.acl, ...attached(context, bucket, 'aws_s3_bucket_acl', 'bucket', bucket.config.bucket).map((a) => a.config.acl)];
    for (const acl of acls) if (typeof acl === 'string' && PUBLIC_ACLS.includes(acl)) problems.push(`canned ACL ${acl}`);
    const policies = [bucket.config.policy, ...attached(context, bucket, 'aws_s3_bucket_policy', 'bucket', bucket.config.bucket).map((p) => p.config.policy)];
    for (const policy of policies) {
      (parsePolicy(policy) ?? []).forEach((s, i) => {
        if (s.effect === 'Allow' && isEveryone(s.principal) && !s.condition) problems.push(`${statementName(s, i)} allows ${s.actions.join(', ')} to everyone without a condition`);
      });
    }
    return verdict(problems);
  },
};
