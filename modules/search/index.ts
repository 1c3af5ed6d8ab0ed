import { Construct } from 'constructs';
import { Lazy, TerraformStack } from 'cdktf';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { OpensearchDomain } from '@cdktf/provider-aws/lib/opensearch-domain';
import { OpensearchDomainPolicy } from '@cdktf/provider-aws/lib/opensearch-domain-policy';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchLogResourcePolicy } from '@cdktf/provider-aws/lib/cloudwatch-log-resource-policy';
import { validateProps, withDefaults, LOG_RETENTION_DAYS } from '../core/props';
import { nameTags, pascalCase } from '../core/tags';
import { IGrantable, PolicyStatement, renderPolicy } from '../iam/policy';
import { actionsVerb, grantPath } from '../iam/grant';
import { DEDICATED_MASTER_COUNT, HTTPS_PORT, SEARCH_DEFAULTS, SEARCH_LOG_TYPES } from './defaults';
import { AllowFromOptions, PeerAccess } from '../core/connections';

export type { AllowFromOptions };

export interface SearchDomainProps {
  /** Prefix of every resource name, e.g. "classifyhub-prod". */
  readonly namePrefix: string;
  /**
   * Domain name (also the security group name): 3-28 lower-case letters, digits or hyphens, starting with a letter.
   * @default `${namePrefix}-search`
   */
  readonly domainName?: string;
  /** VPC of the security group (the subnets must be in it). */
  readonly vpc: Vpc;
  /**
   * Private subnets, one per zone: 2 or 3 turn zone awareness on across that many zones;
   * 1 gives a single-zone domain (development only).
   */
  readonly subnets: readonly Subnet[];
  /** Account id of the domain (builds the domain ARN without a data source; CloudWatch ClientId). */
  readonly accountId: string;
  /** Region of the domain (builds the domain ARN without a data source). */
  readonly region: string;
  /** Retention of the three log groups (index slow, search slow, application), days. */
  readonly logRetentionDays: number;
  /**
   * Engine version.
   * @default "OpenSearch_2.17"
   */
  readonly engineVersion?: string;
  /**
   * Data node instance type. t2 types are refused (no encryption at rest); Auto-Tune is off for t3.
   * @default "r6g.large.search"
   */
  readonly instanceType?: string;
  /**
   * Data nodes; a multiple of the number of zones (subnets).
   * @default the number of subnets
   */
  readonly instanceCount?: number;
  /**
   * Instance type of dedicated master nodes; when set, 3 dedicated masters are created.
   * @default none - data nodes are also master-eligible
   */
  readonly dedicatedMasterType?: string;
  /**
   * gp3 EBS volume per data node, GiB.
   * @default 20
   */
  readonly volumeSizeGiB?: number;
  /**
   * UTC hour the daily 10-hour off-peak window starts (software updates, Auto-Tune).
   * @default 2
   */
  readonly offPeakWindowStartHourUtc?: number;
}

/** A role (or anything with a role ARN) that can be named in the domain access policy. */
export type SearchGrantee = IGrantable & { readonly roleArn: string };


/** OpenSearch index name or pattern (lower case; `*` allowed for patterns). */
const INDEX_NAME = /^[a-z0-9*][a-z0-9._*-]{0,254}$/;

/**
 * An OpenSearch Service domain inside the VPC: encrypted at rest and node to
 * node, HTTPS only with TLS 1.2+ (PFS policy), zone awareness across the given
 * subnets, gp3 storage, slow and application logs in CloudWatch Logs,
 * automatic software updates in an off-peak window, and a security group that
 * admits only the peers given to `allowFrom`. The domain access policy
 * (a separate resource) names exactly the roles granted with
 * `grantReadWrite` / `grantSearch`; without grants it denies all HTTP access.
 */
