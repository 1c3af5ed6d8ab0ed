import type { Rule } from '../types';
import { COMPLIANT, block, isTrue, nonCompliant, show } from '../helpers';
import { GUARDRAILS_DEFAULTS } from '../defaults';

export const cloudfrontTls: Rule = {
  id: 'CH-CLOUDFRONT-002',
  severity: 'error',
  resourceTypes: ['aws_cloudfront_distribution'],
  title: 'CloudFront viewers need TLS 1.2 or newer (own certificate)',
  why: 'The default *.cloudfront.net certificate allows TLS 1.0; only a custom certificate lets the distribution require TLS 1.2.',
  fix: 'viewer_certificate with acm_certificate_arn, ssl_support_method sni-only, minimum_protocol_version TLSv1.2_2021 (modules/cdn does)',
  checkov: ['CKV_AWS_174'],
  check(distribution) {
    const cert = block(distribution.config.viewer_certificate);
    if (isTrue(cert.cloudfront_default_certificate)) return nonCompliant('uses the default CloudFront certificate (TLS 1.0 allowed)');
    const version = cert.minimum_protocol_version;
    return typeof version === 'string' && GUARDRAILS_DEFAULTS.modernCloudFrontTlsVersions.includes(version) ? COMPLIANT : nonCompliant(`viewer_certificate.minimum_protocol_version is ${show(version)}`);
  },
};
