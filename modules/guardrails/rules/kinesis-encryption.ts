import type { Rule } from '../types';
import { COMPLIANT, nonCompliant, show } from '../helpers';

export const kinesisEncryption: Rule = {
  id: 'CH-KINESIS-001',
  severity: 'error',
  resourceTypes: ['aws_kinesis_stream'],
  title: 'Kinesis stream encrypted with KMS',
  why: 'Kinesis streams are not encrypted by default; records stay readable in storage for the whole retention period.',
  fix: 'set encryption_type = "KMS" and kms_key_id ("alias/aws/kinesis" or a customer-managed key)',
  checkov: ['CKV_AWS_43'],
  check(stream) {
    const c = stream.config;
    if (c.encryption_type !== 'KMS') return nonCompliant(`encryption_type is ${show(c.encryption_type)} (default NONE)`);
    return typeof c.kms_key_id === 'string' && c.kms_key_id !== '' ? COMPLIANT : nonCompliant('encryption_type is KMS but kms_key_id is not set');
  },
};
