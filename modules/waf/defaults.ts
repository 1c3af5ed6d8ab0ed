/** AWS managed rule groups the WebAcl construct knows by name (vendor "AWS"). */
export const AWS_MANAGED_RULE_GROUPS = [
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
  'AWSManagedRulesSQLiRuleSet',
  'AWSManagedRulesAmazonIpReputationList',
  'AWSManagedRulesAnonymousIpList',
  'AWSManagedRulesAdminProtectionRuleSet',
  'AWSManagedRulesLinuxRuleSet',
  'AWSManagedRulesUnixRuleSet',
  'AWSManagedRulesPHPRuleSet',
  'AWSManagedRulesWindowsRuleSet',
  'AWSManagedRulesWordPressRuleSet',
] as const;
export type AwsManagedRuleGroupName = (typeof AWS_MANAGED_RULE_GROUPS)[number];

/** Web ACL capacity units (WCU) of each managed group, from the AWS WAF developer guide. */
export const MANAGED_GROUP_CAPACITY: Record<AwsManagedRuleGroupName, number> = {
  AWSManagedRulesCommonRuleSet: 700,
  AWSManagedRulesKnownBadInputsRuleSet: 200,
  AWSManagedRulesSQLiRuleSet: 200,
  AWSManagedRulesAmazonIpReputationList: 25,
  AWSManagedRulesAnonymousIpList: 50,
  AWSManagedRulesAdminProtectionRuleSet: 100,
  AWSManagedRulesLinuxRuleSet: 200,
  AWSManagedRulesUnixRuleSet: 100,
  AWSManagedRulesPHPRuleSet: 100,
  AWSManagedRulesWindowsRuleSet: 200,
  AWSManagedRulesWordPressRuleSet: 100,
};

/** Defaults of the WebAcl construct. */
export const WEB_ACL_DEFAULTS = {
  /**
   * The baseline every public entry point gets. IP reputation first (cheapest,
   * drops known-bad sources before anything inspects a body), then the
   * Common rule set (OWASP-style: XSS, LFI, RFI, size limits), known bad
   * inputs (Log4j, Java deserialization, Host header abuse) and SQL injection.
   *
   * Common: `SizeRestrictions_BODY` counts instead of blocking, because its
   * 8 KB body limit would block image uploads and JSON batches; the ACL's own
   * body size rule (customRules) is the place for an explicit limit.
   *
   * KnownBadInputs blocks even in count mode: its rules (Log4j JNDI lookups,
   * Java deserialization gadgets) have no legitimate traffic to break, and a
   * counting Log4j rule is a finding (checkov CKV_AWS_192).
   */
  managedRuleGroups: [
    { name: 'AWSManagedRulesAmazonIpReputationList' },
    { name: 'AWSManagedRulesCommonRuleSet', excludedRules: ['SizeRestrictions_BODY'] },
    { name: 'AWSManagedRulesKnownBadInputsRuleSet', mode: 'block' },
    { name: 'AWSManagedRulesSQLiRuleSet' },
  ] as readonly { readonly name: AwsManagedRuleGroupName; readonly mode?: 'block' | 'count'; readonly excludedRules?: readonly string[] }[],
  /** Requests per client IP in any 5-minute window before the rate rule acts (AWS WAF accepts 10 - 2,000,000,000). */
  rateLimitPer5Minutes: 2000,
  /** No custom rules. */
  customRules: [] as readonly never[],
  /** Request headers replaced by "REDACTED" in the logs. WAF logs header names in lower case. */
  redactedHeaders: ['authorization', 'cookie'] as readonly string[],
  /** Client IP from the connection; set a header (X-Forwarded-For) only behind a proxy you trust. */
  clientIpHeader: undefined as string | undefined,
  /** Window of the rate-based rule (seconds); 300 is the AWS default and what "per 5 minutes" means. */
  rateEvaluationWindowSeconds: 300,
  /** Web ACL capacity limit without extra charges (AWS: 1,500 WCU included). */
  maxCapacityUnits: 1500,
  /** WCU of a rate-based rule aggregating on one key (IP or forwarded IP). */
  rateRuleCapacity: 2,
} as const;
