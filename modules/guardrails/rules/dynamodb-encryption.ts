import type { Rule } from '../types';
import { COMPLIANT, block, isTrue, nonCompliant } from '../helpers';

export const dynamodbEncryption: Rule = {
  id: 'CH-DYNAMODB-001',
  severity: 'warning',
  resourceTypes: ['aws_dynamodb_table'],
  title: 'DynamoDB table encrypted with a KMS key you can audit',
  why: 'Tables are always encrypted, but with an AWS-owned key by default: no CloudTrail record of key use, no key policy.',
  fix: 'set server_side_encryption { enabled = true } (AWS managed key) and kms_key_arn for a customer-managed key',
  checkov: ['CKV_AWS_119'],
  check(table) {
    return isTrue(block(table.config.server_side_encryption).enabled) ? COMPLIANT : nonCompliant('server_side_encryption is not enabled: AWS-owned key');
  },
};
