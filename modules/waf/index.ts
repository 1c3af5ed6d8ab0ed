import { Construct } from 'constructs';
import { TerraformProvider, Token } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Wafv2WebAcl, Wafv2WebAclRule } from '@cdktf/provider-aws/lib/wafv2-web-acl';
import { Wafv2WebAclAssociation } from '@cdktf/provider-aws/lib/wafv2-web-acl-association';
import { Wafv2WebAclLoggingConfiguration } from '@cdktf/provider-aws/lib/wafv2-web-acl-logging-configuration';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { ApiGatewayStage } from '@cdktf/provider-aws/lib/api-gateway-stage';
import { LOG_RETENTION_DAYS, validateProps, withDefaults } from '../core/props';
import { LoadBalancer } from '../load-balancer';
import { AWS_MANAGED_RULE_GROUPS, AwsManagedRuleGroupName, MANAGED_GROUP_CAPACITY, WEB_ACL_DEFAULTS } from './defaults';

export { AWS_MANAGED_RULE_GROUPS, WEB_ACL_DEFAULTS } from './defaults';
export type { AwsManagedRuleGroupName } from './defaults';

/** "block": rules act; "count": rules only count and label (observe before enforcing). */
export type WafMode = 'block' | 'count';

/** One AWS managed rule group in the web ACL, with its overrides. */
export interface ManagedRuleGroup {
  /** Name of the AWS managed rule group (vendor "AWS"). */
  readonly name: AwsManagedRuleGroupName;
  /**
   * "count" puts the whole group in count mode (override action count).
   * @default the web ACL's mode
   */
  readonly mode?: WafMode;
  /**
   * Rules of the group that only count, whatever the group's mode (WAF's
   * `rule_action_override` with count, the successor of `excluded_rule`).
   * @default none
   */
  readonly excludedRules?: readonly string[];
  /**
   * Pinned version of the group, e.g. "Version_1.10".
   * @default none - AWS's default version, updated by AWS
   */
  readonly version?: string;
}

/** Action of a custom rule. "block" counts while the ACL is in count mode; "allow" and "count" are kept. */
export type CustomRuleAction = 'block' | 'allow' | 'count';

/** Request part a size rule measures. */
export type SizeComponent = 'body' | 'uri-path' | 'query-string';

/** A typed custom rule. Rules are evaluated before the rate rule and the managed groups, in list order. */
export type CustomRule =
  | {
      /** Matches requests whose `component` is larger than `maxBytes`. */
      readonly kind: 'size';
      /** Rule name (letters, digits, hyphens, underscores), unique in the ACL. */
      readonly name: string;
      readonly component: SizeComponent;
      /** Largest size allowed, bytes. Bodies: WAF inspects the first 8 KB (ALB, API Gateway) or 16 KB (CloudFront); larger bodies match. */
      readonly maxBytes: number;
      /** @default "block" */
      readonly action?: CustomRuleAction;
    }
  | {
      /** Matches requests from the countries listed (or, with `negate`, from every other country). */
      readonly kind: 'geo';
      readonly name: string;
      /** ISO 3166-1 alpha-2 codes, e.g. ["DE", "FR"]. */
      readonly countryCodes: readonly string[];
      /** Match requests from countries NOT in the list (an allow list expressed as a block rule). @default false */
      readonly negate?: boolean;
      /** @default "block" */
      readonly action?: CustomRuleAction;
    }
  | {
      /** Matches requests whose header `header` equals / starts with / contains `value` (case-insensitive: lower-cased first). */
      readonly kind: 'header';
      readonly name: string;
      /** Header name, lower case, e.g. "user-agent". */
      readonly header: string;
      readonly value: string;
      readonly match: 'exactly' | 'starts-with' | 'contains';
      /** @default "block" */
      readonly action?: CustomRuleAction;
    };

