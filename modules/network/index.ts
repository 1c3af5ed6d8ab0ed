import { Construct } from 'constructs';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { validateProps, withDefaults, LOG_RETENTION_DAYS } from '../core/props';
import { nameTags } from '../core/tags';
import { ServiceRole } from '../iam/role';
import { NETWORK_DEFAULTS } from './defaults';
import { cidrSubnet } from './cidr';

export interface NetworkProps {
  /** Prefix of every resource name, e.g. "classifyhub-dev". */
  readonly namePrefix: string;
  /** IPv4 range of the VPC, /16 to /20. */
  readonly cidrBlock: string;
  /** Availability zones, in order; public subnet i goes to zone i. */
  readonly availabilityZones: readonly string[];
  /** Retention of the flow-log group, in days (a value CloudWatch accepts). */
  readonly logRetentionDays: number;
  /**
   * How many public subnets to create (one per zone, from the first).
   * @default 1 - the single-host stages need one
   */
  readonly publicSubnetCount?: number;
  /**
   * Send VPC flow logs to CloudWatch Logs.
   * @default true
   */
  readonly flowLogs?: boolean;
}

/**
 * A VPC with public subnets routed to an internet gateway, a default security
 * group stripped of all rules, and flow logs. Subnet `public_subnet_<n>` keeps
 * its address as more zones are added.
 */
export class Network extends Construct {
  readonly vpc: Vpc;
  readonly publicSubnets: Subnet[] = [];
  readonly internetGateway: InternetGateway;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const p = withDefaults(NETWORK_DEFAULTS, props);
    validateProps('Network', p, [
      { field: 'availabilityZones', valid: (x) => x.availabilityZones.length >= x.publicSubnetCount, expected: `at least publicSubnetCount (${p.publicSubnetCount}) zones` },
      { field: 'publicSubnetCount', valid: (x) => Number.isInteger(x.publicSubnetCount) && x.publicSubnetCount >= 1 && x.publicSubnetCount <= 6, expected: 'a whole number from 1 to 6' },
      { field: 'cidrBlock', valid: (x) => /^\d+\.\d+\.\d+\.\d+\/(1[6-9]|20)$/.test(x.cidrBlock), expected: 'an IPv4 CIDR from /16 to /20 (public subnets are /24)' },
      { field: 'logRetentionDays', valid: (x) => (LOG_RETENTION_DAYS as readonly number[]).includes(x.logRetentionDays), expected: `one of ${LOG_RETENTION_DAYS.join(', ')}` },
    ]);

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
    const publicRoutes = new RouteTable(this, 'public_route_table', {
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
      new RouteTableAssociation(this, `public_subnet_${n}_routes`, { subnetId: subnet.id, routeTableId: publicRoutes.id });
      this.publicSubnets.push(subnet);
    }

    if (p.flowLogs) {
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
}
