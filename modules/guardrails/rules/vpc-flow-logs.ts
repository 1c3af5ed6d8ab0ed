import type { Rule } from '../types';
import { COMPLIANT, nonCompliant } from '../helpers';

export const vpcFlowLogs: Rule = {
  id: 'CH-VPC-001',
  severity: 'error',
  resourceTypes: ['aws_vpc'],
  title: 'VPC flow logs on',
  why: 'Without flow logs there is no record of who talked to what during an incident.',
  fix: 'add aws_flow_log with vpc_id = the VPC and traffic_type ALL (modules/network does)',
  checkov: ['CKV2_AWS_11'],
  check(vpc, context) {
    const logs = context.resources('aws_flow_log').filter((f) => context.target(f.config.vpc_id) === vpc.address);
    return logs.length ? COMPLIANT : nonCompliant('no aws_flow_log for the VPC');
  },
};
