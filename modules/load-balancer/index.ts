import { Construct } from 'constructs';
import { Fn, TerraformIterator, Token } from 'cdktf';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { LbListenerRule } from '@cdktf/provider-aws/lib/lb-listener-rule';
import { AcmCertificate } from '@cdktf/provider-aws/lib/acm-certificate';
import { AcmCertificateValidation } from '@cdktf/provider-aws/lib/acm-certificate-validation';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { validateProps, withDefaults } from '../core/props';
import { nameTags, pascalCase } from '../core/tags';
import { PeerAccess } from '../core/connections';
import { Bucket } from '../object-store';
import { ELB_ACCOUNT_BY_REGION, ELB_LOG_DELIVERY_SERVICE, LOAD_BALANCER_DEFAULTS, TARGET_DEFAULTS } from './defaults';

/** Target groups, load balancers: 1-32 letters, digits or hyphens, no hyphen at either end. */
const AWS_LB_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/;
const DNS_NAME = /^([a-z0-9-]+\.)+[a-z]{2,63}$/;

export interface LoadBalancerProps {
  /** Prefix of every resource name, e.g. "classifyhub-dev" (at most 28 characters: the ALB is `<prefix>-alb`). */
  readonly namePrefix: string;
  /** VPC of the load balancer and its target groups. */
  readonly vpc: Vpc;
  /** Public subnets the load balancer listens in: at least two, in different availability zones. */
  readonly subnets: readonly Subnet[];
  /** Domain name served over HTTPS, e.g. "app.dev.example.com"; the certificate's main name. */
  readonly domainName: string;
  /** Route 53 zone that gets the certificate's DNS validation records. */
  readonly hostedZoneId: string;
  /** Region of the stack: picks the principal of the access-log bucket policy. */
  readonly region: string;
  /** Account ID (12 digits): in the log bucket name and the log object path. */
  readonly accountId: string;
  /**
   * Extra names on the certificate (same hosted zone), e.g. "*.app.dev.example.com".
   * @default none - the certificate covers domainName only
   */
  readonly subjectAlternativeNames?: readonly string[];
  /**
   * Refuse deletion of the load balancer through the API (and Terraform), and
   * `lifecycle.prevent_destroy` on its access-log bucket (audit data).
   * @default false
   */
  readonly deletionProtection?: boolean;
  /**
   * Seconds a client or target connection may stay idle (1-4000).
   * @default 60
   */
  readonly idleTimeoutSeconds?: number;
  /**
   * Security policy of the HTTPS listener; must allow TLS 1.2 and later only.
   * @default "ELBSecurityPolicy-TLS13-1-2-2021-06"
   */
  readonly sslPolicy?: string;
  /**
   * Days access logs are kept in the log bucket (a day longer as non-current versions).
   * @default 90
   */
  readonly accessLogRetentionDays?: number;
  /**
   * HTTP desync mitigation: "defensive" blocks requests that are ambiguous
   * under RFC 7230, "strictest" every non-compliant request.
   * @default "defensive"
   */
  readonly desyncMitigationMode?: 'defensive' | 'strictest';
  /**
   * 'internet-facing': in public subnets, 443 and 80 open to the internet. 'internal': in private
   * subnets, reachable from inside the VPC only, and only from security groups admitted with
   * `allowFrom(peer)` (HTTPS on 443); the HTTP listener still redirects but nothing may reach it.
   * @default 'internet-facing'
   */
  readonly scheme?: 'internet-facing' | 'internal';
  /**
   * A bucket of the caller (e.g. a system's central log and audit bucket) to write access logs
   * to, under `accessLogPrefix`; the delivery statement is added to its policy (sid
   * `AllowElbAccessLogDelivery<Prefix>`). Its lifecycle is the caller's (accessLogRetentionDays is not applied).
   * @default none - the module creates the bucket `<prefix>-alb-logs-<account>`
   */
  readonly accessLogsBucket?: Bucket;
  /**
   * Key prefix of the access logs in the bucket (ALB adds AWSLogs/<account>/elasticloadbalancing/...).
   * @default 'alb'
   */
  readonly accessLogPrefix?: string;
}

