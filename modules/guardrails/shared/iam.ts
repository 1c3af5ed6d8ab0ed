/** Shared by the IAM rules (not a rule itself): the identity policies a resource carries. */
import type { ResourceView } from '../types';
import { blocks } from '../helpers';

/** Resource types holding identity-based policy documents. */
export const POLICY_TYPES = ['aws_iam_role_policy', 'aws_iam_policy', 'aws_iam_user_policy', 'aws_iam_group_policy', 'aws_iam_role'];

/** The policy documents (raw argument values) of an identity-policy resource. */
export function policyDocuments(resource: ResourceView): unknown[] {
  if (resource.type === 'aws_iam_role') return blocks(resource.config.inline_policy).map((p) => p.policy).filter((p) => p !== undefined);
  return resource.config.policy === undefined ? [] : [resource.config.policy];
}
