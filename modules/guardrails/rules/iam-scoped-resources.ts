import type { Rule } from '../types';
import { NOT_APPLICABLE, parsePolicy, statementName, verdict } from '../helpers';
import { GUARDRAILS_DEFAULTS } from '../defaults';
import { POLICY_TYPES, policyDocuments } from '../shared/iam';

/** True when the action (or action pattern) is covered by the list of actions that cannot be scoped. */
function isUnscoped(action: string): boolean {
  return GUARDRAILS_DEFAULTS.unscopedActions.some((u) => u === action || (u.endsWith('*') && action.startsWith(u.slice(0, -1)) && !action.slice(u.length - 1).includes('*')));
}

export const iamScopedResources: Rule = {
  id: 'CH-IAM-002',
  severity: 'error',
  resourceTypes: POLICY_TYPES,
  title: 'No Resource "*" for actions that support resource scoping (policies must be literal JSON)',
  why: 'Resource "*" grants the action on every bucket, queue and secret of the account, present and future.',
  fix: 'name the resource ARNs (grantXxx methods do); keep "*" in a statement of its own only for actions listed in GUARDRAILS_DEFAULTS.unscopedActions',
  checkov: ['CKV_AWS_356', 'CKV_AWS_111', 'CKV_AWS_290'],
  check(resource) {
    const documents = policyDocuments(resource);
    if (!documents.length) return NOT_APPLICABLE;
    const problems: string[] = [];
    for (const doc of documents) {
      const statements = parsePolicy(doc);
      if (!statements) {
        problems.push(`policy is not literal JSON (${String(doc).slice(0, 60)}...): it cannot be checked at synth; render it with modules/iam renderPolicy`);
        continue;
      }
      statements.forEach((s, i) => {
        if (s.effect !== 'Allow' || !s.resources.includes('*')) return;
        const scopable = s.actions.filter((a) => !isUnscoped(a));
        if (scopable.length) problems.push(`${statementName(s, i)} allows ${scopable.join(', ')} on Resource "*"`);
      });
    }
    return verdict(problems);
  },
};
