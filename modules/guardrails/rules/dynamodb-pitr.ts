import type { Rule } from '../types';
import { COMPLIANT, block, isTrue, nonCompliant } from '../helpers';

export const dynamodbPitr: Rule = {
  id: 'CH-DYNAMODB-002',
  severity: 'error',
  resourceTypes: ['aws_dynamodb_table'],
  title: 'DynamoDB point-in-time recovery on',
  why: 'Without PITR a bad write or delete cannot be undone (35 days of per-second restore points otherwise).',
  fix: 'set point_in_time_recovery { enabled = true }',
  checkov: ['CKV_AWS_28'],
  check(table) {
    return isTrue(block(table.config.point_in_time_recovery).enabled) ? COMPLIANT : nonCompliant('point_in_time_recovery.enabled is not true');
  },
};
