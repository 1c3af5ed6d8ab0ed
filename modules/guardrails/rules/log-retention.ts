import type { Rule } from '../types';
import { COMPLIANT, nonCompliant, numberOf, show } from '../helpers';
import { GUARDRAILS_DEFAULTS } from '../defaults';

export const logRetention: Rule = {
  id: 'CH-LOGS-001',
  severity: 'error',
  resourceTypes: ['aws_cloudwatch_log_group'],
  title: 'CloudWatch log group has a retention period',
  why: 'Without retention_in_days logs are kept (and billed) forever, and personal data in them is never deleted.',
  fix: "set retention_in_days to the tier's logRetentionDays (a value CloudWatch accepts: 1, 3, 5, 7, 14, 30, ... 3653)",
  checkov: ['CKV_AWS_66'],
  check(group) {
    const days = numberOf(group.config.retention_in_days);
    if (days === undefined || days === 0) return nonCompliant(`retention_in_days is ${show(group.config.retention_in_days)}: logs never expire`);
    return (GUARDRAILS_DEFAULTS.logRetentionDays as readonly number[]).includes(days) ? COMPLIANT : nonCompliant(`retention_in_days is ${days}, which CloudWatch rejects`);
  },
};