/** A service behind the load balancer (ECS tasks, addressed by IP). */
export interface LoadBalancerTargetProps {
  /** Port the targets listen on (HTTP); the health check uses it too. */
  readonly port: number;
  /** Path of the HTTP health check, e.g. "/health"; 200-399 is healthy. */
  readonly healthCheckPath: string;
  /** Security group of the targets: gets ingress from the load balancer on `port`. */
  readonly targetSecurityGroup: SecurityGroup;
  /**
   * Seconds in-flight requests get to complete when a target deregisters (0-3600).
   * @default 30
   */
  readonly deregistrationDelaySeconds?: number;
  /**
   * 'ip' (ECS tasks, registered by IP) or 'instance' (EC2 instances, e.g. an Auto Scaling group's
   * `targetGroupArns`).
   * @default 'ip'
   */
  readonly targetType?: 'ip' | 'instance';
  /**
   * Protocol of the targets (and their health check): 'HTTPS' for targets that only speak TLS, such as an
   * execute-api VPC endpoint (the load balancer does not verify their certificate).
   * @default 'HTTP'
   */
  readonly protocol?: 'HTTP' | 'HTTPS';
  /**
   * HTTP codes of a healthy target, e.g. "200-403" for an execute-api endpoint answering 403 to the check.
   * @default '200-399'
   */
  readonly healthCheckMatcher?: string;
  /**
   * Forward requests whose path matches these patterns (e.g. ["/reports", "/reports/*"]) to this target with an
   * HTTPS listener rule `<id>_rule` (up to 5 patterns; needs `priority`).
   * @default none - only the default action reaches the target
   */
  readonly pathPatterns?: readonly string[];
  /** Priority of the `pathPatterns` rule (1-50000, unique per listener). @default none */
  readonly priority?: number;
  /**
   * Make this the HTTPS listener's default action (forward). At most one target may say true.
   * @default the first target added becomes the default unless it says false
   */
  readonly default?: boolean;
}

/**
 * An internet-facing Application Load Balancer: HTTPS on 443 with a
 * DNS-validated ACM certificate and a TLS 1.2+ policy, HTTP on 80 redirecting
 * to HTTPS (301), invalid headers dropped, desync mitigation, access logs to a
 * private S3 bucket. Its security group accepts 80/443 from anywhere and has
 * no egress until `addTarget` opens the way to each target's port.
 */
export class LoadBalancer extends Construct {
  readonly loadBalancer: Lb;
  readonly securityGroup: SecurityGroup;
  readonly certificate: AcmCertificate;
  readonly certificateValidation: AcmCertificateValidation;
  readonly httpsListener: LbListener;
  readonly httpListener: LbListener;
  readonly accessLogsBucket: Bucket;

  private readonly namePrefix: string;
  private readonly vpcId: string;
  private readonly targets = new Map<string, LbTargetGroup>();
  /** "<security group path>:<port>" pairs already connected, so shared groups get one rule pair. */
  private readonly connected = new Set<string>();
  private defaultTarget?: { id: string; explicit: boolean };
  private readonly peers: PeerAccess;

