import type { Rule } from '../types';
import { COMPLIANT, NOT_APPLICABLE, isTrue, nonCompliant } from '../helpers';

export const logKms: Rule = {
  id: 'CH-LOGS-003',
  severity: 'error',
  resourceTypes: ['aws_cloudwatch_log_group'],
  title: 'Log group KMS key, where configured, is a key ARN of a rotated key',
  why: 'CloudWatch Logs always encrypts; when a group names a KMS key it must be a full key ARN (an alias or key id is rejected at apply) of a key with rotation.',
  fix: 'set kms_key_id to aws_kms_key.<key>.arn (not .id or an alias) and enable_key_rotation on the key; the key policy must allow logs.<region>.amazonaws.com',
  check(group, context) {
    const key = group.config.kms_key_id;
    if (key === undefined || key === null || key === '') return NOT_APPLICABLE;
    const address = context.target(key);
    if (address) {
      if (!String(key).endsWith('.arn}')) return nonCompliant(`kms_key_id is ${String(key)}: CloudWatch Logs needs the key ARN`);
      const k = context.get(address)!;
      if (k.type === 'aws_kms_key' && !isTrue(k.config.enable_key_rotation)) return nonCompliant(`${address} does not rotate (enable_key_rotation)`);
      return COMPLIANT;
    }
    return /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\//.test(String(key)) ? COMPLIANT : nonCompliant(`kms_key_id is ${JSON.stringify(key)}: not a KMS key ARN`);
  },
};
