import type { Rule } from '../types';
import { NOT_APPLICABLE, parsePolicy, statementName, verdict } from '../helpers';
import { POLICY_TYPES, policyDocuments } from '../shared/iam';

export const iamServiceWildcards: Rule = {
  id: 'CH-IAM-003',
  severity: 'warning',
  resourceTypes: POLICY_TYPES,
  title: 'No service-wide action wildcards ("s3:*", "sqs:*")',
  why: 'A service wildcard includes the destructive and policy-changing actions (s3:PutBucketPolicy, sqs:DeleteQueue) the workload never needs.',
  fix: 'list the actions the workload calls (the grantXxx methods of the modules do)',
  check(resource) {
    const documents = policyDocuments(resource);
    if (!documents.length) return NOT_APPLICABLE;
    const problems: string[] = [];
    for (const doc of documents) {
      (parsePolicy(doc) ?? []).forEach((s, i) => {
        if (s.effect !== 'Allow') return;
        const wild = s.actions.filter((a) => /^[a-z0-9-]+:\*$/.test(a));
        if (wild.length) problems.push(`${statementName(s, i)} allows ${wild.join(', ')}`);
      });
    }
    return verdict(problems);
  },
};
