import { Construct } from 'constructs';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcEndpointRouteTableAssociation } from '@cdktf/provider-aws/lib/vpc-endpoint-route-table-association';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { validateProps, withDefaults, LOG_RETENTION_DAYS } from '../core/props';
import { nameTags } from '../core/tags';
import { ServiceRole } from '../iam/role';
import type { Bucket } from '../object-store';
import { GATEWAY_ENDPOINT_SERVICES, GatewayEndpointService, NatGatewayMode, NETWORK_DEFAULTS } from './defaults';
import { cidrSubnet, isNetworkAddress, privateSubnetCidr, subnetGroupCidr } from './cidr';

export type { GatewayEndpointService, NatGatewayMode } from './defaults';

/** Most subnets of one tier (one per zone). */
export const MAX_SUBNETS_PER_TIER = 6;

const INTERFACE_ENDPOINT_NAME = /^[a-z0-9.-]+$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** Construct ID (and Terraform address suffix) of the endpoint of a service: "ecr.api" -> "ecr_api_endpoint". */
export function endpointId(service: string): string {
  return `${service.replace(/[.-]/g, '_')}_endpoint`;
}

export interface NetworkProps {
  /** Prefix of every resource name, e.g. "classifyhub-dev". */
  readonly namePrefix: string;
  /** IPv4 range of the VPC, /16 to /20, as a network address (e.g. "10.30.0.0/16"). */
  readonly cidrBlock: string;
  /** Availability zones, in order; public and private subnet n go to zone n. */
  readonly availabilityZones: readonly string[];
  /** Retention of the flow-log group, in days (a value CloudWatch accepts). */
  readonly logRetentionDays: number;
  /**
   * How many public subnets to create (one per zone, from the first).
   * @default 1 - the single-host stages need one
   */
  readonly publicSubnetCount?: number;
  /**
   * How many private subnets to create (one per zone, from the first), each
   * with its own route table. At most the number of zones.
   * @default 0 - no private subnets
   */
  readonly privateSubnetCount?: number;
  /**
   * NAT gateways giving private subnets outbound internet access: `'single'`
   * puts one in public subnet 1 for every private subnet (cheaper, one zone
   * can cut everyone off), `'per-az'` puts one in the public subnet of each
   * zone that has a private subnet (needs publicSubnetCount >= privateSubnetCount).
   * Needs privateSubnetCount >= 1.
   * @default 'none' - private subnets have no route to the internet
   */
  readonly natGateways?: NatGatewayMode;
  /**
   * Gateway VPC endpoints (free), added to every route table of the network
   * (public and private). Needs `region`.
   * @default [] - none
   */
  readonly gatewayEndpoints?: readonly GatewayEndpointService[];
  /**
   * Interface VPC endpoints with private DNS, by service short name
   * (`'ecr.api'`, `'ecr.dkr'`, `'logs'`, `'secretsmanager'`, `'sts'`, ...), placed in
   * every private subnet behind one security group that admits HTTPS from the
   * VPC CIDR. Needs privateSubnetCount >= 1 and `region`.
   * @default [] - none
   */
  readonly interfaceEndpoints?: readonly string[];
  /**
   * Region of the VPC, used only to name endpoint services
   * (`com.amazonaws.<region>.<service>`). Required when any endpoint is requested.
   * @default none - no endpoints can be requested
   */
  readonly region?: string;
  /**
   * Send VPC flow logs to CloudWatch Logs.
   * @default true
   */
  readonly flowLogs?: boolean;
  /**
   * Send the flow logs to this S3 bucket (under `vpc-flow-logs/`) instead of CloudWatch Logs
   * (`aws_flow_log.<id>_flow_log_to_bucket`; the log delivery statements are added to the
   * bucket's policy). Ignored when `flowLogs` is false.
   * @default none - CloudWatch Logs
   */
  readonly flowLogBucket?: Bucket;
}

/** Key prefix of flow logs in `flowLogBucket`. */
export const FLOW_LOG_BUCKET_PREFIX = 'vpc-flow-logs';

/**
 * A VPC with public subnets routed to an internet gateway, optional private
 * subnets (each with its own route table, optionally routed to NAT gateways),
 * optional gateway and interface VPC endpoints, a default security group
 * stripped of all rules, and flow logs. Subnets `public_subnet_<n>` and
 * `private_subnet_<n>` keep their addresses and CIDRs as more zones are added.
 */
