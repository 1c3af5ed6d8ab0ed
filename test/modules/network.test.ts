import { Testing } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Network, NetworkProps, endpointId } from '../../modules/network';
import { cidrContains, cidrsOverlap, isNetworkAddress, privateSubnetCidr, publicSubnetCidr } from '../../modules/network/cidr';
import { ReadableStack } from '../../modules/core/stack';

type Json = { resource: Record<string, Record<string, any>> };

/** Synthesizes one Network (construct ID `network`) in a ReadableStack; returns the stack JSON text and the construct. */
function synthNetwork(props: Partial<NetworkProps> = {}): { out: string; json: Json; network: Network } {
  const stack = new ReadableStack(Testing.app(), 'test');
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  const network = new Network(stack, 'network', { ...BASE, ...props });
  const out = Testing.synth(stack);
  return { out, json: JSON.parse(out) as Json, network };
}
const synthScope = (build: (scope: Construct) => void): string => {
  const stack = new ReadableStack(Testing.app(), 'test');
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  build(stack);
  return Testing.synth(stack);
};

const BASE: NetworkProps = { namePrefix: 't', cidrBlock: '10.1.0.0/16', availabilityZones: ['us-east-1a'], logRetentionDays: 14 };
const ZONES3 = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
const HA: Partial<NetworkProps> = {
  namePrefix: 'classifyhub-prod',
  cidrBlock: '10.30.0.0/16',
  availabilityZones: ZONES3,
  publicSubnetCount: 3,
  privateSubnetCount: 3,
  natGateways: 'per-az',
  gatewayEndpoints: ['s3', 'dynamodb'],
  interfaceEndpoints: ['ecr.api', 'ecr.dkr', 'logs', 'secretsmanager'],
  region: 'us-east-1',
};

