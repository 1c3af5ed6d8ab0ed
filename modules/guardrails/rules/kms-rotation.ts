import type { Rule } from '../types';
import { COMPLIANT, NOT_APPLICABLE, isTrue, nonCompliant } from '../helpers';

export const kmsRotation: Rule = {
  id: 'CH-KMS-001',
  severity: 'error',
  resourceTypes: ['aws_kms_key'],
  title: 'KMS key rotation on (symmetric keys)',
  why: 'Yearly rotation limits how much data one key version protects, at no extra cost.',
  fix: 'set enable_key_rotation = true',
  checkov: ['CKV_AWS_7'],
  check(key) {
    const spec = key.config.customer_master_key_spec;
    if (spec !== undefined && spec !== 'SYMMETRIC_DEFAULT') return NOT_APPLICABLE; // asymmetric and HMAC keys cannot rotate
    return isTrue(key.config.enable_key_rotation) ? COMPLIANT : nonCompliant('enable_key_rotation is not true');
  },
};