export class Network extends Construct {
  readonly vpc: Vpc;
  /** The VPC range passed in, e.g. "10.30.0.0/16" (a plain string, usable in security group rules). */
  readonly cidrBlock: string;
  readonly publicSubnets: Subnet[] = [];
  readonly internetGateway: InternetGateway;
  /** The route table shared by all public subnets (default route to the internet gateway). */
  readonly publicRouteTable: RouteTable;
  /** Private subnet n-1 is in zone n-1; empty unless privateSubnetCount >= 1. */
  readonly privateSubnets: Subnet[] = [];
  /** One per private subnet, same order. */
  readonly privateRouteTables: RouteTable[] = [];
  /** NAT gateway n-1 is in public subnet n-1; empty with natGateways 'none'. */
  readonly natGateways: NatGateway[] = [];
  /** Security group of the interface endpoints; only when interfaceEndpoints is not empty. */
  readonly endpointSecurityGroup?: SecurityGroup;
  /** VPC endpoints by service short name, e.g. `endpoints['s3']`, `endpoints['ecr.api']`. */
  readonly endpoints: Readonly<Record<string, VpcEndpoint>>;
  /** Subnet groups added with addPrivateSubnetGroup, by name. */
  readonly subnetGroups: Record<string, Subnet[]> = {};
  private readonly settings: { namePrefix: string; cidrBlock: string; zones: readonly string[]; nat: NatGatewayMode; gatewayEndpoints: readonly string[] };
  private readonly groupIndexes = new Set<number>();

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const p = withDefaults(NETWORK_DEFAULTS, props);
    const zones = p.availabilityZones.length;
    const anyEndpoints = p.gatewayEndpoints.length + p.interfaceEndpoints.length > 0;
    const badInterface = p.interfaceEndpoints.filter((s) => !INTERFACE_ENDPOINT_NAME.test(s));
    const interfaceIds = p.interfaceEndpoints.map(endpointId);
    const clashing = p.interfaceEndpoints.filter((s, i) => interfaceIds.indexOf(interfaceIds[i]) !== i || (p.gatewayEndpoints as readonly string[]).includes(s));
    validateProps('Network', p, [
      { field: 'availabilityZones', valid: (x) => x.availabilityZones.length >= x.publicSubnetCount, expected: `at least publicSubnetCount (${p.publicSubnetCount}) zones` },
      { field: 'publicSubnetCount', valid: (x) => Number.isInteger(x.publicSubnetCount) && x.publicSubnetCount >= 1 && x.publicSubnetCount <= MAX_SUBNETS_PER_TIER, expected: `a whole number from 1 to ${MAX_SUBNETS_PER_TIER}` },
      { field: 'cidrBlock', valid: (x) => /^\d+\.\d+\.\d+\.\d+\/(1[6-9]|20)$/.test(x.cidrBlock), expected: 'an IPv4 CIDR from /16 to /20 (public subnets are the VPC prefix + 8, private ones the prefix + 4)' },
      { field: 'cidrBlock', valid: (x) => !/^\d+\.\d+\.\d+\.\d+\/\d+$/.test(x.cidrBlock) || isNetworkAddress(x.cidrBlock), expected: 'a network address (no host bits set), e.g. 10.30.0.0/16' },
      { field: 'logRetentionDays', valid: (x) => (LOG_RETENTION_DAYS as readonly number[]).includes(x.logRetentionDays), expected: `one of ${LOG_RETENTION_DAYS.join(', ')}` },
      { field: 'privateSubnetCount', valid: (x) => Number.isInteger(x.privateSubnetCount) && x.privateSubnetCount >= 0 && x.privateSubnetCount <= Math.min(MAX_SUBNETS_PER_TIER, zones), expected: `a whole number from 0 to ${Math.min(MAX_SUBNETS_PER_TIER, zones)} (one per availability zone: ${zones} given, at most ${MAX_SUBNETS_PER_TIER})` },
      { field: 'natGateways', valid: (x) => ['none', 'single', 'per-az'].includes(x.natGateways), expected: "one of 'none', 'single', 'per-az'" },
      { field: 'natGateways', valid: (x) => x.natGateways === 'none' || x.privateSubnetCount >= 1, expected: `'none' when privateSubnetCount is ${p.privateSubnetCount} (NAT gateways serve private subnets; set privateSubnetCount >= 1)` },
      { field: 'publicSubnetCount', valid: (x) => x.natGateways !== 'per-az' || x.publicSubnetCount >= x.privateSubnetCount, expected: `at least privateSubnetCount (${p.privateSubnetCount}) with natGateways 'per-az' (each zone's NAT gateway sits in that zone's public subnet)` },
      { field: 'gatewayEndpoints', valid: (x) => x.gatewayEndpoints.every((s) => (GATEWAY_ENDPOINT_SERVICES as readonly string[]).includes(s)) && new Set(x.gatewayEndpoints).size === x.gatewayEndpoints.length, expected: `distinct entries of ${GATEWAY_ENDPOINT_SERVICES.map((s) => `'${s}'`).join(', ')}` },
      { field: 'interfaceEndpoints', valid: () => badInterface.length === 0, expected: `service short names matching ${INTERFACE_ENDPOINT_NAME} such as 'ecr.api' (not: ${badInterface.map((s) => JSON.stringify(s)).join(', ')})` },
      { field: 'interfaceEndpoints', valid: () => clashing.length === 0, expected: `distinct services, none also in gatewayEndpoints (duplicated: ${clashing.map((s) => JSON.stringify(s)).join(', ')})` },
      { field: 'interfaceEndpoints', valid: (x) => x.interfaceEndpoints.length === 0 || x.privateSubnetCount >= 1, expected: `none when privateSubnetCount is ${p.privateSubnetCount} (interface endpoints live in the private subnets)` },
      { field: 'region', valid: (x) => (x.region === undefined ? !anyEndpoints : REGION.test(x.region)), expected: `an AWS region such as 'us-east-1'${anyEndpoints ? ' (required: endpoint service names are com.amazonaws.<region>.<service>)' : ''}` },
    ]);
    this.cidrBlock = p.cidrBlock;
    this.settings = { namePrefix: p.namePrefix, cidrBlock: p.cidrBlock, zones: p.availabilityZones, nat: p.natGateways, gatewayEndpoints: p.gatewayEndpoints };

