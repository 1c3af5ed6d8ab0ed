import type { Rule } from '../types';
import { COMPLIANT, NOT_APPLICABLE, block, isTrue, nonCompliant, strings } from '../helpers';

/**
 * Internet-facing entry points need an AWS WAF web ACL (staging, prod). ALBs
 * and API Gateway stages are covered by an `aws_wafv2_web_acl_association`
 * whose `resource_arn` refers to them; CloudFront distributions by
 * `web_acl_id`. Internal load balancers and stages of PRIVATE REST APIs are
 * not applicable.
 */
export const wafEntryPoints: Rule = {
  id: 'CH-WAF-001',
  severity: 'error',
  tiers: ['staging', 'prod'],
  resourceTypes: ['aws_lb', 'aws_alb', 'aws_api_gateway_stage', 'aws_cloudfront_distribution'],
  title: 'Internet-facing ALBs, API Gateway stages and CloudFront distributions have a WAF web ACL (staging, prod)',
  why: 'Without a web ACL, SQL injection, known exploit payloads, bad-reputation IPs and request floods reach the application unfiltered.',
  fix: 'modules/waf: new WebAcl(...).associate(alb | stage), or web_acl_id = <cloudfront-scoped WebAcl>.webAclArn on the distribution',
  checkov: ['CKV2_AWS_28', 'CKV_AWS_68', 'CKV2_AWS_29'],
  check(resource, context) {
    if (resource.type === 'aws_cloudfront_distribution') {
      const id = resource.config.web_acl_id;
      return typeof id === 'string' && id.length > 0 ? COMPLIANT : nonCompliant('web_acl_id is not set');
    }
    if (resource.type === 'aws_api_gateway_stage') {
      const api = context.get(context.target(resource.config.rest_api_id) ?? '');
      if (api && strings(block(api.config.endpoint_configuration).types).includes('PRIVATE')) return NOT_APPLICABLE;
    } else {
      if ((resource.config.load_balancer_type ?? 'application') !== 'application' || isTrue(resource.config.internal)) return NOT_APPLICABLE;
    }
    const associations = context.referencing(resource.address, 'aws_wafv2_web_acl_association').filter((a) => context.target(a.config.resource_arn) === resource.address);
    return associations.length ? COMPLIANT : nonCompliant('no aws_wafv2_web_acl_association has it as resource_arn');
  },
};
