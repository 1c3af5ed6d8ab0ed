import type { Rule } from '../types';
import { COMPLIANT, blocks, nonCompliant } from '../helpers';

export const vpcDefaultSecurityGroup: Rule = {
  id: 'CH-VPC-002',
  severity: 'error',
  resourceTypes: ['aws_vpc'],
  title: "VPC's default security group allows nothing",
  why: 'Resources launched without a security group land in the default one, which allows all traffic between its members and all egress.',
  fix: 'add aws_default_security_group for the VPC with no ingress and no egress (modules/network does)',
  checkov: ['CKV2_AWS_12'],
  check(vpc, context) {
    const group = context.resources('aws_default_security_group').find((g) => context.target(g.config.vpc_id) === vpc.address);
    if (!group) return nonCompliant('no aws_default_security_group takes over the default group: it allows all traffic');
    const rules = blocks(group.config.ingress).length + blocks(group.config.egress).length;
    return rules ? nonCompliant(`${group.address} has ${rules} rule(s)`) : COMPLIANT;
  },
};
