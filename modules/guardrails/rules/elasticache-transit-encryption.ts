import type { Rule } from '../types';
import { COMPLIANT, NOT_APPLICABLE, isTrue, nonCompliant, show } from '../helpers';

export const elasticacheTransitEncryption: Rule = {
  id: 'CH-ELASTICACHE-002',
  severity: 'error',
  resourceTypes: ['aws_elasticache_replication_group', 'aws_elasticache_cluster'],
  title: 'ElastiCache encrypted in transit (TLS)',
  why: 'Without TLS, cached data and the AUTH token cross the VPC in plain text.',
  fix: 'set transit_encryption_enabled = true and connect with rediss:// (modules/cache does)',
  checkov: ['CKV_AWS_30'],
  check(cache) {
    if (cache.type === 'aws_elasticache_cluster' && cache.config.replication_group_id !== undefined) return NOT_APPLICABLE;
    return isTrue(cache.config.transit_encryption_enabled) ? COMPLIANT : nonCompliant(`transit_encryption_enabled is ${show(cache.config.transit_encryption_enabled)}`);
  },
};