    this.vpc = new Vpc(this, 'vpc', {
      cidrBlock: p.cidrBlock,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: nameTags(`${p.namePrefix}-vpc`),
    });
    new DefaultSecurityGroup(this, 'default_security_group', {
      vpcId: this.vpc.id,
      tags: nameTags(`${p.namePrefix}-default-deny`),
    });
    this.internetGateway = new InternetGateway(this, 'internet_gateway', { vpcId: this.vpc.id, tags: nameTags(`${p.namePrefix}-igw`) });
    this.publicRouteTable = new RouteTable(this, 'public_route_table', {
      vpcId: this.vpc.id,
      route: [{ cidrBlock: '0.0.0.0/0', gatewayId: this.internetGateway.id }],
      tags: nameTags(`${p.namePrefix}-public`),
    });
    for (let i = 0; i < p.publicSubnetCount; i++) {
      const n = i + 1;
      const subnet = new Subnet(this, `public_subnet_${n}`, {
        vpcId: this.vpc.id,
        availabilityZone: p.availabilityZones[i],
        cidrBlock: cidrSubnet(p.cidrBlock, p.publicSubnetNewBits, i),
        // Instances get Elastic IPs explicitly; nothing gets a public IP by accident.
        mapPublicIpOnLaunch: false,
        tags: nameTags(`${p.namePrefix}-public-${n}`, { Tier: 'public' }),
      });
      new RouteTableAssociation(this, `public_subnet_${n}_routes`, { subnetId: subnet.id, routeTableId: this.publicRouteTable.id });
      this.publicSubnets.push(subnet);
    }

    // NAT gateway n lives in public subnet n: 'single' has only the first, so
    // moving to 'per-az' adds gateways and changes routes, never renames.
    const natCount = p.natGateways === 'per-az' ? p.privateSubnetCount : p.natGateways === 'single' ? 1 : 0;
    for (let i = 0; i < natCount; i++) {
      const n = i + 1;
      const eip = new Eip(this, `nat_eip_${n}`, { domain: 'vpc', tags: nameTags(`${p.namePrefix}-nat-${n}`) });
      this.natGateways.push(
        new NatGateway(this, `nat_gateway_${n}`, {
          allocationId: eip.allocationId,
          subnetId: this.publicSubnets[i].id,
          connectivityType: 'public',
          tags: nameTags(`${p.namePrefix}-nat-${n}`),
          // The gateway needs the VPC's internet gateway to be usable.
          dependsOn: [this.internetGateway],
        }),
      );
    }

