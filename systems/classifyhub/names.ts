import type { Environment } from '../../environments/lib/schema';

/**
 * Every name ClassifyHub derives from an environment, in one place: the
 * resources are created with these names and the Docker host's configuration
 * refers to the same names, so the two can never drift apart.
 */
export function classifyHubNames(env: Pick<Environment, 'name' | 'account' | 'classifyhub'>) {
  const prefix = `classifyhub-${env.name}`;
  const { id: account, region } = env.account;
  const queue = `${prefix}-notifications`;
  return {
    prefix,
    stack: prefix,
    registry: `${account}.dkr.ecr.${region}.amazonaws.com`,
    repository: (service: 'backend' | 'frontend' | 'worker') => `${prefix}/${service}`,
    imagesBucket: `${prefix}-images-${account}`,
    notificationQueue: queue,
    notificationQueueUrl: `https://sqs.${region}.amazonaws.com/${account}/${queue}`,
    secrets: {
      dbPassword: `classifyhub/${env.name}/db-password`,
      replicationPassword: `classifyhub/${env.name}/db-replication-password`,
      jwtSigningKey: `classifyhub/${env.name}/jwt-signing-key`,
    },
    containerLogGroup: `/classifyhub/${env.name}/containers`,
    /** CloudWatch namespace of the backend's application metrics (stage 13 on; the same name in every region). */
    metricsNamespace: `ClassifyHub/${env.name}`,
    /** Log group of an ECS service (stage 12 on). */
    serviceLogGroup: (service: string) => `/classifyhub/${env.name}/ecs/${service}`,
    /** Service Connect namespace of the ECS services. */
    serviceNamespace: `${env.name}.classifyhub.internal`,
    appDomain: env.classifyhub.domain.name,
    cdnDomain: `cdn.${env.classifyhub.domain.name}`,
  } as const;
}

export type ClassifyHubNames = ReturnType<typeof classifyHubNames>;

/** Short code of a region for names with tight length limits: eu-west-1 -> euw1, ap-southeast-1 -> apse1. */
export function regionCode(region: string): string {
  const [geo, direction, n] = region.split('-').slice(-3);
  const dir = direction
    .replace('northeast', 'ne').replace('southeast', 'se').replace('northwest', 'nw').replace('southwest', 'sw')
    .replace('north', 'n').replace('south', 's').replace('east', 'e').replace('west', 'w').replace('central', 'c');
  return `${geo}${dir}${n}`;
}

/**
 * Names of one region's copy of ClassifyHub (stage 14). The environment's own
 * region keeps the names it always had; a further region adds its code to the
 * prefix so account-wide names (IAM roles, S3 buckets) stay unique.
 */
export function regionalNames(env: Pick<Environment, 'name' | 'account' | 'classifyhub'>, region: string) {
  const base = classifyHubNames(env);
  if (region === env.account.region) return { ...base, region, key: undefined as string | undefined, searchDomain: `${base.prefix}-search` };
  const code = regionCode(region);
  const prefix = `${base.prefix}-${code}`;
  const queue = `${prefix}-notifications`;
  const account = env.account.id;
  return {
    ...base,
    region,
    /** Construct id of the region's scope, and of its provider alias. */
    key: region.replace(/-/g, '_'),
    prefix,
    registry: `${account}.dkr.ecr.${region}.amazonaws.com`,
    imagesBucket: `${prefix}-images-${account}`,
    notificationQueue: queue,
    notificationQueueUrl: `https://sqs.${region}.amazonaws.com/${account}/${queue}`,
    secrets: {
      dbPassword: `classifyhub/${env.name}/${code}/db-password`,
      replicationPassword: `classifyhub/${env.name}/${code}/db-replication-password`,
      jwtSigningKey: `classifyhub/${env.name}/${code}/jwt-signing-key`,
    },
    containerLogGroup: `/classifyhub/${env.name}/${code}/containers`,
    serviceLogGroup: (service: string) => `/classifyhub/${env.name}/${code}/ecs/${service}`,
    serviceNamespace: `${env.name}-${code}.classifyhub.internal`,
    searchDomain: `${prefix}-os`,
  };
}

export type RegionalNames = ReturnType<typeof regionalNames>;