export class SearchDomain extends Construct {
  readonly domain: OpensearchDomain;
  readonly domainPolicy: OpensearchDomainPolicy;
  /** The domain name (plain string). */
  readonly domainName: string;
  /** `arn:aws:es:<region>:<account>:domain/<name>`, built from props (known at synth time). */
  readonly domainArn: string;
  /** The account id: the ClientId dimension of AWS/ES CloudWatch metrics (with DomainName). */
  readonly clientId: string;
  readonly securityGroup: SecurityGroup;
  /** The log groups by log type (INDEX_SLOW_LOGS, SEARCH_SLOW_LOGS, ES_APPLICATION_LOGS). */
  readonly logGroups: Readonly<Record<(typeof SEARCH_LOG_TYPES)[number]['logType'], CloudwatchLogGroup>>;
  readonly logResourcePolicy: CloudwatchLogResourcePolicy;
  /** TCP port of the endpoint. */
  readonly port = HTTPS_PORT;
  private readonly accessStatements: PolicyStatement[] = [];
  /** Grants made so far per grantee (by object: role ARNs are tokens, a new one per read). */
  private readonly granted = new Map<SearchGrantee, Set<string>>();
  private readonly access = new PeerAccess(this, 'SearchDomain', () => this.securityGroup, HTTPS_PORT, () => `OpenSearch ${this.domainName}`);

