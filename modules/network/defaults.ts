/** How private subnets reach the internet. */
export type NatGatewayMode = 'none' | 'single' | 'per-az';

/** AWS services offered as (free) gateway VPC endpoints. */
export const GATEWAY_ENDPOINT_SERVICES = ['s3', 'dynamodb'] as const;
export type GatewayEndpointService = (typeof GATEWAY_ENDPOINT_SERVICES)[number];

/** Defaults of the Network construct. */
export const NETWORK_DEFAULTS = {
  /** One public subnet (stages 1-11 run a single host). */
  publicSubnetCount: 1,
  /** Public subnets are the VPC prefix + 8 bits (a /24 from a /16), carved from the start of the VPC range. */
  publicSubnetNewBits: 8,
  /** No private subnets: stages 1-11 have nothing private to run. */
  privateSubnetCount: 0,
  /**
   * Private subnets are the VPC prefix + 4 bits (a /20 from a /16, a /24 from a /20): one sixteenth of the VPC each.
   * Block 0 of that size holds every public subnet (public subnets are 1/256 of the VPC and there are at most 6).
   */
  privateSubnetNewBits: 4,
  /** Private subnet n is block n of size prefix + 4 (block 0 is the public range); blocks 7-15 stay free. */
  privateSubnetFirstIndex: 1,
  /** No NAT gateway: private subnets (if any) have no route to the internet. */
  natGateways: 'none' as NatGatewayMode,
  /** No gateway endpoints. */
  gatewayEndpoints: [] as readonly GatewayEndpointService[],
  /** No interface endpoints. */
  interfaceEndpoints: [] as readonly string[],
  /** VPC flow logs to CloudWatch Logs are on unless turned off. */
  flowLogs: true,
  /** Flow logs keep all traffic (ACCEPT and REJECT). */
  flowLogTrafficType: 'ALL' as 'ALL' | 'ACCEPT' | 'REJECT',
  /** Interface endpoints are reached over HTTPS only. */
  endpointPort: 443,
} as const;
