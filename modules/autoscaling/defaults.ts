/** Defaults of the AutoScalingGroup construct (model: terraform-aws-modules/autoscaling). */
export const AUTOSCALING_DEFAULTS = {
  /** Seconds after launch before the load balancer's health checks count. */
  healthCheckGracePeriodSeconds: 300,
  /** Target tracking on ASGAverageCPUUtilization, percent. */
  targetCpuPercent: 50,
  /** Instance refresh: at least this share of the group stays healthy while instances are replaced. */
  refreshMinHealthyPercent: 50,
  /** Instance refresh: seconds a new instance gets before it counts as ready (and before the next batch). */
  instanceWarmupSeconds: 300,
  /** Instance refresh rolls back to the previous launch template when it fails (or a CloudWatch alarm fires). */
  autoRollback: true,
  /** Root volume, GiB (gp3, encrypted). */
  rootVolumeGiB: 20,
  /** Root device of Amazon Linux 2023 AMIs. */
  rootDeviceName: '/dev/xvda',
  /** Outbound HTTPS to anywhere (ECR, SSM, AWS APIs through the NAT gateway / endpoints). */
  allowHttpsEgress: true,
  /**
   * Instance metadata hops: 1, so containers on a Docker bridge network cannot reach the instance's
   * credentials. 2 only when a container must act as the instance role.
   */
  metadataHopLimit: 1,
  /** Session Manager instead of SSH: no key pair, no port 22. */
  managedPolicyArns: ['arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore'] as readonly string[],
} as const;

/** Fixed settings (not props). */
export const AUTOSCALING_SETTINGS = {
  /** IMDSv2 only (the hop limit is the prop `metadataHopLimit`, default 1). */
  metadata: { httpEndpoint: 'enabled', httpTokens: 'required', instanceMetadataTags: 'disabled' },
  /** Group metrics published every minute (the health alarms read GroupInServiceInstances). */
  enabledMetrics: ['GroupMinSize', 'GroupMaxSize', 'GroupDesiredCapacity', 'GroupInServiceInstances', 'GroupPendingInstances', 'GroupTerminatingInstances', 'GroupTotalInstances'],
  metricsGranularity: '1Minute',
} as const;