const addresses = (json: Json) => Object.entries(json.resource).flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`)).sort();
const defaultRoute = (table: any) => (table.route as any[]).find((r) => r.cidr_block === '0.0.0.0/0');

/** The resources the default Network synthesized before stage 12 (captured from the stage-11 module, verbatim). */
const BEFORE_STAGE_12 = {
  "aws_cloudwatch_log_group": {
    "network_flow_log_group": {
      "name": "/t/vpc-flow-logs",
      "retention_in_days": 14
    }
  },
  "aws_default_security_group": {
    "network_default_security_group": {
      "tags": {
        "Name": "t-default-deny"
      },
      "vpc_id": "${aws_vpc.network_vpc.id}"
    }
  },
  "aws_flow_log": {
    "network_flow_log": {
      "iam_role_arn": "${aws_iam_role.network_flow_log_role_role.arn}",
      "log_destination": "${aws_cloudwatch_log_group.network_flow_log_group.arn}",
      "log_destination_type": "cloud-watch-logs",
      "max_aggregation_interval": 60,
      "tags": {
        "Name": "t-flow-log"
      },
      "traffic_type": "ALL",
      "vpc_id": "${aws_vpc.network_vpc.id}"
    }
  },
  "aws_iam_role": {
    "network_flow_log_role_role": {
      "assume_role_policy": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"vpc-flow-logs.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}",
      "description": "Writes VPC flow logs of t to CloudWatch Logs",
      "name": "t-vpc-flow-logs"
    }
  },
  "aws_iam_role_policy": {
    "network_flow_log_role_policy": {
      "name": "t-vpc-flow-logs-grants",
      "policy": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"WriteFlowLogs\",\"Effect\":\"Allow\",\"Action\":[\"logs:CreateLogStream\",\"logs:PutLogEvents\",\"logs:DescribeLogStreams\"],\"Resource\":[\"${aws_cloudwatch_log_group.network_flow_log_group.arn}\",\"${aws_cloudwatch_log_group.network_flow_log_group.arn}:*\"]}]}",
      "role": "${aws_iam_role.network_flow_log_role_role.id}"
    }
  },
  "aws_internet_gateway": {
    "network_internet_gateway": {
      "tags": {
        "Name": "t-igw"
      },
      "vpc_id": "${aws_vpc.network_vpc.id}"
    }
  },
  "aws_route_table": {
    "network_public_route_table": {
      "route": [
        {
          "carrier_gateway_id": null,
          "cidr_block": "0.0.0.0/0",
          "core_network_arn": null,
          "destination_prefix_list_id": null,
          "egress_only_gateway_id": null,
          "gateway_id": "${aws_internet_gateway.network_internet_gateway.id}",
          "ipv6_cidr_block": null,
          "local_gateway_id": null,
          "nat_gateway_id": null,
          "network_interface_id": null,
          "transit_gateway_id": null,
          "vpc_endpoint_id": null,
          "vpc_peering_connection_id": null
        }
      ],
      "tags": {
        "Name": "t-public"
      },
      "vpc_id": "${aws_vpc.network_vpc.id}"
    }
  },
  "aws_route_table_association": {
    "network_public_subnet_1_routes": {
      "route_table_id": "${aws_route_table.network_public_route_table.id}",
      "subnet_id": "${aws_subnet.network_public_subnet_1.id}"
    }
  },
  "aws_subnet": {
    "network_public_subnet_1": {
      "availability_zone": "us-east-1a",
      "cidr_block": "10.1.0.0/24",
      "map_public_ip_on_launch": false,
      "tags": {
        "Name": "t-public-1",
        "Tier": "public"
      },
      "vpc_id": "${aws_vpc.network_vpc.id}"
    }
  },
  "aws_vpc": {
    "network_vpc": {
      "cidr_block": "10.1.0.0/16",
      "enable_dns_hostnames": true,
      "enable_dns_support": true,
      "tags": {
        "Name": "t-vpc"
      }
    }
  }
};

describe('Network defaults are unchanged by the stage-12 props', () => {
  test('default props synthesize exactly what the stage-11 module did', () => {
    expect(synthNetwork().json.resource).toEqual(BEFORE_STAGE_12);
  });
  test('new props set explicitly to their defaults give byte-identical output', () => {
    const explicit = synthNetwork({ privateSubnetCount: 0, natGateways: 'none', gatewayEndpoints: [], interfaceEndpoints: [] });
    expect(explicit.out).toBe(synthNetwork().out);
    const threeZones = { cidrBlock: '10.20.0.0/20', availabilityZones: ZONES3, publicSubnetCount: 3 };
    expect(synthNetwork({ ...threeZones, privateSubnetCount: 0, natGateways: 'none', gatewayEndpoints: [], interfaceEndpoints: [] }).out).toBe(synthNetwork(threeZones).out);
  });
  test('public subnet addresses and CIDRs do not move when private subnets, NAT and endpoints are added', () => {
    const before = synthNetwork({ availabilityZones: ZONES3, publicSubnetCount: 3 }).json;
    const after = synthNetwork({ ...HA, namePrefix: 't', cidrBlock: '10.1.0.0/16' }).json;
    for (const type of ['aws_vpc', 'aws_subnet', 'aws_route_table', 'aws_route_table_association', 'aws_internet_gateway', 'aws_default_security_group', 'aws_flow_log', 'aws_cloudwatch_log_group', 'aws_iam_role', 'aws_iam_role_policy']) {
      for (const [name, config] of Object.entries(before.resource[type])) expect(after.resource[type][name]).toEqual(config);
    }
  });
  test('the network exposes its members, empty for the new tiers', () => {
    const { network } = synthNetwork();
    expect(network.cidrBlock).toBe('10.1.0.0/16');
    expect(network.publicSubnets).toHaveLength(1);
    expect(network.privateSubnets).toEqual([]);
    expect(network.privateRouteTables).toEqual([]);
    expect(network.natGateways).toEqual([]);
    expect(network.endpointSecurityGroup).toBeUndefined();
    expect(network.endpoints).toEqual({});
  });
});

describe('Network high-availability layout', () => {
  test('addresses of the HA layout', () => {
    const { json, network } = synthNetwork(HA);
    expect(addresses(json)).toEqual([
      'aws_cloudwatch_log_group.network_flow_log_group',
      'aws_default_security_group.network_default_security_group',
      'aws_eip.network_nat_eip_1',
      'aws_eip.network_nat_eip_2',
      'aws_eip.network_nat_eip_3',
      'aws_flow_log.network_flow_log',
      'aws_iam_role.network_flow_log_role_role',
      'aws_iam_role_policy.network_flow_log_role_policy',
      'aws_internet_gateway.network_internet_gateway',
      'aws_nat_gateway.network_nat_gateway_1',
      'aws_nat_gateway.network_nat_gateway_2',
      'aws_nat_gateway.network_nat_gateway_3',
      'aws_route_table.network_private_route_table_1',
      'aws_route_table.network_private_route_table_2',
      'aws_route_table.network_private_route_table_3',
      'aws_route_table.network_public_route_table',
      'aws_route_table_association.network_private_subnet_1_routes',
      'aws_route_table_association.network_private_subnet_2_routes',
      'aws_route_table_association.network_private_subnet_3_routes',
      'aws_route_table_association.network_public_subnet_1_routes',
      'aws_route_table_association.network_public_subnet_2_routes',
      'aws_route_table_association.network_public_subnet_3_routes',
      'aws_security_group.network_endpoint_security_group',
      'aws_subnet.network_private_subnet_1',
      'aws_subnet.network_private_subnet_2',
      'aws_subnet.network_private_subnet_3',
      'aws_subnet.network_public_subnet_1',
      'aws_subnet.network_public_subnet_2',
      'aws_subnet.network_public_subnet_3',
      'aws_vpc.network_vpc',
      'aws_vpc_endpoint.network_dynamodb_endpoint',
      'aws_vpc_endpoint.network_ecr_api_endpoint',
      'aws_vpc_endpoint.network_ecr_dkr_endpoint',
      'aws_vpc_endpoint.network_logs_endpoint',
      'aws_vpc_endpoint.network_s3_endpoint',
      'aws_vpc_endpoint.network_secretsmanager_endpoint',
      'aws_vpc_security_group_ingress_rule.network_endpoint_security_group_https_from_vpc',
    ]);
    expect(network.privateSubnets).toHaveLength(3);
    expect(network.privateRouteTables).toHaveLength(3);
    expect(network.natGateways).toHaveLength(3);
    expect(network.endpointSecurityGroup).toBeDefined();
    expect(Object.keys(network.endpoints)).toEqual(['s3', 'dynamodb', 'ecr.api', 'ecr.dkr', 'logs', 'secretsmanager']);
    expect(network.cidrBlock).toBe('10.30.0.0/16');
  });

  test('private subnets: one per zone from the first, tagged Tier=private, each with its own route table', () => {
    const { json } = synthNetwork(HA);
    const subnets = json.resource.aws_subnet;
    expect(subnets.network_private_subnet_1).toMatchObject({ availability_zone: 'us-east-1a', cidr_block: '10.30.16.0/20', map_public_ip_on_launch: false, tags: { Name: 'classifyhub-prod-private-1', Tier: 'private' } });
    expect(subnets.network_private_subnet_2).toMatchObject({ availability_zone: 'us-east-1b', cidr_block: '10.30.32.0/20' });
    expect(subnets.network_private_subnet_3).toMatchObject({ availability_zone: 'us-east-1c', cidr_block: '10.30.48.0/20' });
    for (const n of [1, 2, 3]) {
      expect(json.resource.aws_route_table_association[`network_private_subnet_${n}_routes`]).toEqual({
        subnet_id: `\${aws_subnet.network_private_subnet_${n}.id}`,
        route_table_id: `\${aws_route_table.network_private_route_table_${n}.id}`,
      });
    }
  });

  test.each([
    ['/16', '10.30.0.0/16', '/24', '/20'],
    ['/18', '10.30.64.0/18', '/26', '/22'],
    ['/20', '10.30.16.0/20', '/28', '/24'],
  ])('%s VPC with 3 zones: subnets inside the VPC, none overlapping (public %s, private %s)', (_label, cidr, publicSize, privateSize) => {
    const { json } = synthNetwork({ ...HA, cidrBlock: cidr });
    const cidrs = Object.values(json.resource.aws_subnet).map((s: any) => s.cidr_block as string);
    expect(cidrs).toHaveLength(6);
    for (const c of cidrs) expect(cidrContains(cidr, c)).toBe(true);
    for (let i = 0; i < cidrs.length; i++) for (let j = i + 1; j < cidrs.length; j++) expect([cidrs[i], cidrs[j], cidrsOverlap(cidrs[i], cidrs[j])]).toEqual([cidrs[i], cidrs[j], false]);
    expect(json.resource.aws_subnet.network_public_subnet_3.cidr_block.endsWith(publicSize)).toBe(true);
    expect(json.resource.aws_subnet.network_private_subnet_3.cidr_block.endsWith(privateSize)).toBe(true);
  });

  test('layout rule holds for every VPC size and the most subnets (6 public, 6 private)', () => {
    for (let prefix = 16; prefix <= 20; prefix++) {
      const vpc = `10.0.0.0/${prefix}`;
      const all = [1, 2, 3, 4, 5, 6].flatMap((n) => [publicSubnetCidr(vpc, n), privateSubnetCidr(vpc, n)]);
      for (const c of all) expect(cidrContains(vpc, c)).toBe(true);
      for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++) expect(cidrsOverlap(all[i], all[j])).toBe(false);
    }
    expect(publicSubnetCidr('10.1.0.0/16', 1)).toBe('10.1.0.0/24');
    expect(privateSubnetCidr('10.1.0.0/16', 1)).toBe('10.1.16.0/20');
    expect(privateSubnetCidr('10.1.0.0/20', 6)).toBe('10.1.6.0/24');
    expect(isNetworkAddress('10.1.0.0/16')).toBe(true);
    expect(isNetworkAddress('10.1.5.0/16')).toBe(false);
  });

  test('per-az NAT: one EIP and gateway per private zone, in that zone\'s public subnet; each private table routes to its own zone', () => {
    const { json, out } = synthNetwork(HA);
    for (const n of [1, 2, 3]) {
      expect(json.resource.aws_nat_gateway[`network_nat_gateway_${n}`]).toEqual({
        allocation_id: `\${aws_eip.network_nat_eip_${n}.allocation_id}`,
        subnet_id: `\${aws_subnet.network_public_subnet_${n}.id}`,
        connectivity_type: 'public',
        depends_on: ['aws_internet_gateway.network_internet_gateway'],
        tags: { Name: `classifyhub-prod-nat-${n}` },
      });
      expect(json.resource.aws_eip[`network_nat_eip_${n}`]).toEqual({ domain: 'vpc', tags: { Name: `classifyhub-prod-nat-${n}` } });
      const table = json.resource.aws_route_table[`network_private_route_table_${n}`];
      expect(table.route).toHaveLength(1);
      expect(defaultRoute(table)).toMatchObject({ nat_gateway_id: `\${aws_nat_gateway.network_nat_gateway_${n}.id}`, gateway_id: null });
      expect(table.tags).toEqual({ Name: `classifyhub-prod-private-${n}`, Tier: 'private' });
    }
    expect(out).toHaveResourceWithProperties(Eip, { domain: 'vpc' });
    expect(out).toHaveResourceWithProperties(NatGateway, { connectivity_type: 'public' });
  });

  test('single NAT: one gateway in public subnet 1, every private table routes to it', () => {
    const { json } = synthNetwork({ ...HA, natGateways: 'single', publicSubnetCount: 1 });
    expect(Object.keys(json.resource.aws_nat_gateway)).toEqual(['network_nat_gateway_1']);
    expect(Object.keys(json.resource.aws_eip)).toEqual(['network_nat_eip_1']);
    expect(json.resource.aws_nat_gateway.network_nat_gateway_1.subnet_id).toBe('${aws_subnet.network_public_subnet_1.id}');
    for (const n of [1, 2, 3]) {
      expect(defaultRoute(json.resource.aws_route_table[`network_private_route_table_${n}`]).nat_gateway_id).toBe('${aws_nat_gateway.network_nat_gateway_1.id}');
    }
  });

  test('switching single -> per-az keeps every address and only changes routes (and adds gateways 2..n)', () => {
    const single = synthNetwork({ ...HA, natGateways: 'single' }).json;
    const perAz = synthNetwork(HA).json;
    const before = addresses(single);
    const after = addresses(perAz);
    expect(before.filter((a) => !after.includes(a))).toEqual([]);
    expect(after.filter((a) => !before.includes(a))).toEqual(['aws_eip.network_nat_eip_2', 'aws_eip.network_nat_eip_3', 'aws_nat_gateway.network_nat_gateway_2', 'aws_nat_gateway.network_nat_gateway_3']);
    expect(perAz.resource.aws_nat_gateway.network_nat_gateway_1).toEqual(single.resource.aws_nat_gateway.network_nat_gateway_1);
    const changed = before.filter((a) => {
      const [type, name] = a.split('.');
      return JSON.stringify(single.resource[type][name]) !== JSON.stringify(perAz.resource[type][name]);
    });
    expect(changed).toEqual(['aws_route_table.network_private_route_table_2', 'aws_route_table.network_private_route_table_3']);
  });

  test("natGateways 'none': private tables exist with an explicitly empty route list (no internet), no NAT, no EIP", () => {
    const { json } = synthNetwork({ availabilityZones: ZONES3, privateSubnetCount: 2 });
    expect(json.resource.aws_nat_gateway).toBeUndefined();
    expect(json.resource.aws_eip).toBeUndefined();
    expect(json.resource.aws_route_table.network_private_route_table_1.route).toEqual([]);
    expect(json.resource.aws_route_table.network_private_route_table_2.route).toEqual([]);
    expect(Object.keys(json.resource.aws_subnet).sort()).toEqual(['network_private_subnet_1', 'network_private_subnet_2', 'network_public_subnet_1']);
  });

  test('gateway endpoints are attached to the public and every private route table', () => {
    const { json, out } = synthNetwork(HA);
    const tables = ['public_route_table', 'private_route_table_1', 'private_route_table_2', 'private_route_table_3'].map((t) => `\${aws_route_table.network_${t}.id}`);
    expect(json.resource.aws_vpc_endpoint.network_s3_endpoint).toEqual({
      vpc_id: '${aws_vpc.network_vpc.id}',
      service_name: 'com.amazonaws.us-east-1.s3',
      vpc_endpoint_type: 'Gateway',
      route_table_ids: tables,
      tags: { Name: 'classifyhub-prod-s3-endpoint' },
    });
    expect(json.resource.aws_vpc_endpoint.network_dynamodb_endpoint).toMatchObject({ service_name: 'com.amazonaws.us-east-1.dynamodb', vpc_endpoint_type: 'Gateway', route_table_ids: tables });
    expect(out).toHaveResourceWithProperties(VpcEndpoint, { service_name: 'com.amazonaws.us-east-1.s3', vpc_endpoint_type: 'Gateway' });
  });

  test('a gateway endpoint without private subnets goes on the public route table only', () => {
    const { json } = synthNetwork({ gatewayEndpoints: ['s3'], region: 'eu-west-1' });
    expect(json.resource.aws_vpc_endpoint.network_s3_endpoint).toMatchObject({ service_name: 'com.amazonaws.eu-west-1.s3', route_table_ids: ['${aws_route_table.network_public_route_table.id}'] });
    expect(json.resource.aws_security_group).toBeUndefined();
  });

  test('interface endpoints: in every private subnet, private DNS, behind one SG admitting only HTTPS from the VPC CIDR', () => {
    const { json, out, network } = synthNetwork(HA);
    const privateSubnetIds = [1, 2, 3].map((n) => `\${aws_subnet.network_private_subnet_${n}.id}`);
    for (const service of ['ecr.api', 'ecr.dkr', 'logs', 'secretsmanager']) {
      expect(json.resource.aws_vpc_endpoint[`network_${endpointId(service)}`]).toEqual({
        vpc_id: '${aws_vpc.network_vpc.id}',
        service_name: `com.amazonaws.us-east-1.${service}`,
        vpc_endpoint_type: 'Interface',
        subnet_ids: privateSubnetIds,
        security_group_ids: ['${aws_security_group.network_endpoint_security_group.id}'],
        private_dns_enabled: true,
        tags: { Name: `classifyhub-prod-${service.replace(/\./g, '-')}-endpoint` },
      });
    }
    expect(json.resource.aws_security_group.network_endpoint_security_group).toEqual({
      name: 'classifyhub-prod-vpc-endpoints',
      description: 'Interface VPC endpoints of classifyhub-prod: HTTPS from the VPC',
      vpc_id: '${aws_vpc.network_vpc.id}',
      tags: { Name: 'classifyhub-prod-vpc-endpoints' },
    });
    expect(json.resource.aws_vpc_security_group_ingress_rule).toEqual({
      network_endpoint_security_group_https_from_vpc: {
        security_group_id: '${aws_security_group.network_endpoint_security_group.id}',
        description: 'HTTPS from the VPC to AWS service endpoints',
        ip_protocol: 'tcp',
        from_port: 443,
        to_port: 443,
        cidr_ipv4: '10.30.0.0/16',
      },
    });
    // No egress rule: the endpoints never open connections.
    expect(json.resource.aws_vpc_security_group_egress_rule).toBeUndefined();
    expect(out).toHaveResourceWithProperties(SecurityGroup, { name: 'classifyhub-prod-vpc-endpoints' });
    expect(out).toHaveResourceWithProperties(VpcSecurityGroupIngressRule, { cidr_ipv4: '10.30.0.0/16', from_port: 443 });
    expect(network.endpoints['ecr.api']).toBeInstanceOf(VpcEndpoint);
  });

  test('endpoint IDs: dots and dashes become underscores', () => {
    expect(endpointId('ecr.api')).toBe('ecr_api_endpoint');
    expect(endpointId('execute-api')).toBe('execute_api_endpoint');
    expect(endpointId('sts')).toBe('sts_endpoint');
  });

  test('other constructs can use the private subnets and the VPC CIDR', () => {
    const out = synthScope((s) => {
      const network = new Network(s, 'network', { ...BASE, ...HA });
      new SecurityGroup(s, 'app', { name: 'app', description: 'app', vpcId: network.privateSubnets[1].vpcId });
      new VpcSecurityGroupIngressRule(s, 'app_from_vpc', { securityGroupId: 'sg-1', ipProtocol: 'tcp', fromPort: 80, toPort: 80, cidrIpv4: network.cidrBlock });
    });
    expect(out).toHaveResourceWithProperties(VpcSecurityGroupIngressRule, { cidr_ipv4: '10.30.0.0/16', from_port: 80 });
  });
});

describe('Network validation', () => {
  const fails = (props: Partial<NetworkProps>) => () => synthNetwork(props);

  test('privateSubnetCount must fit the zones', () => {
    expect(fails({ privateSubnetCount: 2 })).toThrow(/privateSubnetCount: received 2; expected a whole number from 0 to 1 \(one per availability zone: 1 given/);
    expect(fails({ privateSubnetCount: 1.5, availabilityZones: ZONES3 })).toThrow(/privateSubnetCount: received 1\.5; expected a whole number from 0 to 3/);
    expect(fails({ privateSubnetCount: -1 })).toThrow(/privateSubnetCount: received -1/);
  });
  test('NAT gateways need private subnets', () => {
    expect(fails({ natGateways: 'single' })).toThrow(/natGateways: received "single"; expected 'none' when privateSubnetCount is 0/);
  });
  test("per-az NAT needs a public subnet in every private subnet's zone", () => {
    expect(fails({ availabilityZones: ZONES3, privateSubnetCount: 3, natGateways: 'per-az' })).toThrow(/publicSubnetCount: received 1; expected at least privateSubnetCount \(3\) with natGateways 'per-az'/);
    expect(fails({ availabilityZones: ZONES3, privateSubnetCount: 3, natGateways: 'single' })).not.toThrow();
  });
  test('unknown NAT mode', () => {
    expect(fails({ availabilityZones: ZONES3, privateSubnetCount: 1, natGateways: 'two' as never })).toThrow(/natGateways: received "two"; expected one of 'none', 'single', 'per-az'/);
  });
  test('endpoints need a region', () => {
    expect(fails({ gatewayEndpoints: ['s3'] })).toThrow(/region: received nothing; expected an AWS region such as 'us-east-1' \(required: endpoint service names are com\.amazonaws\.<region>\.<service>\)/);
    expect(fails({ privateSubnetCount: 1, interfaceEndpoints: ['sts'] })).toThrow(/region: received nothing/);
    expect(fails({ gatewayEndpoints: ['s3'], region: 'US East' })).toThrow(/region: received "US East"; expected an AWS region/);
    expect(fails({ gatewayEndpoints: ['s3'], region: 'us-gov-west-1' })).not.toThrow();
  });
  test('interface endpoint names', () => {
    expect(fails({ privateSubnetCount: 1, region: 'us-east-1', interfaceEndpoints: ['ecr.api', 'ECR DKR'] })).toThrow(/interfaceEndpoints: received \["ecr.api","ECR DKR"\]; expected service short names matching \/\^\[a-z0-9.-\]\+\$\/ such as 'ecr.api' \(not: "ECR DKR"\)/);
    expect(fails({ privateSubnetCount: 1, region: 'us-east-1', interfaceEndpoints: ['logs', 'logs'] })).toThrow(/interfaceEndpoints: received \["logs","logs"\]; expected distinct services, none also in gatewayEndpoints \(duplicated: "logs"\)/);
    expect(fails({ privateSubnetCount: 1, region: 'us-east-1', interfaceEndpoints: ['ecr.api', 'ecr-api'] })).toThrow(/duplicated: "ecr-api"/);
    expect(fails({ privateSubnetCount: 1, region: 'us-east-1', gatewayEndpoints: ['s3'], interfaceEndpoints: ['s3'] })).toThrow(/duplicated: "s3"/);
  });
  test('interface endpoints need private subnets', () => {
    expect(fails({ region: 'us-east-1', interfaceEndpoints: ['sts'] })).toThrow(/interfaceEndpoints: received \["sts"\]; expected none when privateSubnetCount is 0/);
  });
  test('gateway endpoints are s3 and dynamodb only, once each', () => {
    expect(fails({ region: 'us-east-1', gatewayEndpoints: ['sqs' as never] })).toThrow(/gatewayEndpoints: received \["sqs"\]; expected distinct entries of 's3', 'dynamodb'/);
    expect(fails({ region: 'us-east-1', gatewayEndpoints: ['s3', 's3'] })).toThrow(/gatewayEndpoints: received \["s3","s3"\]/);
  });
  test('the VPC CIDR must be a network address', () => {
    expect(fails({ cidrBlock: '10.1.5.0/16' })).toThrow(/cidrBlock: received "10.1.5.0\/16"; expected a network address/);
    expect(fails({ cidrBlock: '10.1.0.0/24' })).toThrow(/cidrBlock: received "10.1.0.0\/24"; expected an IPv4 CIDR from \/16 to \/20/);
  });
  test('all problems are reported at once', () => {
    expect(fails({ privateSubnetCount: 5, natGateways: 'per-az', interfaceEndpoints: ['Bad'] })).toThrow(/privateSubnetCount[\s\S]*publicSubnetCount[\s\S]*interfaceEndpoints[\s\S]*region/);
  });
});