  constructor(scope: Construct, id: string, props: SearchDomainProps) {
    super(scope, id);
    const p = withDefaults(
      {
        ...SEARCH_DEFAULTS,
        domainName: `${props.namePrefix}-search`,
        instanceCount: props.subnets.length,
      },
      props,
    );
    const zones = p.subnets.length;
    validateProps('SearchDomain', { ...p, subnets: zones }, [
      { field: 'domainName', valid: (x) => /^[a-z][a-z0-9-]{2,27}$/.test(x.domainName), expected: '3-28 lower-case letters, digits or hyphens, starting with a letter' },
      { field: 'subnets', valid: (x) => x.subnets >= 1 && x.subnets <= 3, expected: '1 to 3 subnets, one per zone (the number of subnets is shown)' },
      { field: 'instanceCount', valid: (x) => Number.isInteger(x.instanceCount) && x.instanceCount >= 1 && zones >= 1 && x.instanceCount % zones === 0, expected: `a whole number >= 1 and a multiple of the zone count (${zones})` },
      { field: 'instanceType', valid: (x) => /^[a-z0-9]+\.[a-z0-9]+\.search$/.test(x.instanceType) && !x.instanceType.startsWith('t2.'), expected: 'an OpenSearch instance type such as "r6g.large.search" (not t2: no encryption at rest)' },
      { field: 'dedicatedMasterType', valid: (x) => x.dedicatedMasterType === undefined || /^[a-z0-9]+\.[a-z0-9]+\.search$/.test(x.dedicatedMasterType), expected: 'nothing or an OpenSearch instance type such as "m6g.large.search"' },
      { field: 'engineVersion', valid: (x) => /^OpenSearch_\d+\.\d+$/.test(x.engineVersion), expected: 'OpenSearch_<major>.<minor>, e.g. "OpenSearch_2.17"' },
      { field: 'volumeSizeGiB', valid: (x) => Number.isInteger(x.volumeSizeGiB) && x.volumeSizeGiB >= 10 && x.volumeSizeGiB <= 16384, expected: 'a whole number from 10 to 16384' },
      { field: 'logRetentionDays', valid: (x) => (LOG_RETENTION_DAYS as readonly number[]).includes(x.logRetentionDays), expected: `one of ${LOG_RETENTION_DAYS.join(', ')}` },
      { field: 'accountId', valid: (x) => /^\d{12}$/.test(x.accountId), expected: 'a 12-digit AWS account id' },
      { field: 'region', valid: (x) => /^[a-z]{2}(-[a-z]+)+-\d$/.test(x.region), expected: 'an AWS region such as "us-east-1"' },
      { field: 'offPeakWindowStartHourUtc', valid: (x) => Number.isInteger(x.offPeakWindowStartHourUtc) && x.offPeakWindowStartHourUtc >= 0 && x.offPeakWindowStartHourUtc <= 23, expected: 'a whole number from 0 to 23' },
    ]);

    this.domainName = p.domainName;
    this.domainArn = `arn:aws:es:${p.region}:${p.accountId}:domain/${p.domainName}`;
    this.clientId = p.accountId;
    const short = p.domainName.startsWith(`${p.namePrefix}-`) ? p.domainName.slice(p.namePrefix.length + 1) : p.domainName;
    const prefixPath = p.namePrefix.replace(/-/g, '/');

    this.securityGroup = new SecurityGroup(this, 'security_group', {
      name: p.domainName,
      description: `OpenSearch ${p.domainName}: HTTPS from allowed peers only`,
      vpcId: p.vpc.id,
      tags: nameTags(p.domainName),
    });

    const groups = {} as Record<(typeof SEARCH_LOG_TYPES)[number]['logType'], CloudwatchLogGroup>;
    for (const t of SEARCH_LOG_TYPES) {
      groups[t.logType] = new CloudwatchLogGroup(this, t.id, { name: `/${prefixPath}/${short}/${t.suffix}`, retentionInDays: p.logRetentionDays });
    }
    this.logGroups = groups;
    // Account-wide (max 10 per region): lets OpenSearch write to these groups, for this domain only.
    this.logResourcePolicy = new CloudwatchLogResourcePolicy(this, 'log_resource_policy', {
      policyName: `${p.domainName}-log-publishing`,
      policyDocument: renderPolicy([
        {
          sid: 'OpenSearchLogPublishing',
          principals: { Service: 'es.amazonaws.com' },
          actions: ['logs:PutLogEvents', 'logs:CreateLogStream'],
          resources: SEARCH_LOG_TYPES.map((t) => `${groups[t.logType].arn}:*`),
          conditions: { StringEquals: { 'aws:SourceAccount': p.accountId }, ArnLike: { 'aws:SourceArn': this.domainArn } },
        },
      ]),
    });

    const autoTune = !p.instanceType.startsWith('t');
    this.domain = new OpensearchDomain(this, 'domain', {
      domainName: p.domainName,
      engineVersion: p.engineVersion,
      clusterConfig: {
        instanceType: p.instanceType,
        instanceCount: p.instanceCount,
        zoneAwarenessEnabled: zones > 1,
        zoneAwarenessConfig: zones > 1 ? { availabilityZoneCount: zones } : undefined,
        dedicatedMasterEnabled: p.dedicatedMasterType !== undefined,
        dedicatedMasterType: p.dedicatedMasterType,
        dedicatedMasterCount: p.dedicatedMasterType !== undefined ? DEDICATED_MASTER_COUNT : undefined,
      },
      ebsOptions: { ebsEnabled: true, volumeType: 'gp3', volumeSize: p.volumeSizeGiB },
      encryptAtRest: { enabled: true },
      nodeToNodeEncryption: { enabled: true },
      domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: p.tlsSecurityPolicy },
      vpcOptions: { subnetIds: p.subnets.map((s) => s.id), securityGroupIds: [this.securityGroup.id] },
      advancedOptions: { 'rest.action.multi_allow_explicit_index': 'true' },
      autoTuneOptions: { desiredState: autoTune ? 'ENABLED' : 'DISABLED', rollbackOnDisable: 'NO_ROLLBACK', useOffPeakWindow: autoTune },
      offPeakWindowOptions: { enabled: true, offPeakWindow: { windowStartTime: { hours: p.offPeakWindowStartHourUtc, minutes: 0 } } },
      softwareUpdateOptions: { autoSoftwareUpdateEnabled: true },
      logPublishingOptions: SEARCH_LOG_TYPES.map((t) => ({ logType: t.logType, cloudwatchLogGroupArn: groups[t.logType].arn, enabled: true })),
      tags: nameTags(p.domainName),
      // The domain checks at creation that it may write to the log groups.
      dependsOn: [this.logResourcePolicy],
    });

