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
    appDomain: env.classifyhub.domain.name,
    cdnDomain: `cdn.${env.classifyhub.domain.name}`,
  } as const;
}

export type ClassifyHubNames = ReturnType<typeof classifyHubNames>;
