import type { Rule } from '../types';
import { block, blocks, show, strings, verdict } from '../helpers';

const WEAK_ORIGIN_PROTOCOLS = ['SSLv3', 'TLSv1', 'TLSv1.1'];

export const cloudfrontHttps: Rule = {
  id: 'CH-CLOUDFRONT-001',
  severity: 'error',
  resourceTypes: ['aws_cloudfront_distribution'],
  title: 'CloudFront HTTPS only: viewers redirected to HTTPS, custom origins over TLS 1.2',
  why: 'Any behaviour that allows HTTP, or an origin reached over HTTP or old TLS, leaks sessions and content.',
  fix: 'viewer_protocol_policy redirect-to-https (or https-only) on every behaviour; custom_origin_config origin_protocol_policy https-only with origin_ssl_protocols ["TLSv1.2"] (modules/cdn does)',
  checkov: ['CKV_AWS_34'],
  check(distribution) {
    const c = distribution.config;
    const problems: string[] = [];
    const behaviours = [{ name: 'default_cache_behavior', b: block(c.default_cache_behavior) }, ...blocks(c.ordered_cache_behavior).map((b) => ({ name: `ordered_cache_behavior ${String(b.path_pattern)}`, b }))];
    for (const { name, b } of behaviours) {
      if (b.viewer_protocol_policy !== 'redirect-to-https' && b.viewer_protocol_policy !== 'https-only') problems.push(`${name} viewer_protocol_policy is ${show(b.viewer_protocol_policy)}`);
    }
    for (const origin of blocks(c.origin)) {
      const custom = blocks(origin.custom_origin_config)[0];
      if (!custom) continue;
      if (custom.origin_protocol_policy !== 'https-only') problems.push(`origin ${String(origin.origin_id)} origin_protocol_policy is ${show(custom.origin_protocol_policy)}`);
      const weak = strings(custom.origin_ssl_protocols).filter((p) => WEAK_ORIGIN_PROTOCOLS.includes(p));
      if (weak.length) problems.push(`origin ${String(origin.origin_id)} allows ${weak.join(', ')}`);
    }
    return verdict(problems);
  },
};
