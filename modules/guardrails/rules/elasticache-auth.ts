import type { Rule } from '../types';
import { COMPLIANT, NOT_APPLICABLE, nonCompliant, strings } from '../helpers';

export const elasticacheAuth: Rule = {
  id: 'CH-ELASTICACHE-003',
  severity: 'error',
  resourceTypes: ['aws_elasticache_replication_group'],
  title: 'ElastiCache Redis requires authentication (AUTH token or RBAC user group)',
  why: 'Anything that reaches the port inside the VPC could otherwise read and flush the cache.',
  fix: 'set auth_token (with transit encryption) or user_group_ids (modules/cache does)',
  checkov: ['CKV_AWS_31'],
  check(cache) {
    const engine = String(cache.config.engine ?? 'redis');
    if (engine !== 'redis' && engine !== 'valkey') return NOT_APPLICABLE;
    const auth = cache.config.auth_token !== undefined && cache.config.auth_token !== '';
    return auth || strings(cache.config.user_group_ids).length ? COMPLIANT : nonCompliant('neither auth_token nor user_group_ids is set');
  },
};
