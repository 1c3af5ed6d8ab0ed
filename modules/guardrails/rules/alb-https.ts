import type { Rule } from '../types';
import { NOT_APPLICABLE, blocks, block, show, verdict } from '../helpers';
import { GUARDRAILS_DEFAULTS } from '../defaults';

export const albHttps: Rule = {
  id: 'CH-ALB-001',
  severity: 'error',
  resourceTypes: ['aws_lb_listener', 'aws_alb_listener'],
  title: 'Load balancer listeners use HTTPS/TLS with a TLS 1.2+ policy; HTTP only redirects to HTTPS',
  why: 'Plain HTTP or TLS 1.0/1.1 listeners expose sessions and credentials on the wire.',
  fix: 'protocol HTTPS with ssl_policy ELBSecurityPolicy-TLS13-1-2-2021-06; port 80 only with a redirect action to HTTPS (modules/load-balancer does)',
  checkov: ['CKV_AWS_2', 'CKV_AWS_103', 'CKV2_AWS_20'],
  check(listener) {
    const protocol = String(listener.config.protocol ?? 'HTTP').toUpperCase();
    if (protocol === 'TCP' || protocol === 'UDP' || protocol === 'TCP_UDP' || protocol === 'GENEVE') return NOT_APPLICABLE;
    const problems: string[] = [];
    if (protocol === 'HTTP') {
      const actions = blocks(listener.config.default_action);
      const redirects = actions.length > 0 && actions.every((a) => a.type === 'redirect' && String(block(a.redirect).protocol).toUpperCase() === 'HTTPS');
      if (!redirects) problems.push('HTTP listener does not redirect every request to HTTPS');
    } else {
      const policy = listener.config.ssl_policy;
      if (typeof policy !== 'string' || !GUARDRAILS_DEFAULTS.modernAlbTlsPolicies.some((p) => policy.startsWith(p))) problems.push(`ssl_policy is ${show(policy)} (not TLS 1.2+ only)`);
    }
    return verdict(problems);
  },
};