    this.domainPolicy = new OpensearchDomainPolicy(this, 'domain_policy', {
      domainName: this.domain.domainName,
      accessPolicies: Lazy.stringValue({
        produce: () =>
          renderPolicy(
            this.accessStatements.length
              ? this.accessStatements
              : [{ sid: 'NoAccessGranted', effect: 'Deny', principals: { AWS: '*' }, actions: ['es:ESHttp*'], resources: [`${this.domainArn}/*`] }],
          ),
      }),
    });
  }

  /** `https://` URL of the domain's VPC endpoint. */
  get endpoint(): string {
    return `https://${this.domain.endpoint}`;
  }

  /**
   * Lets the grantee read, write and delete documents and indexes (es:ESHttpGet, Head, Post,
   * Put, Delete on `<domain ARN>/*`): statement `ReadWrite<Id>` in the grantee's policy, and
   * `ReadWrite<Id>For<Grantee>` with Principal AWS = the grantee's role ARN in the domain policy.
   */
  grantReadWrite(grantee: SearchGrantee): void {
    this.grantAccess(grantee, `ReadWrite${pascalCase(grantPath(this, grantee))}`, ['es:ESHttpGet', 'es:ESHttpHead', 'es:ESHttpPost', 'es:ESHttpPut', 'es:ESHttpDelete'], [`${this.domainArn}/*`]);
  }

  /**
   * Lets the grantee run searches on one index or index pattern (es:ESHttpGet, es:ESHttpPost on
   * `<domain ARN>/<index>/_search`): statement `Search<Id><Index>` in the grantee's policy and
   * `Search<Id><Index>For<Grantee>` in the domain policy.
   */
  grantSearch(grantee: SearchGrantee, index: string): void {
    validateProps('SearchDomain.grantSearch', { index }, [
      { field: 'index', valid: (x) => INDEX_NAME.test(x.index), expected: 'a lower-case index name or pattern (letters, digits, . _ - *; not starting with . _ -)' },
    ]);
    const indexPart = pascalCase(index.replace(/\*/g, '-all').replace(/[._]/g, '-')).replace(/[^A-Za-z0-9]/g, '');
    this.grantAccess(grantee, `Search${pascalCase(grantPath(this, grantee))}${indexPart}`, ['es:ESHttpGet', 'es:ESHttpPost'], [`${this.domainArn}/${index}/_search`]);
  }

  /**
   * Admits the peer security group on TCP 443: an ingress rule on the domain's group
   * (`<id>_from_<peer address>_ingress`) and, unless turned off, an egress rule on the
   * peer's group (`<id>_from_<peer address>_egress`). `<peer address>` is the peer's
   * Terraform logical id, e.g. `api_security_group`.
   */
  allowFrom(peer: SecurityGroup, description: string, options: AllowFromOptions = {}): void {
    this.access.allow(peer, description, options);
  }

  /** The statements of the domain access policy so far (copies; for tests and reviewers). */
  get accessPolicyStatements(): readonly PolicyStatement[] {
    return [...this.accessStatements];
  }

  /**
   * Lets the grantee perform `actions` (e.g. 'es:ESHttpGet') on every index of the domain, in its
   * policy and the domain's access policy; the statement id is the actions' names followed by the domain's construct path.
   */
  grant(grantee: SearchGrantee, ...actions: string[]): void {
    this.grantAccess(grantee, `${actionsVerb(actions)}${pascalCase(grantPath(this, grantee))}`, actions, [`${this.domainArn}/*`]);
  }

  private grantAccess(grantee: SearchGrantee, sid: string, actions: readonly string[], resources: readonly string[]): void {
    const key = JSON.stringify([sid, resources]);
    const label = this.granteeLabel(grantee);
    const done = this.granted.get(grantee) ?? new Set<string>();
    if (done.has(key)) return;
    this.granted.set(grantee, done.add(key));
    grantee.addToPolicy({ sid, actions, resources }, `${sid} grant of ${this.node.path}`);
    this.accessStatements.push({ sid: `${sid}For${label}`, principals: { AWS: grantee.roleArn }, actions, resources });
  }

  /** PascalCase construct path below the stack (e.g. ApiTaskRole), or Grantee<n> for non-constructs. */
  private granteeLabel(grantee: SearchGrantee): string {
    if (grantee instanceof Construct) {
      const scopes = grantee.node.scopes;
      const below = scopes.slice(scopes.indexOf(TerraformStack.of(grantee)) + 1).map((s) => s.node.id);
      return pascalCase(below.join('_')).replace(/[^A-Za-z0-9]/g, '');
    }
    const others = [...this.granted.keys()].filter((g) => !(g instanceof Construct));
    return `Grantee${(others.includes(grantee) ? others.indexOf(grantee) : others.length) + 1}`;
  }
}
