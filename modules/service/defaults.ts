/** Defaults of the Cluster construct. */
export const CLUSTER_DEFAULTS = {
  /** CloudWatch Container Insights: per-task CPU, memory and network metrics. */
  containerInsights: 'enabled',
} as const;

/** Defaults of the FargateService construct. */
export const FARGATE_SERVICE_DEFAULTS = {
  /** Task CPU units (1024 = 1 vCPU); the smallest Fargate size. */
  cpu: 256,
  /** Task memory, MiB; the smallest size Fargate allows with 256 CPU units. */
  memoryMiB: 512,
  /** Graviton (ARM64) is cheaper but needs multi-arch images; x86 works with any image. */
  cpuArchitecture: 'X86_64',
  /** Two tasks: one per zone, a deployment or a zone outage leaves one running. */
  desiredCount: 2,
  minCapacity: 2,
  maxCapacity: 6,
  /** Target-tracking goal for average CPU utilisation of the service, percent. */
  targetCpuPercent: 60,
  /** ECS Exec (shell into tasks) is off unless asked for. */
  enableExecuteCommand: false,
} as const;

/** Fixed settings of every FargateService (not props: changing them is a design decision). */
export const FARGATE_SERVICE_SETTINGS = {
  /** Rolling deployment: never below desired count, up to twice as many tasks while replacing. */
  deploymentMinimumHealthyPercent: 100,
  deploymentMaximumPercent: 200,
  /** Seconds the load balancer health checks are ignored after a task starts (only with a target group). */
  loadBalancedHealthCheckGracePeriodSeconds: 60,
  /** Target tracking: scale in slowly, scale out fast. */
  scaleInCooldownSeconds: 300,
  scaleOutCooldownSeconds: 60,
  /** Outbound HTTPS for AWS APIs (ECR, Secrets Manager, CloudWatch Logs, SSM) through NAT or endpoints. */
  egressHttpsCidr: '0.0.0.0/0',
  /** Container health check timing (used when a container has healthCheckCommand). */
  healthCheck: { intervalSeconds: 30, timeoutSeconds: 5, retries: 3, startPeriodSeconds: 60 },
} as const;

function steps(fromMiB: number, toMiB: number, stepMiB: number): readonly number[] {
  const out: number[] = [];
  for (let m = fromMiB; m <= toMiB; m += stepMiB) out.push(m);
  return out;
}

/**
 * Fargate's valid task sizes (Linux): CPU units → allowed memory, MiB.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size
 */
export const FARGATE_CPU_MEMORY_MIB: Readonly<Record<number, readonly number[]>> = {
  256: [512, 1024, 2048],
  512: steps(1024, 4096, 1024),
  1024: steps(2048, 8192, 1024),
  2048: steps(4096, 16384, 1024),
  4096: steps(8192, 30720, 1024),
  8192: steps(16384, 61440, 4096),
  16384: steps(32768, 122880, 8192),
};
