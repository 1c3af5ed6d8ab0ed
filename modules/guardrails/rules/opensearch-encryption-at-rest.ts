import type { Rule } from '../types';
import { COMPLIANT, block, isTrue, nonCompliant } from '../helpers';

export const opensearchEncryptionAtRest: Rule = {
  id: 'CH-OPENSEARCH-001',
  severity: 'error',
  resourceTypes: ['aws_opensearch_domain', 'aws_elasticsearch_domain'],
  title: 'OpenSearch encrypted at rest',
  why: 'Indices, logs and automated snapshots hold copies of application data.',
  fix: 'set encrypt_at_rest { enabled = true } (modules/search does)',
  checkov: ['CKV_AWS_5'],
  check(domain) {
    return isTrue(block(domain.config.encrypt_at_rest).enabled) ? COMPLIANT : nonCompliant('encrypt_at_rest.enabled is not true');
  },
};
