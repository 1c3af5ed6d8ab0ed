import type { Rule } from '../types';
import { COMPLIANT, NOT_APPLICABLE, isTrue, nonCompliant, strings } from '../helpers';
import { INGRESS_TYPES, describe, groupOf, worldIngress } from '../shared/security-groups';

export const sgWorldIngressEntryPoints: Rule = {
  id: 'CH-SG-002',
  severity: 'error',
  resourceTypes: INGRESS_TYPES,
  title: 'Internet ingress (80/443) only on internet-facing load balancers',
  why: 'Only an entry point built for it (an ALB with TLS policy, header checks and access logs) should face the internet; everything else sits behind it.',
  fix: 'put the workload behind modules/load-balancer and allow the ALB security group instead; if a host must face the internet, suppress with the reason',
  checkov: ['CKV_AWS_260'],
  check(resource, context) {
    const open = worldIngress(resource);
    if (!open.length) return NOT_APPLICABLE;
    const group = groupOf(resource, context);
    const entryPoint = group !== undefined && context.resources().some((r) =>
      (r.type === 'aws_lb' || r.type === 'aws_alb') && !isTrue(r.config.internal) && strings(r.config.security_groups).some((g) => context.target(g) === group));
    return entryPoint ? COMPLIANT : nonCompliant(`${open.map(describe).join(', ')} on ${group ?? 'a security group'} that no internet-facing load balancer uses`);
  },
};
