/** Defaults of the InstanceGroup construct. */
export const INSTANCE_GROUP_DEFAULTS = {
  instanceType: 't3.small',
  /** One instance, replaced by the group when it fails its health check. */
  minSize: 1,
  maxSize: 1,
  rootVolumeSizeGiB: 30,
  /** Seconds after launch before load balancer health checks count. */
  healthCheckGracePeriodSeconds: 300,
  /** Containers reach IMDSv2 through one extra hop (docker bridge). */
  metadataHopLimit: 2,
} as const;
