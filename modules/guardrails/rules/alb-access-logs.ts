import type { Rule } from '../types';
import { COMPLIANT, NOT_APPLICABLE, block, isTrue, nonCompliant } from '../helpers';

export const albAccessLogs: Rule = {
  id: 'CH-ALB-003',
  severity: 'error',
  resourceTypes: ['aws_lb', 'aws_alb'],
  title: 'Application load balancer writes access logs',
  why: 'Access logs are the only record of each request at the edge (client IP, path, TLS version, target status).',
  fix: 'set access_logs { enabled = true, bucket = <bucket with the ELB delivery policy> } (modules/load-balancer does)',
  checkov: ['CKV_AWS_91'],
  check(lb) {
    if ((lb.config.load_balancer_type ?? 'application') !== 'application') return NOT_APPLICABLE;
    const logs = block(lb.config.access_logs);
    return isTrue(logs.enabled) && logs.bucket ? COMPLIANT : nonCompliant('access_logs is not enabled with a bucket');
  },
};