    for (let i = 0; i < p.privateSubnetCount; i++) {
      const n = i + 1;
      const subnet = new Subnet(this, `private_subnet_${n}`, {
        vpcId: this.vpc.id,
        availabilityZone: p.availabilityZones[i],
        cidrBlock: privateSubnetCidr(p.cidrBlock, n),
        mapPublicIpOnLaunch: false,
        tags: nameTags(`${p.namePrefix}-private-${n}`, { Tier: 'private' }),
      });
      const nat = p.natGateways === 'per-az' ? this.natGateways[i] : this.natGateways[0];
      // Always one table per private subnet, and routes always managed inline:
      // an empty list removes a default route left over from an earlier NAT setting.
      // (Gateway endpoint routes are managed by the endpoints; the provider ignores them here.)
      const routes = new RouteTable(this, `private_route_table_${n}`, {
        vpcId: this.vpc.id,
        route: nat ? [{ cidrBlock: '0.0.0.0/0', natGatewayId: nat.id }] : [],
        tags: nameTags(`${p.namePrefix}-private-${n}`, { Tier: 'private' }),
      });
      new RouteTableAssociation(this, `private_subnet_${n}_routes`, { subnetId: subnet.id, routeTableId: routes.id });
      this.privateSubnets.push(subnet);
      this.privateRouteTables.push(routes);
    }

    const endpoints: Record<string, VpcEndpoint> = {};
    for (const service of p.gatewayEndpoints) {
      endpoints[service] = new VpcEndpoint(this, endpointId(service), {
        vpcId: this.vpc.id,
        serviceName: `com.amazonaws.${p.region}.${service}`,
        vpcEndpointType: 'Gateway',
        routeTableIds: [this.publicRouteTable, ...this.privateRouteTables].map((t) => t.id),
        tags: nameTags(`${p.namePrefix}-${service}-endpoint`),
      });
    }
    if (p.interfaceEndpoints.length) {
      const sg = new SecurityGroup(this, 'endpoint_security_group', {
        name: `${p.namePrefix}-vpc-endpoints`,
        description: `Interface VPC endpoints of ${p.namePrefix}: HTTPS from the VPC`,
        vpcId: this.vpc.id,
        tags: nameTags(`${p.namePrefix}-vpc-endpoints`),
      });
      new VpcSecurityGroupIngressRule(this, 'endpoint_security_group_https_from_vpc', {
        securityGroupId: sg.id,
        description: 'HTTPS from the VPC to AWS service endpoints',
        ipProtocol: 'tcp',
        fromPort: p.endpointPort,
        toPort: p.endpointPort,
        cidrIpv4: p.cidrBlock,
      });
      this.endpointSecurityGroup = sg;
      for (const service of p.interfaceEndpoints) {
        endpoints[service] = new VpcEndpoint(this, endpointId(service), {
          vpcId: this.vpc.id,
          serviceName: `com.amazonaws.${p.region}.${service}`,
          vpcEndpointType: 'Interface',
          subnetIds: this.privateSubnets.map((s) => s.id),
          securityGroupIds: [sg.id],
          privateDnsEnabled: true,
          tags: nameTags(`${p.namePrefix}-${service.replace(/\./g, '-')}-endpoint`),
        });
      }
    }
    this.endpoints = endpoints;

