import type { Rule } from '../types';
import { COMPLIANT, block, nonCompliant, strings } from '../helpers';

export const opensearchInVpc: Rule = {
  id: 'CH-OPENSEARCH-004',
  severity: 'error',
  resourceTypes: ['aws_opensearch_domain', 'aws_elasticsearch_domain'],
  title: 'OpenSearch domain inside a VPC (no public endpoint)',
  why: 'A public domain is protected only by its access policy; one broad statement exposes every index.',
  fix: 'set vpc_options { subnet_ids, security_group_ids } to private subnets (modules/search does)',
  check(domain) {
    const vpc = block(domain.config.vpc_options);
    return strings(vpc.subnet_ids).length ? COMPLIANT : nonCompliant('no vpc_options.subnet_ids: the domain gets a public endpoint');
  },
};
