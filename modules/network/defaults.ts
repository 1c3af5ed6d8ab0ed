/** Defaults of the Network construct. */
export const NETWORK_DEFAULTS = {
  /** One public subnet (stages 1-11 run a single host). */
  publicSubnetCount: 1,
  /** Public subnets are /24 carved from the start of the VPC range. */
  publicSubnetNewBits: 8,
  /** VPC flow logs to CloudWatch Logs are on unless turned off. */
  flowLogs: true,
  /** Flow logs keep all traffic (ACCEPT and REJECT). */
  flowLogTrafficType: 'ALL' as 'ALL' | 'ACCEPT' | 'REJECT',
} as const;