export interface WebAclProps {
  /** AWS name of the web ACL (1-128 of [A-Za-z0-9_-]); metrics and the log group `aws-waf-logs-<name>` use it. */
  readonly name: string;
  /** "regional" for ALBs and API Gateway stages, "cloudfront" for distributions (then `provider` must be an us-east-1 provider). */
  readonly scope: 'regional' | 'cloudfront';
  /** "block" to enforce, "count" to observe (from the tier profile: `env.profile.waf.mode`). */
  readonly mode: WafMode;
  /** Days the WAF logs are kept (a value CloudWatch Logs accepts; from the tier profile). */
  readonly logRetentionDays: number;
  /**
   * Provider of the ACL and its log group. Required for scope "cloudfront": an AwsProvider for us-east-1.
   * @default the stack's default provider
   */
  readonly provider?: TerraformProvider;
  /**
   * AWS managed rule groups, evaluated in list order after the custom rules and the rate rule.
   * @default IP reputation, Common (SizeRestrictions_BODY counts), KnownBadInputs (always blocks), SQLi
   */
  readonly managedRuleGroups?: readonly ManagedRuleGroup[];
  /**
   * Requests per client IP in any 5-minute window before the rate-based rule blocks (or counts) that IP (10 - 2,000,000,000).
   * @default 2000
   */
  readonly rateLimitPer5Minutes?: number;
  /**
   * Header carrying the client IP (e.g. "X-Forwarded-For") for the rate rule, when the ACL sits behind a proxy
   * or CDN. Requests without a valid IP in it are counted against the rule (fallback MATCH).
   * @default none - the IP of the connection
   */
  readonly clientIpHeader?: string;
  /**
   * Custom rules (size, geo, header match), evaluated first.
   * @default none
   */
  readonly customRules?: readonly CustomRule[];
  /**
   * Request headers replaced by "REDACTED" in the logs, in addition to nothing else: give the full list.
   * @default ["authorization", "cookie"]
   */
  readonly redactedHeaders?: readonly string[];
}

