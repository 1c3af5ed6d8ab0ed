import type { Rule } from '../types';
import { COMPLIANT, nonCompliant } from '../helpers';

export const snsEncryption: Rule = {
  id: 'CH-SNS-001',
  severity: 'error',
  resourceTypes: ['aws_sns_topic'],
  title: 'SNS topic encrypted with KMS',
  why: 'Messages are stored until delivered; SNS encrypts them only when the topic has a KMS key.',
  fix: 'set kms_master_key_id to a customer-managed key that CloudWatch/publishers may use (modules/observability AlarmTopic does)',
  checkov: ['CKV_AWS_26'],
  check(topic) {
    const key = topic.config.kms_master_key_id;
    return typeof key === 'string' && key !== '' ? COMPLIANT : nonCompliant('kms_master_key_id is not set');
  },
};
