/**
 * Issue 18 in ClassifyHub: a CloudFront-scoped web ACL from stage 9, a
 * regional one on the ALB of every region from stage 12, modes from the tier
 * profile, Shield Advanced only when the environment opts in, and the
 * guardrail that refuses an entry point without an ACL in staging/prod.
 */
import { App, Testing } from 'cdktf';
import { loadEnvironment } from '../../../environments/lib/load';
import type { Environment } from '../../../environments/lib/schema';
import { addClassifyHubStacks, atStage } from '../../../systems/classifyhub/app';
import type { StageSlug } from '../../../systems/classifyhub/stages';
import { wafRateLimitPer5Minutes } from '../../../systems/classifyhub/regional';
import { Guardrails, RULES } from '../../../modules/guardrails';
import { addresses, synthClassifyHub, SynthJson } from '../../helpers';

type Res = Record<string, any>;
const byType = (json: SynthJson, type: string): Record<string, Res> => (json.resource[type] ?? {}) as Record<string, Res>;
const dev = loadEnvironment('dev');
const staging = loadEnvironment('staging');
const prod = loadEnvironment('prod');
const keepingHost = (env: Environment): Environment => ({ ...env, classifyhub: { ...env.classifyhub, decommissionDockerHost: false } });
const at = (env: Environment, slug: StageSlug) => synthClassifyHub(atStage(keepingHost(env), slug));
const wafAddresses = (json: SynthJson) => addresses(json).filter((a) => /wafv2|waf_log_group|shield/.test(a));

/** One synth: the stack's JSON and its guardrails report. */
const synthWithReport = (env: Environment) => {
  const app = Testing.app();
  const [stack] = addClassifyHubStacks(app as App, [env]);
  const json = JSON.parse(Testing.synth(stack)) as SynthJson;
  return { json, report: Guardrails.of(stack)!.report() };
};

const dev8 = at(dev, '08-async-notifications');
const dev9 = at(dev, '09-cdn');
const dev11 = at(dev, '11-rate-limiting');
const dev12 = at(dev, '12-high-availability');
const prodSynth = synthWithReport(prod);
const prod14 = prodSynth.json;
const stagingSynth = synthWithReport(staging);

