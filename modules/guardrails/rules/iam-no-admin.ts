import type { Rule } from '../types';
import { NOT_APPLICABLE, parsePolicy, statementName, strings, verdict } from '../helpers';
import { GUARDRAILS_DEFAULTS } from '../defaults';
import { POLICY_TYPES, policyDocuments } from '../shared/iam';

const ATTACHMENT_TYPES = ['aws_iam_role_policy_attachment', 'aws_iam_user_policy_attachment', 'aws_iam_group_policy_attachment', 'aws_iam_policy_attachment'];

export const iamNoAdmin: Rule = {
  id: 'CH-IAM-001',
  severity: 'error',
  resourceTypes: [...POLICY_TYPES, ...ATTACHMENT_TYPES],
  title: 'No IAM "*" / "*:*" actions, Allow+NotAction, or administrator managed policies',
  why: 'A workload with admin rights turns any bug in it into a full account takeover.',
  fix: "grant the exact actions with the modules' grantXxx(role) methods instead of wildcards or AdministratorAccess",
  checkov: ['CKV_AWS_1', 'CKV_AWS_62', 'CKV_AWS_63', 'CKV_AWS_274'],
  check(resource) {
    const problems: string[] = [];
    if (ATTACHMENT_TYPES.includes(resource.type) || resource.type === 'aws_iam_role') {
      const arns = [...strings(resource.config.policy_arn), ...strings(resource.config.managed_policy_arns)];
      for (const arn of arns) {
        const name = arn.split('/').pop() ?? '';
        if (/^arn:aws[a-z-]*:iam::aws:policy\//.test(arn) && GUARDRAILS_DEFAULTS.adminManagedPolicies.includes(name)) problems.push(`attaches ${name}`);
      }
      if (resource.type !== 'aws_iam_role') return verdict(problems);
    }
    const documents = policyDocuments(resource);
    if (!documents.length && !problems.length) return NOT_APPLICABLE;
    for (const doc of documents) {
      (parsePolicy(doc) ?? []).forEach((s, i) => {
        if (s.effect !== 'Allow') return;
        const admin = s.actions.filter((a) => a === '*' || a === '*:*');
        if (admin.length) problems.push(`${statementName(s, i)} allows action ${admin.map((a) => JSON.stringify(a)).join(', ')}`);
        if (s.notActions.length) problems.push(`${statementName(s, i)} uses Allow with NotAction (allows everything else)`);
      });
    }
    return verdict(problems);
  },
};
