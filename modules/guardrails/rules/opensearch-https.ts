import type { Rule } from '../types';
import { block, isTrue, show, verdict } from '../helpers';

export const opensearchHttps: Rule = {
  id: 'CH-OPENSEARCH-002',
  severity: 'error',
  resourceTypes: ['aws_opensearch_domain', 'aws_elasticsearch_domain'],
  title: 'OpenSearch endpoint HTTPS only, TLS 1.2 or newer',
  why: 'Plain HTTP or TLS 1.0/1.1 exposes queries, documents and SigV4-signed requests on the wire.',
  fix: 'set domain_endpoint_options { enforce_https = true, tls_security_policy = "Policy-Min-TLS-1-2-PFS-2023-10" } (modules/search does)',
  checkov: ['CKV_AWS_83', 'CKV_AWS_228'],
  check(domain) {
    const options = block(domain.config.domain_endpoint_options);
    const problems: string[] = [];
    if (!isTrue(options.enforce_https)) problems.push(`domain_endpoint_options.enforce_https is ${show(options.enforce_https)}`);
    if (typeof options.tls_security_policy !== 'string' || !options.tls_security_policy.startsWith('Policy-Min-TLS-1-2')) problems.push(`tls_security_policy is ${show(options.tls_security_policy)}`);
    return verdict(problems);
  },
};
