import type { Rule } from '../types';
import { COMPLIANT, NOT_APPLICABLE, isTrue, nonCompliant, show } from '../helpers';

export const elasticacheEncryptionAtRest: Rule = {
  id: 'CH-ELASTICACHE-001',
  severity: 'error',
  resourceTypes: ['aws_elasticache_replication_group', 'aws_elasticache_cluster'],
  title: 'ElastiCache encrypted at rest',
  why: 'Cache nodes, their swap and their backups hold copies of application data and tokens.',
  fix: 'use aws_elasticache_replication_group with at_rest_encryption_enabled = true (modules/cache does)',
  checkov: ['CKV_AWS_29'],
  check(cache) {
    if (cache.type === 'aws_elasticache_cluster') {
      // A member of a replication group is covered by the group.
      if (cache.config.replication_group_id !== undefined) return NOT_APPLICABLE;
      return nonCompliant(`a stand-alone ${show(cache.config.engine)} cluster cannot be encrypted at rest`);
    }
    return isTrue(cache.config.at_rest_encryption_enabled) ? COMPLIANT : nonCompliant(`at_rest_encryption_enabled is ${show(cache.config.at_rest_encryption_enabled)}`);
  },
};
