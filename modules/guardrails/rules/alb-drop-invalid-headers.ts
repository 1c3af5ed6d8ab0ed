import type { Rule } from '../types';
import { COMPLIANT, NOT_APPLICABLE, isTrue, nonCompliant } from '../helpers';

export const albDropInvalidHeaders: Rule = {
  id: 'CH-ALB-002',
  severity: 'error',
  resourceTypes: ['aws_lb', 'aws_alb'],
  title: 'Application load balancer drops invalid HTTP headers',
  why: 'Malformed headers passed to targets enable HTTP request smuggling and header injection.',
  fix: 'set drop_invalid_header_fields = true (modules/load-balancer does)',
  checkov: ['CKV_AWS_131'],
  check(lb) {
    if ((lb.config.load_balancer_type ?? 'application') !== 'application') return NOT_APPLICABLE;
    return isTrue(lb.config.drop_invalid_header_fields) ? COMPLIANT : nonCompliant('drop_invalid_header_fields is not true');
  },
};
