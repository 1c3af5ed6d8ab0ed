import type { Rule } from '../types';
import { COMPLIANT, NOT_APPLICABLE, isTrue, nonCompliant, show } from '../helpers';
import { GUARDRAILS_DEFAULTS } from '../defaults';

export const statefulDeletionProtection: Rule = {
  id: 'CH-STATEFUL-001',
  severity: 'error',
  resourceTypes: Object.keys(GUARDRAILS_DEFAULTS.deletionProtectionArguments),
  tiers: ['staging', 'prod'],
  title: 'Databases and tables have deletion protection (staging, prod)',
  why: 'One mistaken apply or console click must not delete the data of a shared environment.',
  fix: "set deletion protection from the tier profile (deletionProtection: modules/database does; aws_dynamodb_table.deletion_protection_enabled)",
  checkov: ['CKV_AWS_293'],
  check(resource) {
    const argument = GUARDRAILS_DEFAULTS.deletionProtectionArguments[resource.type];
    if (!argument) return NOT_APPLICABLE;
    return isTrue(resource.config[argument]) ? COMPLIANT : nonCompliant(`${argument} is ${show(resource.config[argument])}`);
  },
};