describe('ClassifyHub web ACLs', () => {
  test('none before stage 9; the CDN ACL in us-east-1 from 9; the ALB ACL from 12', () => {
    expect(wafAddresses(dev8)).toEqual([]);
    expect(wafAddresses(dev9)).toEqual([
      'aws_cloudwatch_log_group.cdn_waf_log_group',
      'aws_wafv2_web_acl.cdn_waf_web_acl',
      'aws_wafv2_web_acl_logging_configuration.cdn_waf_logging',
    ]);
    expect(wafAddresses(dev11)).toEqual(wafAddresses(dev9));
    expect(wafAddresses(dev12)).toEqual([
      'aws_cloudwatch_log_group.cdn_waf_log_group',
      'aws_cloudwatch_log_group.waf_log_group',
      'aws_wafv2_web_acl.cdn_waf_web_acl',
      'aws_wafv2_web_acl.waf_web_acl',
      'aws_wafv2_web_acl_association.waf_association_alb',
      'aws_wafv2_web_acl_logging_configuration.cdn_waf_logging',
      'aws_wafv2_web_acl_logging_configuration.waf_logging',
    ]);
  });

  test('CloudFront: CLOUDFRONT scope on the us-east-1 provider, the distribution carries its ARN', () => {
    const acl = byType(dev9, 'aws_wafv2_web_acl').cdn_waf_web_acl;
    expect(acl).toMatchObject({ name: 'classifyhub-dev-cdn', scope: 'CLOUDFRONT', provider: 'aws.us_east_1', default_action: { allow: {} } });
    expect(byType(dev9, 'aws_cloudwatch_log_group').cdn_waf_log_group).toMatchObject({ name: 'aws-waf-logs-classifyhub-dev-cdn', provider: 'aws.us_east_1', retention_in_days: dev.profile.logRetentionDays });
    expect(byType(dev9, 'aws_cloudfront_distribution').cdn_distribution.web_acl_id).toBe('${aws_wafv2_web_acl.cdn_waf_web_acl.arn}');
  });

  test('ALB: REGIONAL ACL associated with the load balancer, in every region at stage 14 with the region provider', () => {
    expect(byType(dev12, 'aws_wafv2_web_acl_association').waf_association_alb).toMatchObject({ resource_arn: '${aws_lb.alb_load_balancer.arn}', web_acl_arn: '${aws_wafv2_web_acl.waf_web_acl.arn}' });
    const associations = byType(prod14, 'aws_wafv2_web_acl_association');
    expect(Object.keys(associations).sort()).toEqual(['ap_southeast_1_waf_association_alb', 'eu_west_1_waf_association_alb', 'waf_association_alb']);
    expect(associations.eu_west_1_waf_association_alb).toMatchObject({ provider: 'aws.eu_west_1', resource_arn: '${aws_lb.eu_west_1_alb_load_balancer.arn}', web_acl_arn: '${aws_wafv2_web_acl.eu_west_1_waf_web_acl.arn}' });
    const acls = byType(prod14, 'aws_wafv2_web_acl');
    expect(Object.values(acls).map((a) => `${a.name}:${a.scope}:${a.provider ?? '(default)'}`).sort()).toEqual([
      'classifyhub-prod-alb:REGIONAL:(default)',
      'classifyhub-prod-apse1-alb:REGIONAL:aws.ap_southeast_1',
      'classifyhub-prod-cdn:CLOUDFRONT:aws.us_east_1',
      'classifyhub-prod-euw1-alb:REGIONAL:aws.eu_west_1',
    ]);
  });

  test('mode from the tier: dev counts, staging and prod block; KnownBadInputs blocks everywhere', () => {
    const managedActions = (json: SynthJson, acl: string) =>
      Object.fromEntries((byType(json, 'aws_wafv2_web_acl')[acl].rule as Res[]).map((r) => [r.name, Object.keys(r.override_action ?? r.action)[0]]));
    expect(managedActions(dev12, 'waf_web_acl')).toEqual({
      'rate-limit-per-ip': 'count',
      AWSManagedRulesAmazonIpReputationList: 'count',
      AWSManagedRulesCommonRuleSet: 'count',
      AWSManagedRulesKnownBadInputsRuleSet: 'none',
      AWSManagedRulesSQLiRuleSet: 'count',
    });
    for (const json of [prod14, stagingSynth.json]) {
      for (const acl of ['waf_web_acl', 'cdn_waf_web_acl']) {
        expect(managedActions(json, acl)).toEqual({
          'rate-limit-per-ip': 'block',
          AWSManagedRulesAmazonIpReputationList: 'none',
          AWSManagedRulesCommonRuleSet: 'none',
          AWSManagedRulesKnownBadInputsRuleSet: 'none',
          AWSManagedRulesSQLiRuleSet: 'none',
        });
      }
    }
  });

  test('rate rule: twice the gateway limit sustained over 5 minutes', () => {
    const rate = (byType(prod14, 'aws_wafv2_web_acl').waf_web_acl.rule as Res[]).find((r) => r.name === 'rate-limit-per-ip')!;
    expect(rate.statement.rate_based_statement).toMatchObject({ limit: 10 * prod.classifyhub.rateLimit.requestsPerMinute, aggregate_key_type: 'IP' });
    expect(wafRateLimitPer5Minutes(3)).toBe(100);
  });

  test('adding the ACLs only adds: 8 -> 9 and 11 -> 12 keep every address, and nothing but the app record changes at 12', () => {
    for (const [from, to] of [[dev8, dev9], [dev11, dev12]]) {
      const after = new Set(addresses(to));
      expect(addresses(from).filter((a) => !after.has(a))).toEqual([]);
    }
    const changed = addresses(dev11).filter((a) => {
      const [type, name] = a.split('.');
      return JSON.stringify(dev12.resource[type][name]) !== JSON.stringify(dev11.resource[type][name]);
    });
    expect(changed).toEqual(['aws_route53_record.app_record']);
  });
});

describe('Shield Advanced: opt-in per environment', () => {
  test('no aws_shield_protection unless shieldAdvanced is true', () => {
    for (const env of [dev, staging, prod]) expect(env.shieldAdvanced).toBe(false);
    expect(Object.keys(byType(prod14, 'aws_shield_protection'))).toEqual([]);
  });

  test('when set: the CDN, the ALB of every region, and the host Elastic IP while the host is kept', () => {
    const opted = synthClassifyHub(keepingHost({ ...dev, shieldAdvanced: true }));
    const protections = byType(opted, 'aws_shield_protection');
    expect(Object.fromEntries(Object.entries(protections).map(([k, v]) => [k, v.resource_arn]))).toEqual({
      alb_shield_protection: '${aws_lb.alb_load_balancer.arn}',
      eu_west_1_alb_shield_protection: '${aws_lb.eu_west_1_alb_load_balancer.arn}',
      ap_southeast_1_alb_shield_protection: '${aws_lb.ap_southeast_1_alb_load_balancer.arn}',
      cdn_shield_protection: '${aws_cloudfront_distribution.cdn_distribution.arn}',
      docker_host_shield_protection: 'arn:aws:ec2:us-east-1:111111111111:eip-allocation/${aws_eip.docker_host_elastic_ip.allocation_id}',
    });
    expect(protections.eu_west_1_alb_shield_protection.provider).toBe('aws.eu_west_1');
    expect(protections.cdn_shield_protection.provider).toBe('aws.us_east_1');
  });
});

describe('guardrail CH-WAF-001 on the real stacks', () => {
  test('staging and prod: every ALB and the distribution are compliant', () => {
    for (const [r, entryPoints] of [[stagingSynth.report, 2], [prodSynth.report, 4]] as const) {
      expect(r.counts['CH-WAF-001'].nonCompliant).toBe(0);
      expect(r.counts['CH-WAF-001'].compliant).toBe(entryPoints);
    }
    expect(RULES.find((r) => r.id === 'CH-WAF-001')!.tiers).toEqual(['staging', 'prod']);
  });
});
