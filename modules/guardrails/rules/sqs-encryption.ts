import type { Rule } from '../types';
import { COMPLIANT, isTrue, nonCompliant } from '../helpers';

export const sqsEncryption: Rule = {
  id: 'CH-SQS-001',
  severity: 'error',
  resourceTypes: ['aws_sqs_queue'],
  title: 'SQS queue encrypted at rest',
  why: 'Messages wait in the queue for up to 14 days and often carry personal data.',
  fix: 'set sqs_managed_sse_enabled = true or kms_master_key_id (modules/queue does)',
  checkov: ['CKV_AWS_27'],
  check(queue) {
    const c = queue.config;
    return isTrue(c.sqs_managed_sse_enabled) || (typeof c.kms_master_key_id === 'string' && c.kms_master_key_id !== '') ? COMPLIANT : nonCompliant('neither sqs_managed_sse_enabled nor kms_master_key_id is set');
  },
};
