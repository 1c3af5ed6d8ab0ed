import type { Rule } from '../types';
import { COMPLIANT, nonCompliant, numberOf, show } from '../helpers';
import { GUARDRAILS_DEFAULTS } from '../defaults';

export const logRetentionProd: Rule = {
  id: 'CH-LOGS-002',
  severity: 'error',
  resourceTypes: ['aws_cloudwatch_log_group'],
  tiers: ['prod'],
  title: `Production logs kept at least ${GUARDRAILS_DEFAULTS.prodMinLogRetentionDays} days`,
  why: 'Incident and audit investigations reach back months; dev and staging keep less to save cost (tier profile).',
  fix: `set retention_in_days >= ${GUARDRAILS_DEFAULTS.prodMinLogRetentionDays} in prod (the prod tier profile's logRetentionDays)`,
  checkov: ['CKV_AWS_338'],
  check(group) {
    const days = numberOf(group.config.retention_in_days);
    return days !== undefined && days >= GUARDRAILS_DEFAULTS.prodMinLogRetentionDays ? COMPLIANT : nonCompliant(`retention_in_days is ${show(group.config.retention_in_days)}`);
  },
};
