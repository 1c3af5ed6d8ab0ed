import type { Rule } from '../types';
import { COMPLIANT, block, isTrue, nonCompliant } from '../helpers';

export const opensearchNodeToNode: Rule = {
  id: 'CH-OPENSEARCH-003',
  severity: 'error',
  resourceTypes: ['aws_opensearch_domain', 'aws_elasticsearch_domain'],
  title: 'OpenSearch node-to-node encryption',
  why: 'Shard replication between data nodes otherwise travels unencrypted.',
  fix: 'set node_to_node_encryption { enabled = true } (modules/search does)',
  checkov: ['CKV_AWS_6'],
  check(domain) {
    return isTrue(block(domain.config.node_to_node_encryption).enabled) ? COMPLIANT : nonCompliant('node_to_node_encryption.enabled is not true');
  },
};