const NAME = /^[A-Za-z0-9_-]{1,128}$/;
const RULE_NAME = /^[A-Za-z0-9_-]{1,128}$/;
const COUNTRY = /^[A-Z]{2}$/;
const HEADER = /^[a-z0-9!#$%&'*+.^_`|~-]{1,64}$/;

/**
 * An AWS WAF (v2) web ACL: AWS managed rule groups with per-group overrides,
 * a rate-based rule per client IP, typed custom rules, default action allow,
 * CloudWatch metrics and sampled requests on every rule, and full logging to
 * the CloudWatch Logs group `aws-waf-logs-<name>` with the authorization and
 * cookie headers redacted. `associate(resource)` attaches a regional ACL to an
 * ALB or an API Gateway stage; CloudFront distributions take `webAclArn` as
 * their `web_acl_id`.
 */
export class WebAcl extends Construct {
  readonly webAcl: Wafv2WebAcl;
  readonly logGroup: CloudwatchLogGroup;
  readonly loggingConfiguration: Wafv2WebAclLoggingConfiguration;
  /** Rule names in evaluation order (priority 0, 1, ...). */
  readonly ruleNames: readonly string[];
  /** Web ACL capacity units the rules use (estimate from the AWS tables; WAF checks the real value at apply). */
  readonly capacityUnits: number;
  private readonly scope: 'regional' | 'cloudfront';
  private readonly provider?: TerraformProvider;
  private readonly associated = new Set<string>();

  constructor(scope: Construct, id: string, props: WebAclProps) {
    super(scope, id);
    const p = withDefaults(WEB_ACL_DEFAULTS, props);
    const groups = p.managedRuleGroups as readonly ManagedRuleGroup[];
    const custom = p.customRules as readonly CustomRule[];
    const capacity =
      groups.reduce((sum, g) => sum + (MANAGED_GROUP_CAPACITY[g.name] ?? 0), 0) + WEB_ACL_DEFAULTS.rateRuleCapacity + custom.reduce((sum, r) => sum + customCapacity(r), 0);
    const names = [...custom.map((r) => r.name), 'rate-limit-per-ip', ...groups.map((g) => g.name)];
    const region = providerRegion(p.provider);
    validateProps('WebAcl', { ...p, provider: p.provider?.node.path }, [
      { field: 'name', valid: (x) => NAME.test(x.name), expected: '1-128 characters of [A-Za-z0-9_-]' },
      { field: 'scope', valid: (x) => x.scope === 'regional' || x.scope === 'cloudfront', expected: '"regional" or "cloudfront"' },
      { field: 'mode', valid: (x) => x.mode === 'block' || x.mode === 'count', expected: '"block" or "count"' },
      { field: 'logRetentionDays', valid: (x) => (LOG_RETENTION_DAYS as readonly number[]).includes(x.logRetentionDays), expected: `one of ${LOG_RETENTION_DAYS.join(', ')}` },
      { field: 'provider', valid: (x) => x.scope !== 'cloudfront' || (x.provider !== undefined && (region === undefined || region === 'us-east-1')), expected: `an us-east-1 provider for scope "cloudfront" (region received: ${region ?? 'none'})` },
      { field: 'rateLimitPer5Minutes', valid: (x) => Number.isInteger(x.rateLimitPer5Minutes) && x.rateLimitPer5Minutes >= 10 && x.rateLimitPer5Minutes <= 2_000_000_000, expected: 'a whole number from 10 to 2000000000' },
      { field: 'clientIpHeader', valid: (x) => x.clientIpHeader === undefined || /^[A-Za-z0-9-]{1,255}$/.test(x.clientIpHeader), expected: 'a header name such as "X-Forwarded-For"' },
      { field: 'managedRuleGroups', valid: () => groups.length > 0 && groups.every((g) => (AWS_MANAGED_RULE_GROUPS as readonly string[]).includes(g.name)), expected: `one or more of ${AWS_MANAGED_RULE_GROUPS.join(', ')}` },
      { field: 'managedRuleGroups', valid: () => groups.every((g) => (g.excludedRules ?? []).every((r) => RULE_NAME.test(r)) && (g.mode === undefined || g.mode === 'block' || g.mode === 'count')), expected: 'excludedRules of rule names ([A-Za-z0-9_-]) and mode "block" or "count"' },
      { field: 'customRules', valid: () => custom.every(validCustomRule), expected: 'size rules with maxBytes 0-21474836480, geo rules with 1+ two-letter upper-case country codes, header rules with a lower-case header name and a 1-200 character value; names of [A-Za-z0-9_-]' },
      { field: 'customRules', valid: () => new Set(names).size === names.length, expected: `rule names unique across custom rules, "rate-limit-per-ip" and the managed groups (received ${names.join(', ')})` },
      { field: 'redactedHeaders', valid: (x) => x.redactedHeaders.length <= 100 && x.redactedHeaders.every((h) => HEADER.test(h)), expected: 'at most 100 lower-case header names' },
      { field: 'managedRuleGroups', valid: () => capacity <= WEB_ACL_DEFAULTS.maxCapacityUnits, expected: `rules within ${WEB_ACL_DEFAULTS.maxCapacityUnits} capacity units (estimated ${capacity})` },
    ]);
    this.scope = p.scope;
    this.provider = p.provider;
    this.ruleNames = names;
    this.capacityUnits = capacity;

    const metric = (name: string) => ({ cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: `${p.name}-${name}`.slice(0, 128) });
    const rules: Wafv2WebAclRule[] = [];
    custom.forEach((r) => {
      rules.push({ name: r.name, priority: rules.length, action: ruleAction(r.action ?? 'block', p.mode), statement: customStatement(r), visibilityConfig: metric(r.name) });
    });
    rules.push({
      name: 'rate-limit-per-ip',
      priority: rules.length,
      action: ruleAction('block', p.mode),
      statement: {
        rate_based_statement: {
          limit: p.rateLimitPer5Minutes,
          evaluation_window_sec: p.rateEvaluationWindowSeconds,
          ...(p.clientIpHeader
            ? { aggregate_key_type: 'FORWARDED_IP', forwarded_ip_config: { header_name: p.clientIpHeader, fallback_behavior: 'MATCH' } }
            : { aggregate_key_type: 'IP' }),
        },
      },
      visibilityConfig: metric('rate-limit-per-ip'),
    });
    for (const g of groups) {
      const mode = g.mode ?? p.mode;
      rules.push({
        name: g.name,
        priority: rules.length,
        overrideAction: mode === 'count' ? { count: {} } : { none: {} },
        statement: {
          managed_rule_group_statement: {
            vendor_name: 'AWS',
            name: g.name,
            ...(g.version ? { version: g.version } : {}),
            ...((g.excludedRules ?? []).length
              ? { rule_action_override: (g.excludedRules ?? []).map((rule) => ({ name: rule, action_to_use: { count: {} } })) }
              : {}),
          },
        },
        visibilityConfig: metric(g.name),
      });
    }

    const providerArg = p.provider ? { provider: p.provider } : {};
    this.webAcl = new Wafv2WebAcl(this, 'web_acl', {
      ...providerArg,
      name: p.name,
      description: `${p.name}: AWS managed rules, rate limit per IP (${p.mode} mode)`,
      scope: p.scope === 'cloudfront' ? 'CLOUDFRONT' : 'REGIONAL',
      defaultAction: { allow: {} },
      rule: rules,
      visibilityConfig: metric('all'),
    });
    this.logGroup = new CloudwatchLogGroup(this, 'log_group', {
      ...providerArg,
      // WAF only delivers to log groups whose name starts with "aws-waf-logs-".
      name: `aws-waf-logs-${p.name}`,
      retentionInDays: p.logRetentionDays,
    });
    this.loggingConfiguration = new Wafv2WebAclLoggingConfiguration(this, 'logging', {
      ...providerArg,
      resourceArn: this.webAcl.arn,
      logDestinationConfigs: [this.logGroup.arn],
      redactedFields: p.redactedHeaders.map((name) => ({ singleHeader: { name } })),
    });
  }

  /** ARN of the web ACL: a CloudFront distribution's `web_acl_id` (scope "cloudfront"). */
  get webAclArn(): string {
    return this.webAcl.arn;
  }

  /**
   * Attaches this regional ACL to an Application Load Balancer (the
   * LoadBalancer construct of modules/load-balancer or a raw `Lb`) or an API
   * Gateway REST stage. The association's address is
   * `<acl id>_association_<resource construct id>`.
   */
  associate(resource: LoadBalancer | Lb | ApiGatewayStage | { readonly stage: ApiGatewayStage; readonly node: Construct['node'] }): Wafv2WebAclAssociation {
    if (this.scope !== 'regional') {
      throw new Error(`WebAcl ${this.node.path}: a CloudFront-scoped ACL cannot be associated with ${resource.node.path}; set the distribution's web_acl_id to webAclArn`);
    }
    let arn: string;
    if (resource instanceof LoadBalancer) arn = resource.loadBalancer.arn;
    else if (resource instanceof Lb) {
      if (resource.loadBalancerTypeInput !== undefined && resource.loadBalancerTypeInput !== 'application') {
        throw new Error(`WebAcl ${this.node.path}: only Application Load Balancers take a web ACL; ${resource.node.path} has load_balancer_type "${resource.loadBalancerTypeInput}"`);
      }
      arn = resource.arn;
    } else if (resource instanceof ApiGatewayStage) arn = resource.arn;
    else if ('stage' in resource && resource.stage instanceof ApiGatewayStage) arn = resource.stage.arn;
    else throw new Error(`WebAcl ${this.node.path}: cannot associate ${(resource as Construct).node?.path ?? String(resource)}; expected a LoadBalancer, an Lb or an ApiGatewayStage`);
    const id = `association_${resource.node.id}`;
    if (this.associated.has(id)) throw new Error(`WebAcl ${this.node.path}: ${resource.node.path} is already associated`);
    this.associated.add(id);
    return new Wafv2WebAclAssociation(this, id, { ...(this.provider ? { provider: this.provider } : {}), resourceArn: arn, webAclArn: this.webAcl.arn });
  }
}

function providerRegion(provider: TerraformProvider | undefined): string | undefined {
  if (!(provider instanceof AwsProvider)) return undefined;
  const region = provider.region;
  return region === undefined || Token.isUnresolved(region) ? undefined : region;
}

function ruleAction(action: CustomRuleAction, mode: WafMode) {
  const effective = action === 'block' && mode === 'count' ? 'count' : action;
  return { [effective]: {} } as { block?: object; allow?: object; count?: object };
}

function validCustomRule(r: CustomRule): boolean {
  if (!RULE_NAME.test(r.name ?? '') || r.name === 'rate-limit-per-ip') return false;
  if (r.action !== undefined && !['block', 'allow', 'count'].includes(r.action)) return false;
  switch (r.kind) {
    case 'size':
      return ['body', 'uri-path', 'query-string'].includes(r.component) && Number.isInteger(r.maxBytes) && r.maxBytes >= 0 && r.maxBytes <= 21_474_836_480;
    case 'geo':
      return r.countryCodes.length > 0 && r.countryCodes.every((c) => COUNTRY.test(c));
    case 'header':
      return HEADER.test(r.header) && typeof r.value === 'string' && r.value.length >= 1 && r.value.length <= 200 && ['exactly', 'starts-with', 'contains'].includes(r.match);
    default:
      return false;
  }
}

function customCapacity(r: CustomRule): number {
  if (r.kind === 'header') return r.match === 'exactly' ? 2 + 10 : r.match === 'starts-with' ? 2 + 10 : 10 + 10; // byte match + LOWERCASE transformation
  return 1;
}

/** Terraform (snake_case) statement of a custom rule. The provider types `statement` as any. */
function customStatement(r: CustomRule): Record<string, unknown> {
  switch (r.kind) {
    case 'size': {
      const field =
        r.component === 'body' ? { body: { oversize_handling: 'MATCH' } } : r.component === 'uri-path' ? { uri_path: {} } : { query_string: {} };
      return { size_constraint_statement: { comparison_operator: 'GT', size: r.maxBytes, field_to_match: field, text_transformation: [{ priority: 0, type: 'NONE' }] } };
    }
    case 'geo': {
      const geo = { geo_match_statement: { country_codes: [...r.countryCodes] } };
      return r.negate ? { not_statement: { statement: [geo] } } : geo;
    }
    case 'header':
      return {
        byte_match_statement: {
          positional_constraint: r.match === 'exactly' ? 'EXACTLY' : r.match === 'starts-with' ? 'STARTS_WITH' : 'CONTAINS',
          search_string: r.value.toLowerCase(),
          field_to_match: { single_header: { name: r.header } },
          text_transformation: [{ priority: 0, type: 'LOWERCASE' }],
        },
      };
  }
}

export { ShieldAdvancedProtection } from './shield';
export type { ShieldAdvancedProtectionProps } from './shield';
