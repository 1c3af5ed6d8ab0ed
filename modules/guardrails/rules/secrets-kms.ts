import type { Rule } from '../types';
import { COMPLIANT, nonCompliant } from '../helpers';

export const secretsKms: Rule = {
  id: 'CH-SECRETS-001',
  severity: 'warning',
  resourceTypes: ['aws_secretsmanager_secret'],
  title: 'Secrets Manager secret encrypted with a customer-managed KMS key',
  why: 'Secrets are always encrypted, but with aws/secretsmanager anyone with secretsmanager:GetSecretValue can read them; a CMK adds a key policy as second gate.',
  fix: 'set kms_key_id to a customer-managed key and grant kms:Decrypt to the readers',
  checkov: ['CKV_AWS_149'],
  check(secret) {
    return typeof secret.config.kms_key_id === 'string' && secret.config.kms_key_id !== '' ? COMPLIANT : nonCompliant('kms_key_id is not set: AWS managed key aws/secretsmanager');
  },
};
