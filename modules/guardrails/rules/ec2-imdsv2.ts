import type { Rule } from '../types';
import { COMPLIANT, block, nonCompliant, show } from '../helpers';

export const ec2Imdsv2: Rule = {
  id: 'CH-EC2-001',
  severity: 'error',
  resourceTypes: ['aws_instance', 'aws_launch_template'],
  title: 'IMDSv2 required on every instance and launch template',
  why: 'IMDSv1 lets any SSRF bug in the workload read the instance role credentials.',
  fix: 'set metadata_options { http_tokens = "required" } (or http_endpoint = "disabled"); modules/docker-host does',
  checkov: ['CKV_AWS_79'],
  check(resource) {
    const options = block(resource.config.metadata_options);
    if (options.http_endpoint === 'disabled' || options.http_tokens === 'required') return COMPLIANT;
    return nonCompliant(`metadata_options.http_tokens is ${show(options.http_tokens)} (IMDSv1 allowed)`);
  },
};