    if (p.flowLogs && p.flowLogBucket) {
      const bucket = p.flowLogBucket;
      const accountId = this.vpc.ownerId;
      // Shape from the VPC guide "Publish flow logs to Amazon S3" (bucket policy for log delivery).
      bucket.addToResourcePolicy({
        sid: 'AllowFlowLogDeliveryWrite',
        principals: { Service: 'delivery.logs.amazonaws.com' },
        actions: ['s3:PutObject'],
        resources: [bucket.arnForObjects(`${FLOW_LOG_BUCKET_PREFIX}/AWSLogs/`)],
        conditions: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceAccount': accountId } },
      });
      bucket.addToResourcePolicy({
        sid: 'AllowFlowLogDeliveryAclCheck',
        principals: { Service: 'delivery.logs.amazonaws.com' },
        actions: ['s3:GetBucketAcl'],
        resources: [bucket.bucketArn],
        conditions: { StringEquals: { 'aws:SourceAccount': accountId } },
      });
      new FlowLog(this, 'flow_log_to_bucket', {
        vpcId: this.vpc.id,
        trafficType: p.flowLogTrafficType,
        logDestinationType: 's3',
        logDestination: `${bucket.bucketArn}/${FLOW_LOG_BUCKET_PREFIX}/`,
        maxAggregationInterval: 60,
        destinationOptions: { fileFormat: 'parquet', hiveCompatiblePartitions: true, perHourPartition: true },
        tags: nameTags(`${p.namePrefix}-flow-log`),
      });
    } else if (p.flowLogs) {
      const group = new CloudwatchLogGroup(this, 'flow_log_group', {
        name: `/${p.namePrefix.replace(/-/g, '/')}/vpc-flow-logs`,
        retentionInDays: p.logRetentionDays,
      });
      const role = new ServiceRole(this, 'flow_log_role', {
        roleName: `${p.namePrefix}-vpc-flow-logs`,
        assumedBy: 'vpc-flow-logs.amazonaws.com',
        description: `Writes VPC flow logs of ${p.namePrefix} to CloudWatch Logs`,
      });
      role.addToPolicy({
        sid: 'WriteFlowLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        resources: [group.arn, `${group.arn}:*`],
      });
      new FlowLog(this, 'flow_log', {
        vpcId: this.vpc.id,
        trafficType: p.flowLogTrafficType,
        logDestinationType: 'cloud-watch-logs',
        logDestination: group.arn,
        iamRoleArn: role.roleArn,
        maxAggregationInterval: 60,
        tags: nameTags(`${p.namePrefix}-flow-log`),
      });
    }
  }

  /**
   * Adds a named group of private subnets, one per availability zone, for one tier of a system
   * (e.g. "recall_web"): `private_<name>_subnet_<n>` with CIDR cidrsubnet(vpc, 8, 128 + 8 * index + n - 1)
   * (the upper half of the VPC, which the public and numbered private subnets never use), each with
   * its own route table (`private_<name>_route_table_<n>`) routed like private subnet n (NAT of
   * its zone, or the single one) and the gateway endpoints. `index` (0-15) places the group; it
   * is part of the CIDRs, so keep it stable.
   */
  addPrivateSubnetGroup(name: string, index: number): Subnet[] {
    const s = this.settings;
    validateProps('Network.addPrivateSubnetGroup', { name, index }, [
      { field: 'name', valid: (x) => /^[a-z][a-z0-9_]{0,30}$/.test(x.name) && !(x.name in this.subnetGroups), expected: 'a new snake_case name (1-31 characters)' },
      { field: 'index', valid: (x) => Number.isInteger(x.index) && x.index >= 0 && x.index <= 15 && !this.groupIndexes.has(x.index), expected: 'a whole number from 0 to 15 not used by another group' },
    ]);
    this.groupIndexes.add(index);
    const subnets: Subnet[] = [];
    s.zones.forEach((zone, i) => {
      const n = i + 1;
      const label = `${s.namePrefix}-${name.replace(/_/g, '-')}-${n}`;
      const subnet = new Subnet(this, `private_${name}_subnet_${n}`, {
        vpcId: this.vpc.id,
        availabilityZone: zone,
        cidrBlock: subnetGroupCidr(s.cidrBlock, index, n),
        mapPublicIpOnLaunch: false,
        tags: nameTags(label, { Tier: 'private', SubnetGroup: name }),
      });
      const nat = s.nat === 'per-az' ? this.natGateways[i] : this.natGateways[0];
      const routes = new RouteTable(this, `private_${name}_route_table_${n}`, {
        vpcId: this.vpc.id,
        route: nat ? [{ cidrBlock: '0.0.0.0/0', natGatewayId: nat.id }] : [],
        tags: nameTags(label, { Tier: 'private', SubnetGroup: name }),
      });
      new RouteTableAssociation(this, `private_${name}_subnet_${n}_routes`, { subnetId: subnet.id, routeTableId: routes.id });
      for (const service of s.gatewayEndpoints) {
        new VpcEndpointRouteTableAssociation(this, `${endpointId(service)}_${name}_${n}`, { vpcEndpointId: this.endpoints[service].id, routeTableId: routes.id });
      }
      subnets.push(subnet);
    });
    this.subnetGroups[name] = subnets;
    return subnets;
  }
}
