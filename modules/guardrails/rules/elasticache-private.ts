import type { Rule } from '../types';
import { COMPLIANT, NOT_APPLICABLE, nonCompliant, strings } from '../helpers';

export const elasticachePrivate: Rule = {
  id: 'CH-ELASTICACHE-004',
  severity: 'error',
  resourceTypes: ['aws_elasticache_replication_group', 'aws_elasticache_cluster'],
  title: 'ElastiCache in its own subnet group with its own security groups',
  why: "The default subnet group is the default VPC's public subnets and the default security group is shared by everything.",
  fix: 'set subnet_group_name to a subnet group of private subnets and security_group_ids (modules/cache does)',
  checkov: ['CKV_AWS_323'],
  check(cache) {
    if (cache.type === 'aws_elasticache_cluster' && cache.config.replication_group_id !== undefined) return NOT_APPLICABLE;
    const problems: string[] = [];
    const group = cache.config.subnet_group_name;
    if (group === undefined || group === 'default') problems.push(`subnet_group_name is ${group === undefined ? 'not set (default subnet group)' : '"default"'}`);
    if (!strings(cache.config.security_group_ids).length) problems.push('no security_group_ids (default security group)');
    return problems.length ? nonCompliant(problems.join('; ')) : COMPLIANT;
  },
};