  constructor(scope: Construct, id: string, props: LoadBalancerProps) {
    super(scope, id);
    const p = withDefaults(LOAD_BALANCER_DEFAULTS, props);
    // Subnets are shown by construct path: messages print the value received, and constructs are circular.
    validateProps('LoadBalancer', { ...p, subnets: p.subnets.map((s) => s.node.path) }, [
      { field: 'namePrefix', valid: (x) => /^[a-z0-9]([a-z0-9-]{0,26}[a-z0-9])?$/.test(x.namePrefix) && !x.namePrefix.startsWith('internal-'), expected: '1-28 lower-case letters, digits or hyphens, no hyphen at either end (the ALB name `<prefix>-alb` is at most 32)' },
      { field: 'subnets', valid: (x) => x.subnets.length >= 2 && new Set(x.subnets).size === x.subnets.length, expected: 'at least 2 distinct public subnets in different availability zones' },
      { field: 'domainName', valid: (x) => DNS_NAME.test(x.domainName), expected: 'a lower-case DNS name without wildcard' },
      { field: 'subjectAlternativeNames', valid: (x) => x.subjectAlternativeNames.every((n) => /^(\*\.)?([a-z0-9-]+\.)+[a-z]{2,63}$/.test(n)), expected: 'lower-case DNS names, optionally starting with "*."' },
      { field: 'subjectAlternativeNames', valid: (x) => new Set([x.domainName, ...x.subjectAlternativeNames]).size === x.subjectAlternativeNames.length + 1, expected: 'names that appear once and differ from domainName' },
      { field: 'hostedZoneId', valid: (x) => /^Z[A-Z0-9]{1,31}$/.test(x.hostedZoneId), expected: 'a Route 53 hosted zone ID (Z...)' },
      { field: 'region', valid: (x) => /^[a-z]{2}(-[a-z]+)+-\d$/.test(x.region) && !/^(cn|us-gov|us-iso[a-z]*|eu-isoe)-/.test(x.region), expected: 'a region of the aws partition, e.g. us-east-1' },
      { field: 'accountId', valid: (x) => /^\d{12}$/.test(x.accountId), expected: '12 digits' },
      { field: 'idleTimeoutSeconds', valid: (x) => Number.isInteger(x.idleTimeoutSeconds) && x.idleTimeoutSeconds >= 1 && x.idleTimeoutSeconds <= 4000, expected: 'a whole number from 1 to 4000' },
      { field: 'sslPolicy', valid: (x) => /^ELBSecurityPolicy-(TLS13-1-[23]-|TLS-1-2-|FS-1-2-)/.test(x.sslPolicy), expected: 'an ELB security policy allowing TLS 1.2+ only, e.g. ELBSecurityPolicy-TLS13-1-2-2021-06' },
      { field: 'accessLogRetentionDays', valid: (x) => Number.isInteger(x.accessLogRetentionDays) && x.accessLogRetentionDays >= 1, expected: 'a whole number of days >= 1' },
      { field: 'desyncMitigationMode', valid: (x) => ['defensive', 'strictest'].includes(x.desyncMitigationMode), expected: '"defensive" or "strictest"' },
      { field: 'scheme', valid: (x) => x.scheme === undefined || ['internet-facing', 'internal'].includes(x.scheme), expected: '"internet-facing" or "internal"' },
      { field: 'accessLogPrefix', valid: (x) => /^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/.test(x.accessLogPrefix) && !x.accessLogPrefix.startsWith('AWSLogs'), expected: 'a key prefix without leading or trailing "/", not starting with AWSLogs' },
    ]);
    const internal = p.scheme === 'internal';
    this.namePrefix = p.namePrefix;
    this.vpcId = p.vpc.id;
    const name = `${p.namePrefix}-alb`;
    this.peers = new PeerAccess(this, 'LoadBalancer', () => this.securityGroup, 443, () => `HTTPS to the load balancer ${name}`);

    // --- Security group: 443 and 80 in from anywhere, no egress until targets are added.
    this.securityGroup = new SecurityGroup(this, 'security_group', {
      name,
      description: internal ? `Internal load balancer of ${p.namePrefix}: HTTPS from admitted security groups` : `Load balancer of ${p.namePrefix}: HTTPS (HTTP redirects) from the internet`,
      vpcId: p.vpc.id,
      tags: nameTags(name),
    });
    for (const port of internal ? [] : [443, 80]) {
      for (const [family, cidr] of [['ipv4', '0.0.0.0/0'], ['ipv6', '::/0']] as const) {
        new VpcSecurityGroupIngressRule(this, `ingress_${port}_${family}`, {
          securityGroupId: this.securityGroup.id,
          description: port === 443 ? `HTTPS from the internet (${family})` : `HTTP from the internet, redirected to HTTPS (${family})`,
          ipProtocol: 'tcp',
          fromPort: port,
          toPort: port,
          ...(family === 'ipv4' ? { cidrIpv4: cidr } : { cidrIpv6: cidr }),
          tags: nameTags(`${name}-${port}-${family}`),
        });
      }
    }

    // --- Certificate, validated through one DNS record per distinct validation name.
    this.certificate = new AcmCertificate(this, 'certificate', {
      domainName: p.domainName,
      subjectAlternativeNames: p.subjectAlternativeNames.length ? [...p.subjectAlternativeNames] : undefined,
      validationMethod: 'DNS',
      keyAlgorithm: 'RSA_2048',
      lifecycle: { createBeforeDestroy: true },
      tags: nameTags(name),
    });
    // domain_validation_options is a set: its order is not the order of the
    // names, so each record looks its option up by domain name instead of by
    // index. "*.x" and "x" share one record, keyed by "x".
    const optionsByDomain = TerraformIterator.fromList(this.certificate.domainValidationOptions).forExpressionForMap('val.domain_name', 'val');
    const validationRecords: Route53Record[] = [];
    for (const [base, lookupName] of validationNames([p.domainName, ...p.subjectAlternativeNames])) {
      const option = (attribute: string) => Token.asString(Fn.lookupNested(optionsByDomain, [lookupName, attribute]));
      validationRecords.push(
        new Route53Record(this, `certificate_validation_record_${base.replace(/\./g, '_')}`, {
          zoneId: p.hostedZoneId,
          name: option('resource_record_name'),
          type: option('resource_record_type'),
          records: [option('resource_record_value')],
          ttl: p.validationRecordTtlSeconds,
          allowOverwrite: true,
        }),
      );
    }
    this.certificateValidation = new AcmCertificateValidation(this, 'certificate_validation', {
      certificateArn: this.certificate.arn,
      validationRecordFqdns: validationRecords.map((r) => r.fqdn),
    });

    // --- Access logs: private bucket (SSE-S3, as ALB requires), ELB allowed to put objects under the prefix.
    this.accessLogsBucket = p.accessLogsBucket ?? new Bucket(this, 'access_logs_bucket', {
      bucketName: `${p.namePrefix}-alb-logs-${p.accountId}`,
      currentVersionExpiryDays: p.accessLogRetentionDays,
      noncurrentVersionExpiryDays: p.accessLogNoncurrentVersionExpiryDays,
      preventDestroy: p.deletionProtection,
    });
    const elbAccount = ELB_ACCOUNT_BY_REGION[p.region];
    this.accessLogsBucket.addToResourcePolicy({
      sid: p.accessLogsBucket ? `AllowElbAccessLogDelivery${pascalCase(p.accessLogPrefix.replace(/[^A-Za-z0-9]+/g, '_'))}` : 'AllowElbAccessLogDelivery',
      principals: elbAccount ? { AWS: `arn:aws:iam::${elbAccount}:root` } : { Service: ELB_LOG_DELIVERY_SERVICE },
      actions: ['s3:PutObject'],
      resources: [this.accessLogsBucket.arnForObjects(`${p.accessLogPrefix}/AWSLogs/${p.accountId}/`)],
    });
    // ELB checks it may write to the bucket when logging is switched on: the policy must exist first.
    const bucketPolicies = this.accessLogsBucket.node.findAll().filter((c): c is S3BucketPolicy => c instanceof S3BucketPolicy);

    this.loadBalancer = new Lb(this, 'load_balancer', {
      name,
      internal,
      loadBalancerType: 'application',
      ipAddressType: p.ipAddressType,
      securityGroups: [this.securityGroup.id],
      subnets: p.subnets.map((s) => s.id),
      dropInvalidHeaderFields: true,
      desyncMitigationMode: p.desyncMitigationMode,
      enableDeletionProtection: p.deletionProtection,
      enableHttp2: true,
      idleTimeout: p.idleTimeoutSeconds,
      accessLogs: { bucket: this.accessLogsBucket.bucketName, prefix: p.accessLogPrefix, enabled: true },
      tags: nameTags(name),
      dependsOn: bucketPolicies,
    });

    this.httpListener = new LbListener(this, 'http_redirect', {
      loadBalancerArn: this.loadBalancer.arn,
      port: 80,
      protocol: 'HTTP',
      defaultAction: [{ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' } }],
      tags: nameTags(`${name}-http`),
    });
    this.httpsListener = new LbListener(this, 'https_listener', {
      loadBalancerArn: this.loadBalancer.arn,
      port: 443,
      protocol: 'HTTPS',
      sslPolicy: p.sslPolicy,
      certificateArn: this.certificateValidation.certificateArn,
      // Replaced by a forward to the default target in addTarget.
      defaultAction: [{ type: 'fixed-response', fixedResponse: { contentType: 'text/plain', messageBody: p.notFoundBody, statusCode: '404' } }],
      tags: nameTags(`${name}-https`),
    });
  }

  /**
   * Admits a security group to the load balancer on HTTPS (443): ingress on the load balancer's
   * group and egress on the peer's (`<id>_from_<peer>_ingress` / `_egress`). Needed for 'internal'.
   */
  allowFrom(peer: SecurityGroup, description: string): void {
    this.peers.allow(peer, description);
  }

  /** DNS name of the load balancer (target of alias records). */
  get dnsName(): string {
    return this.loadBalancer.dnsName;
  }

  /** Route 53 zone ID of the load balancer (for alias records). */
  get zoneId(): string {
    return this.loadBalancer.zoneId;
  }

  /** "app/<name>/<id>": the LoadBalancer dimension of CloudWatch metrics. */
  get arnSuffix(): string {
    return this.loadBalancer.arnSuffix;
  }

  /** Target groups added so far, by target id (each has `arnSuffix` for the TargetGroup dimension). */
  get targetGroups(): Readonly<Record<string, LbTargetGroup>> {
    return Object.fromEntries(this.targets);
  }

  /**
   * Adds an IP target group `<namePrefix>-<id with hyphens>` (at most 32
   * characters), opens the load balancer's security group to the targets'
   * port and the targets' group to the load balancer, and makes the target the
   * HTTPS listener's default forward when it is the first (or `default: true`).
   * Register targets through the returned group (e.g. an ECS service's load_balancer block).
   */
  addTarget(id: string, props: LoadBalancerTargetProps): LbTargetGroup {
    const t = withDefaults(TARGET_DEFAULTS, props);
    const targetGroupName = `${this.namePrefix}-${id.replace(/_/g, '-')}`;
    validateProps(`LoadBalancer.addTarget("${id}")`, { ...t, id, targetGroupName }, [
      { field: 'id', valid: (x) => /^[a-z][a-z0-9_]*$/.test(x.id), expected: 'a snake_case id (lower-case letters, digits, underscores)' },
      { field: 'id', valid: (x) => !this.targets.has(x.id), expected: 'an id not used by another target' },
      { field: 'targetGroupName', valid: (x) => AWS_LB_NAME.test(x.targetGroupName), expected: `at most 32 letters, digits or hyphens (namePrefix + "-" + id); use a shorter id` },
      { field: 'port', valid: (x) => Number.isInteger(x.port) && x.port >= 1 && x.port <= 65535, expected: 'a whole number from 1 to 65535' },
      { field: 'healthCheckPath', valid: (x) => /^\/[\x21-\x7e]{0,1023}$/.test(x.healthCheckPath), expected: 'a path starting with "/", at most 1024 printable characters' },
      { field: 'deregistrationDelaySeconds', valid: (x) => Number.isInteger(x.deregistrationDelaySeconds) && x.deregistrationDelaySeconds >= 0 && x.deregistrationDelaySeconds <= 3600, expected: 'a whole number from 0 to 3600' },
      { field: 'default', valid: (x) => !(x.default === true && this.defaultTarget?.explicit), expected: `one default target only ("${this.defaultTarget?.id}" already is)` },
      { field: 'protocol', valid: (x) => x.protocol === undefined || ['HTTP', 'HTTPS'].includes(x.protocol), expected: "'HTTP' or 'HTTPS'" },
      { field: 'healthCheckMatcher', valid: (x) => /^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/.test(x.healthCheckMatcher), expected: 'HTTP codes such as "200", "200-399" or "200,302"' },
      { field: 'pathPatterns', valid: (x) => x.pathPatterns === undefined || (x.pathPatterns.length >= 1 && x.pathPatterns.length <= 5 && x.pathPatterns.every((pp) => /^\/[\x21-\x7e]{0,127}$/.test(pp))), expected: '1-5 path patterns starting with "/"' },
      { field: 'priority', valid: (x) => (x.pathPatterns === undefined) === (x.priority === undefined) && (x.priority === undefined || (Number.isInteger(x.priority) && x.priority >= 1 && x.priority <= 50_000)), expected: 'a whole number from 1 to 50000, exactly when pathPatterns is given' },
    ]);

    const targetGroup = new LbTargetGroup(this, `${id}_target_group`, {
      name: targetGroupName,
      vpcId: this.vpcId,
      targetType: t.targetType ?? 'ip',
      protocol: t.protocol ?? 'HTTP',
      port: t.port,
      deregistrationDelay: String(t.deregistrationDelaySeconds),
      healthCheck: {
        enabled: true,
        protocol: t.protocol ?? 'HTTP',
        port: 'traffic-port',
        path: t.healthCheckPath,
        matcher: t.healthCheckMatcher,
        interval: t.healthCheckIntervalSeconds,
        timeout: t.healthCheckTimeoutSeconds,
        healthyThreshold: t.healthyThresholdCount,
        unhealthyThreshold: t.unhealthyThresholdCount,
      },
      tags: nameTags(targetGroupName),
    });
    this.targets.set(id, targetGroup);

    const connection = `${t.targetSecurityGroup.node.path}:${t.port}`;
    if (!this.connected.has(connection)) {
      this.connected.add(connection);
      new VpcSecurityGroupEgressRule(this, `${id}_target_egress`, {
        securityGroupId: this.securityGroup.id,
        description: `To target ${id} on TCP ${t.port}`,
        ipProtocol: 'tcp',
        fromPort: t.port,
        toPort: t.port,
        referencedSecurityGroupId: t.targetSecurityGroup.id,
        tags: nameTags(`${this.namePrefix}-alb-to-${id}`),
      });
      new VpcSecurityGroupIngressRule(this, `${id}_target_ingress`, {
        securityGroupId: t.targetSecurityGroup.id,
        description: `From the load balancer ${this.namePrefix}-alb on TCP ${t.port}`,
        ipProtocol: 'tcp',
        fromPort: t.port,
        toPort: t.port,
        referencedSecurityGroupId: this.securityGroup.id,
        tags: nameTags(`${this.namePrefix}-alb-to-${id}`),
      });
    }

    if (t.pathPatterns) {
      new LbListenerRule(this, `${id}_rule`, {
        listenerArn: this.httpsListener.arn,
        priority: t.priority,
        condition: [{ pathPattern: { values: [...t.pathPatterns] } }],
        action: [{ type: 'forward', targetGroupArn: targetGroup.arn }],
        tags: nameTags(`${targetGroupName}-rule`),
      });
    }
    if (t.default === true || (t.default === undefined && !this.defaultTarget)) {
      this.defaultTarget = { id, explicit: t.default === true };
      this.httpsListener.putDefaultAction([{ type: 'forward', targetGroupArn: targetGroup.arn }]);
    }
    return targetGroup;
  }
}

/**
 * Distinct DNS validation names, in the order given: [record key, name to look
 * up in domain_validation_options]. "*.x" validates with the record of "x".
 */
function validationNames(names: readonly string[]): [string, string][] {
  const byBase = new Map<string, string>();
  for (const n of names) {
    const base = n.replace(/^\*\./, '');
    if (!byBase.has(base)) byBase.set(base, names.includes(base) ? base : n);
  }
  return [...byBase.entries()];
}
