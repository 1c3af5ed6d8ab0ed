/** Container ports of the ClassifyHub services on ECS (stage 12 on). */
export const ECS_PORTS = {
  /** API gateway (OpenResty), the ALB's target. */
  gateway: 8080,
  backend: 8080,
  frontend: 8080,
  /** Health endpoint of the notification worker. */
  worker: 8081,
  /** Search service (stage 12 on): the SigV4-signing proxy in front of OpenSearch, its own ECS service. */
  searchSigner: 8005,
} as const;
