import type { Rule } from '../types';
import { isTrue, verdict } from '../helpers';

export const ec2NoPublicIp: Rule = {
  id: 'CH-EC2-002',
  severity: 'error',
  resourceTypes: ['aws_instance'],
  title: 'Instance has no public IP address (nor Elastic IP)',
  why: 'A directly addressable instance is one security group mistake away from exposure; entry points belong on load balancers.',
  fix: 'run the instance in a private subnet behind a load balancer; if it must be public, suppress with the reason',
  checkov: ['CKV_AWS_88'],
  check(instance, context) {
    const problems: string[] = [];
    if (isTrue(instance.config.associate_public_ip_address)) problems.push('associate_public_ip_address is true');
    const eips = [
      ...context.referencing(instance.address, 'aws_eip').filter((e) => context.target(e.config.instance) === instance.address),
      ...context.referencing(instance.address, 'aws_eip_association').filter((e) => context.target(e.config.instance_id) === instance.address),
    ];
    if (eips.length) problems.push(`Elastic IP attached (${eips.map((e) => e.address).join(', ')})`);
    return verdict(problems);
  },
};
