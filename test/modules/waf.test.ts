import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { ApiGatewayStage } from '@cdktf/provider-aws/lib/api-gateway-stage';
import { Network } from '../../modules/network';
import { LoadBalancer } from '../../modules/load-balancer';
import { WebAcl, WebAclProps } from '../../modules/waf';
import { synthFixture } from '../helpers';

type Json = { resource: Record<string, Record<string, any>>; provider: Record<string, any[]> };
const synth = (build: (scope: Construct) => void): Json => JSON.parse(synthFixture(build)) as Json;
const acl = (scope: Construct, extra: Partial<WebAclProps> = {}) =>
  new WebAcl(scope, 'waf', { name: 'webhooks-dev', scope: 'regional', mode: 'block', logRetentionDays: 14, ...extra });
const rulesOf = (json: Json, id = 'waf_web_acl') => json.resource.aws_wafv2_web_acl[id].rule as any[];
const byName = (rules: any[], name: string) => rules.find((r) => r.name === name);
const usEast1 = (scope: Construct) => new AwsProvider(scope, 'aws_us_east_1', { region: 'us-east-1', alias: 'us_east_1' });

describe('WebAcl', () => {
  test('addresses follow the construct id', () => {
    const json = synth((s) => acl(s));
    const addresses = Object.entries(json.resource).flatMap(([type, rs]) => Object.keys(rs).map((n) => `${type}.${n}`)).sort();
    expect(addresses).toEqual(['aws_cloudwatch_log_group.waf_log_group', 'aws_wafv2_web_acl.waf_web_acl', 'aws_wafv2_web_acl_logging_configuration.waf_logging']);
  });

  test('default rules: rate limit per IP, then IP reputation, Common, KnownBadInputs, SQLi; default action allow', () => {
    const json = synth((s) => acl(s));
    const webAcl = json.resource.aws_wafv2_web_acl.waf_web_acl;
    expect(webAcl).toMatchObject({ name: 'webhooks-dev', scope: 'REGIONAL', default_action: { allow: {} } });
    expect(webAcl.visibility_config).toEqual({ cloudwatch_metrics_enabled: true, sampled_requests_enabled: true, metric_name: 'webhooks-dev-all' });
    const rules = rulesOf(json);
    expect(rules.map((r) => [r.priority, r.name])).toEqual([
      [0, 'rate-limit-per-ip'],
      [1, 'AWSManagedRulesAmazonIpReputationList'],
      [2, 'AWSManagedRulesCommonRuleSet'],
      [3, 'AWSManagedRulesKnownBadInputsRuleSet'],
      [4, 'AWSManagedRulesSQLiRuleSet'],
    ]);
    expect(byName(rules, 'rate-limit-per-ip')).toMatchObject({
      action: { block: {} },
      statement: { rate_based_statement: { limit: 2000, aggregate_key_type: 'IP', evaluation_window_sec: 300 } },
    });
    const common = byName(rules, 'AWSManagedRulesCommonRuleSet');
    expect(common.override_action).toEqual({ none: {} });
    expect(common.statement).toEqual({
      managed_rule_group_statement: { vendor_name: 'AWS', name: 'AWSManagedRulesCommonRuleSet', rule_action_override: [{ name: 'SizeRestrictions_BODY', action_to_use: { count: {} } }] },
    });
    for (const r of rules) expect(r.visibility_config).toEqual({ cloudwatch_metrics_enabled: true, sampled_requests_enabled: true, metric_name: `webhooks-dev-${r.name}` });
  });

  test('count mode counts everything except KnownBadInputs (pinned to block); block mode blocks', () => {
    const counting = rulesOf(synth((s) => acl(s, { mode: 'count', customRules: [{ kind: 'geo', name: 'geo-block', countryCodes: ['KP'] }, { kind: 'header', name: 'allow-probe', header: 'user-agent', value: 'ELB-HealthChecker', match: 'starts-with', action: 'allow' }] })));
    expect(byName(counting, 'rate-limit-per-ip').action).toEqual({ count: {} });
    expect(byName(counting, 'geo-block').action).toEqual({ count: {} });
    expect(byName(counting, 'allow-probe').action).toEqual({ allow: {} });
    expect(byName(counting, 'AWSManagedRulesCommonRuleSet').override_action).toEqual({ count: {} });
    expect(byName(counting, 'AWSManagedRulesSQLiRuleSet').override_action).toEqual({ count: {} });
    expect(byName(counting, 'AWSManagedRulesAmazonIpReputationList').override_action).toEqual({ count: {} });
    expect(byName(counting, 'AWSManagedRulesKnownBadInputsRuleSet').override_action).toEqual({ none: {} });
    const blocking = rulesOf(synth((s) => acl(s, { mode: 'block', customRules: [{ kind: 'geo', name: 'geo-block', countryCodes: ['KP'] }] })));
    expect(byName(blocking, 'geo-block').action).toEqual({ block: {} });
    expect(byName(blocking, 'AWSManagedRulesSQLiRuleSet').override_action).toEqual({ none: {} });
  });

  test('per-group overrides: mode, excluded rules, pinned version; custom list replaces the defaults', () => {
    const rules = rulesOf(synth((s) => acl(s, {
      managedRuleGroups: [
        { name: 'AWSManagedRulesCommonRuleSet', mode: 'count', excludedRules: ['NoUserAgent_HEADER', 'SizeRestrictions_BODY'], version: 'Version_1.10' },
        { name: 'AWSManagedRulesLinuxRuleSet' },
      ],
    })));
    expect(rules.map((r) => r.name)).toEqual(['rate-limit-per-ip', 'AWSManagedRulesCommonRuleSet', 'AWSManagedRulesLinuxRuleSet']);
    const common = byName(rules, 'AWSManagedRulesCommonRuleSet');
    expect(common.override_action).toEqual({ count: {} });
    expect(common.statement.managed_rule_group_statement).toEqual({
      vendor_name: 'AWS', name: 'AWSManagedRulesCommonRuleSet', version: 'Version_1.10',
      rule_action_override: [{ name: 'NoUserAgent_HEADER', action_to_use: { count: {} } }, { name: 'SizeRestrictions_BODY', action_to_use: { count: {} } }],
    });
    expect(byName(rules, 'AWSManagedRulesLinuxRuleSet').statement.managed_rule_group_statement).toEqual({ vendor_name: 'AWS', name: 'AWSManagedRulesLinuxRuleSet' });
  });

  test('rate rule: limit and forwarded client IP header', () => {
    const rules = rulesOf(synth((s) => acl(s, { rateLimitPer5Minutes: 500, clientIpHeader: 'X-Forwarded-For' })));
    expect(byName(rules, 'rate-limit-per-ip').statement).toEqual({
      rate_based_statement: { limit: 500, evaluation_window_sec: 300, aggregate_key_type: 'FORWARDED_IP', forwarded_ip_config: { header_name: 'X-Forwarded-For', fallback_behavior: 'MATCH' } },
    });
  });

  test('custom rules come first, typed statements', () => {
    const rules = rulesOf(synth((s) => acl(s, {
      customRules: [
        { kind: 'size', name: 'body-over-64k', component: 'body', maxBytes: 65536 },
        { kind: 'geo', name: 'only-eu', countryCodes: ['DE', 'FR'], negate: true, action: 'count' },
        { kind: 'header', name: 'bad-agent', header: 'user-agent', value: 'BadBot', match: 'contains' },
        { kind: 'size', name: 'long-query', component: 'query-string', maxBytes: 2048 },
      ],
    })));
    expect(rules.slice(0, 5).map((r) => [r.priority, r.name])).toEqual([[0, 'body-over-64k'], [1, 'only-eu'], [2, 'bad-agent'], [3, 'long-query'], [4, 'rate-limit-per-ip']]);
    expect(byName(rules, 'body-over-64k')).toMatchObject({
      action: { block: {} },
      statement: { size_constraint_statement: { comparison_operator: 'GT', size: 65536, field_to_match: { body: { oversize_handling: 'MATCH' } }, text_transformation: [{ priority: 0, type: 'NONE' }] } },
    });
    expect(byName(rules, 'only-eu')).toMatchObject({ action: { count: {} }, statement: { not_statement: { statement: [{ geo_match_statement: { country_codes: ['DE', 'FR'] } }] } } });
    expect(byName(rules, 'bad-agent').statement).toEqual({
      byte_match_statement: { positional_constraint: 'CONTAINS', search_string: 'badbot', field_to_match: { single_header: { name: 'user-agent' } }, text_transformation: [{ priority: 0, type: 'LOWERCASE' }] },
    });
    expect(byName(rules, 'long-query').statement.size_constraint_statement.field_to_match).toEqual({ query_string: {} });
  });

  test('logs everything to aws-waf-logs-<name> with the tier retention; authorization and cookie redacted', () => {
    const json = synth((s) => acl(s, { logRetentionDays: 365 }));
    expect(json.resource.aws_cloudwatch_log_group.waf_log_group).toEqual({ name: 'aws-waf-logs-webhooks-dev', retention_in_days: 365 });
    expect(json.resource.aws_wafv2_web_acl_logging_configuration.waf_logging).toEqual({
      resource_arn: '${aws_wafv2_web_acl.waf_web_acl.arn}',
      log_destination_configs: ['${aws_cloudwatch_log_group.waf_log_group.arn}'],
      redacted_fields: [{ single_header: { name: 'authorization' } }, { single_header: { name: 'cookie' } }],
    });
  });

  test('associate: the LoadBalancer construct, a raw Lb and an API Gateway stage', () => {
    const json = synth((s) => {
      const net = new Network(s, 'network', { namePrefix: 't', cidrBlock: '10.1.0.0/16', availabilityZones: ['us-east-1a', 'us-east-1b'], publicSubnetCount: 2, logRetentionDays: 14 });
      const alb = new LoadBalancer(s, 'alb', { namePrefix: 'x', vpc: net.vpc, subnets: net.publicSubnets, domainName: 'a.example.com', hostedZoneId: 'Z1', region: 'us-east-1', accountId: '123456789012' });
      const raw = new Lb(s, 'raw_lb', { name: 'raw', loadBalancerType: 'application', subnets: ['subnet-1', 'subnet-2'] });
      const stage = new ApiGatewayStage(s, 'stage', { restApiId: 'abc', deploymentId: 'dep', stageName: 'v1' });
      const waf = acl(s);
      waf.associate(alb);
      waf.associate(raw);
      waf.associate(stage);
    });
    expect(json.resource.aws_wafv2_web_acl_association).toEqual({
      waf_association_alb: { resource_arn: '${aws_lb.alb_load_balancer.arn}', web_acl_arn: '${aws_wafv2_web_acl.waf_web_acl.arn}' },
      waf_association_raw_lb: { resource_arn: '${aws_lb.raw_lb.arn}', web_acl_arn: '${aws_wafv2_web_acl.waf_web_acl.arn}' },
      waf_association_stage: { resource_arn: '${aws_api_gateway_stage.stage.arn}', web_acl_arn: '${aws_wafv2_web_acl.waf_web_acl.arn}' },
    });
  });

  test('associate refuses a network load balancer, a second association of the same resource, and a CloudFront ACL', () => {
    expect(() => synth((s) => acl(s).associate(new Lb(s, 'nlb', { name: 'nlb', loadBalancerType: 'network' })))).toThrow(/only Application Load Balancers.*"network"/);
    expect(() => synth((s) => {
      const lb = new Lb(s, 'lb', { name: 'lb' });
      const waf = acl(s);
      waf.associate(lb);
      waf.associate(lb);
    })).toThrow(/already associated/);
    expect(() => synth((s) => acl(s, { scope: 'cloudfront', provider: usEast1(s) }).associate(new Lb(s, 'lb', { name: 'lb' })))).toThrow(/CloudFront-scoped ACL cannot be associated.*web_acl_id/);
  });

  test('CloudFront scope: ACL, log group and logging on the us-east-1 provider; webAclArn for web_acl_id', () => {
    let arn = '';
    const json = synth((s) => {
      arn = acl(s, { name: 'classifyhub-prod-cdn', scope: 'cloudfront', provider: usEast1(s) }).webAclArn;
    });
    expect(json.resource.aws_wafv2_web_acl.waf_web_acl).toMatchObject({ scope: 'CLOUDFRONT', provider: 'aws.us_east_1' });
    expect(json.resource.aws_cloudwatch_log_group.waf_log_group).toMatchObject({ provider: 'aws.us_east_1', name: 'aws-waf-logs-classifyhub-prod-cdn' });
    expect(json.resource.aws_wafv2_web_acl_logging_configuration.waf_logging).toMatchObject({ provider: 'aws.us_east_1' });
    expect(arn).toMatch(/^\$\{TfToken\[/);
  });

  test('bad props: one error listing each field with the value received', () => {
    expect(() => synth((s) => acl(s, { scope: 'cloudfront' }))).toThrow(/provider: received nothing; expected an us-east-1 provider/);
    expect(() => synth((s) => acl(s, { scope: 'cloudfront', provider: new AwsProvider(s, 'eu', { region: 'eu-west-1', alias: 'eu' }) }))).toThrow(/region received: eu-west-1/);
    let message = '';
    try {
      synth((s) => acl(s, { name: 'bad name', mode: 'off' as never, logRetentionDays: 10, rateLimitPer5Minutes: 5 }));
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('name: received "bad name"');
    expect(message).toContain('mode: received "off"');
    expect(message).toContain('logRetentionDays: received 10');
    expect(message).toContain('rateLimitPer5Minutes: received 5');
    expect(() => synth((s) => acl(s, { managedRuleGroups: [{ name: 'AWSManagedRulesBogus' as never }] }))).toThrow(/managedRuleGroups: received .*AWSManagedRulesBogus/);
    expect(() => synth((s) => acl(s, { managedRuleGroups: [] }))).toThrow(/managedRuleGroups: received \[\]/);
    expect(() => synth((s) => acl(s, { customRules: [{ kind: 'geo', name: 'g', countryCodes: ['germany'] }] }))).toThrow(/customRules: received .*germany/);
    expect(() => synth((s) => acl(s, { customRules: [{ kind: 'geo', name: 'AWSManagedRulesSQLiRuleSet', countryCodes: ['DE'] }] }))).toThrow(/rule names unique/);
    expect(() => synth((s) => acl(s, { redactedHeaders: ['Authorization'] }))).toThrow(/redactedHeaders: received \["Authorization"\]/);
  });

  test('capacity: the defaults fit in 1,500 WCU; too many groups are refused with the estimate', () => {
    let units = 0;
    synth((s) => {
      units = acl(s).capacityUnits;
    });
    expect(units).toBe(25 + 700 + 200 + 200 + 2);
    expect(() => synth((s) => acl(s, {
      managedRuleGroups: ['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet', 'AWSManagedRulesSQLiRuleSet', 'AWSManagedRulesLinuxRuleSet', 'AWSManagedRulesWindowsRuleSet', 'AWSManagedRulesPHPRuleSet'].map((name) => ({ name: name as never })),
    }))).toThrow(/estimated 1602/);
  });
});
