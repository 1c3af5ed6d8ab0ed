/** Defaults of the LoadBalancer construct. */
export const LOAD_BALANCER_DEFAULTS = {
  /** Terraform may delete the load balancer (stage environments are rebuilt freely). */
  deletionProtection: false,
  /** Seconds a connection may stay idle (AWS default). */
  idleTimeoutSeconds: 60,
  /** TLS 1.3 and 1.2 with forward-secret ciphers only. */
  sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
  /** Access logs are kept this many days. */
  accessLogRetentionDays: 90,
  /** Extra names on the certificate. */
  subjectAlternativeNames: [] as readonly string[],
  /** Requests that are ambiguous under RFC 7230 are blocked; "strictest" blocks every non-compliant one. */
  desyncMitigationMode: 'defensive' as 'defensive' | 'strictest',
  /** Key prefix of access logs in the bucket (ALB adds AWSLogs/<account>/elasticloadbalancing/...). */
  accessLogPrefix: 'alb',
  /** Logs are written once and never overwritten: a version that stops being current is removed a day later. */
  accessLogNoncurrentVersionExpiryDays: 1,
  /** IPv4 only: "dualstack" needs subnets with IPv6 ranges, which modules/network does not assign yet. */
  ipAddressType: 'ipv4',
  /** TTL of the certificate validation CNAMEs, seconds. */
  validationRecordTtlSeconds: 300,
  /** Answer of the HTTPS listener while no target is attached. */
  notFoundBody: 'Not Found',
} as const;

/** Defaults of `LoadBalancer.addTarget`. */
export const TARGET_DEFAULTS = {
  /** Seconds in-flight requests get to finish when a target deregisters (AWS default is 300). */
  deregistrationDelaySeconds: 30,
  /** Health check: any 2xx or 3xx answer is healthy. */
  healthCheckMatcher: '200-399',
  healthCheckIntervalSeconds: 15,
  healthCheckTimeoutSeconds: 5,
  healthyThresholdCount: 2,
  unhealthyThresholdCount: 3,
} as const;

/**
 * Elastic Load Balancing account per region, for regions launched before
 * August 2022: their bucket policy must name this account as principal. Other
 * regions deliver logs as the service principal `ELB_LOG_DELIVERY_SERVICE`.
 * Sources: AWS docs, "Enable access logs for your Application Load Balancer";
 * terraform-provider-aws, aws_elb_service_account (same IDs). Partition `aws` only.
 */
export const ELB_ACCOUNT_BY_REGION: Readonly<Record<string, string>> = {
  'us-east-1': '127311923021',
  'us-east-2': '033677994240',
  'us-west-1': '027434742980',
  'us-west-2': '797873946194',
  'af-south-1': '098369216593',
  'ap-east-1': '754344448648',
  'ap-southeast-3': '589379963580',
  'ap-south-1': '718504428378',
  'ap-northeast-3': '383597477331',
  'ap-northeast-2': '600734575887',
  'ap-southeast-1': '114774131450',
  'ap-southeast-2': '783225319266',
  'ap-northeast-1': '582318560864',
  'ca-central-1': '985666609251',
  'eu-central-1': '054676820928',
  'eu-west-1': '156460612806',
  'eu-west-2': '652711504416',
  'eu-south-1': '635631232127',
  'eu-west-3': '009996457667',
  'eu-north-1': '897822967062',
  'me-south-1': '076674570225',
  'sa-east-1': '507241528517',
} as const;

/** Service principal that writes access logs in regions without an ELB account. */
export const ELB_LOG_DELIVERY_SERVICE = 'logdelivery.elasticloadbalancing.amazonaws.com';
