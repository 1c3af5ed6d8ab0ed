/** Stand-ins for the Terraform tier (test/support/stand-ins.ts): when a WAF web ACL is planned elsewhere, and how. */
import type { TerraformConfig } from '../../scripts/lib/terraform';
import { plannedAsIs, standIn } from './stand-ins';

const provider = { aws: [{ region: 'us-east-1', default_tags: [{ tags: { Environment: 'dev' } }] }, { alias: 'us_east_1', region: 'us-east-1' }] };
const acl = (name = 'shared', extra: Record<string, unknown> = {}) => ({
  name,
  scope: 'REGIONAL',
  default_action: { allow: {} },
  visibility_config: { cloudwatch_metrics_enabled: true, metric_name: name, sampled_requests_enabled: true },
  ...extra,
});
/** A stack with one ACL, an association and an output that use its ARN, and a queue that waits for it. */
const stack = (body: Record<string, unknown>, extra: Partial<TerraformConfig> = {}): TerraformConfig => ({
  provider,
  resource: {
    aws_wafv2_web_acl: { waf: { '//': { metadata: { path: 'x/waf' } }, ...body } },
    aws_wafv2_web_acl_association: { assoc: { resource_arn: '${aws_lb.alb.arn}', web_acl_arn: '${aws_wafv2_web_acl.waf.arn}' } },
    aws_sqs_queue: { q: { name: 'q', depends_on: ['aws_wafv2_web_acl.waf'] } },
  },
  output: { acl: { value: '${aws_wafv2_web_acl.waf.id}' } },
  ...extra,
});
const environment = { name: 'classifyhub-dev', config: stack(acl()) };

describe('stand-ins for WAF web ACLs an environment stack plans', () => {
  it('replace an exact copy with terraform_data and point every reference and depends_on to it', () => {
    const { config, standIns } = standIn(stack(acl()), plannedAsIs([environment]));
    expect(standIns).toEqual([{ address: 'aws_wafv2_web_acl.waf', plannedIn: 'classifyhub-dev' }]);
    expect(config.resource!.aws_wafv2_web_acl).toBeUndefined();
    expect(config.resource!.terraform_data).toEqual({ waf: { '//': { metadata: { path: 'x/waf' } }, input: 'stand-in for aws_wafv2_web_acl.waf, planned in classifyhub-dev' } });
    expect(config.resource!.aws_wafv2_web_acl_association.assoc.web_acl_arn).toBe('${terraform_data.waf.id}');
    expect(config.resource!.aws_sqs_queue.q.depends_on).toEqual(['terraform_data.waf']);
    expect(config.output).toEqual({ acl: { value: '${terraform_data.waf.id}' } });
    // The resource count stays the same: one create for one create.
    const count = (c: TerraformConfig) => Object.values(c.resource!).reduce((n, byName) => n + Object.keys(byName).length, 0);
    expect(count(config)).toBe(count(stack(acl())));
  });

  it('leave the input configuration unchanged', () => {
    const input = stack(acl());
    const before = JSON.stringify(input);
    standIn(input, plannedAsIs([environment]));
    expect(JSON.stringify(input)).toBe(before);
  });

  it('plan the ACL as it is when no environment stack has the same block (CDKTF metadata aside)', () => {
    expect(standIn(stack(acl('other')), plannedAsIs([environment])).standIns).toEqual([]);
    expect(standIn(stack(acl('shared', { description: 'x' })), plannedAsIs([environment])).standIns).toEqual([]);
  });

  it('plan it as it is under other provider settings (region, default tags), whichever alias names them', () => {
    const otherTags = stack(acl(), { provider: { aws: [{ region: 'us-east-1', default_tags: [{ tags: { Environment: 'prod' } }] }] } });
    expect(standIn(otherTags, plannedAsIs([environment])).standIns).toEqual([]);
    // The us_east_1 alias has no default tags: other settings than the environment's default block.
    expect(standIn(stack(acl('shared', { provider: 'aws.us_east_1' })), plannedAsIs([environment])).standIns).toEqual([]);
    const bothAliased = { name: 'env', config: stack(acl('shared', { provider: 'aws.us_east_1' })) };
    expect(standIn(stack(acl('shared', { provider: 'aws.us_east_1' })), plannedAsIs([bothAliased])).standIns).toHaveLength(1);
    // The same settings under another alias name plan the same.
    const sameSettings = stack(acl('shared', { provider: 'aws.primary' }), { provider: { aws: [{ ...provider.aws[0], alias: 'primary' }] } });
    expect(standIn(sameSettings, plannedAsIs([environment])).standIns).toHaveLength(1);
    // An alias the stack does not declare is left to Terraform to report.
    expect(standIn(stack(acl('shared', { provider: 'aws.nowhere' })), plannedAsIs([environment])).standIns).toEqual([]);
  });

  it('plan it as it is when its block interpolates anything or has meta-arguments', () => {
    const interpolated = { name: 'env', config: stack(acl('${var.name}')) };
    expect(standIn(stack(acl('${var.name}')), plannedAsIs([interpolated])).standIns).toEqual([]);
    const counted = { name: 'env', config: stack(acl('shared', { count: 1 })) };
    expect(standIn(stack(acl('shared', { count: 1 })), plannedAsIs([counted])).standIns).toEqual([]);
  });

  it('plan it as it is when the stack reads another attribute of it, or the whole object', () => {
    const readsCapacity = stack(acl(), { output: { capacity: { value: '${aws_wafv2_web_acl.waf.capacity}' } } });
    expect(standIn(readsCapacity, plannedAsIs([environment])).standIns).toEqual([]);
    const readsObject = stack(acl(), { output: { whole: { value: '${aws_wafv2_web_acl.waf}' } } });
    expect(standIn(readsObject, plannedAsIs([environment])).standIns).toEqual([]);
  });

  it('do not confuse a longer name or a data source with the resource', () => {
    const config = stack(acl(), {
      output: { a: { value: '${aws_wafv2_web_acl.waf_2.capacity}' }, b: { value: '${data.aws_wafv2_web_acl.waf.description}' } },
    });
    const result = standIn(config, plannedAsIs([environment]));
    expect(result.standIns).toHaveLength(1);
    expect(result.config.output).toEqual({ a: { value: '${aws_wafv2_web_acl.waf_2.capacity}' }, b: { value: '${data.aws_wafv2_web_acl.waf.description}' } });
  });
});
