import { Construct } from 'constructs';
import type { Environment } from '../../environments/lib/schema';
import { Network } from '../../modules/network';
import { Secret } from '../../modules/secret';
import { ContainerRepository } from '../../modules/container-registry';
import { Bucket } from '../../modules/object-store';
import { Queue } from '../../modules/queue';
import { EmailDomain } from '../../modules/email';
import { LoadBalancer } from '../../modules/load-balancer';
import { Cluster, FargateService } from '../../modules/service';
import { DatabaseCluster } from '../../modules/database';
import { customerManagedKey } from '../../modules/kms';
import { CacheCluster } from '../../modules/cache';
import { SearchDomain } from '../../modules/search';
import { ShieldAdvancedProtection, WebAcl } from '../../modules/waf';
import {
  AlarmTopic,
  Dashboard,
  MetricAlarm,
  cacheAlarms,
  grantPutMetricData,
  databaseAlarms,
  ecsServiceAlarms,
  loadBalancerAlarms,
  queueAlarms,
  searchAlarms,
} from '../../modules/observability';
import type { Capabilities } from './stages';
import type { RegionalNames } from './names';
import { ECS_PORTS } from './ecs/runtime';
import { EcsTaskInputs, SECRETS_VOLUME, backendContainers, frontendContainers, gatewayContainers, searchContainers, workerContainers } from './ecs/tasks';
import type { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';

/** Where one regional copy of ClassifyHub goes and how it is named. */
export interface RegionSpec {
  readonly names: RegionalNames;
  readonly cidr: string;
  readonly availabilityZones: readonly string[];
}

/** What every region has up to stage 11 (and the environment's own region has always had). */
export interface RegionBase {
  readonly network: Network;
  readonly jwtKey?: Secret;
  readonly repositories: { readonly backend: ContainerRepository; readonly frontend?: ContainerRepository; readonly worker?: ContainerRepository };
  readonly images?: Bucket;
  readonly notifications?: Queue;
  readonly email?: EmailDomain;
}

/**
 * The parts of a region that exist from the stage that introduces them: the
 * network, the JWT key, ECR repositories, the images bucket, the queue and the
 * SES identity. The construct IDs are the ones stages 1-11 always used, so
 * the environment's own region keeps every address.
 */
export function buildRegionBase(scope: Construct, env: Environment, caps: Capabilities, region: RegionSpec): RegionBase {
  const names = region.names;
  const profile = env.profile;
  const ha = caps.highAvailability;
  const zones = region.availabilityZones.length;
  const network = new Network(scope, 'network', {
    namePrefix: names.prefix,
    cidrBlock: region.cidr,
    availabilityZones: region.availabilityZones,
    logRetentionDays: profile.logRetentionDays,
    ...(ha
      ? {
          publicSubnetCount: zones,
          privateSubnetCount: zones,
          natGateways: profile.natLayout,
          region: names.region,
          gatewayEndpoints: ['s3', 'dynamodb'] as const,
          // ECR pulls, logs and secrets stay inside the VPC instead of crossing the NAT.
          interfaceEndpoints: ['ecr.api', 'ecr.dkr', 'logs', 'secretsmanager'],
        }
      : {}),
  });
  const recoveryWindowDays = profile.secretRecoveryWindowDays;
  const jwtKey = caps.auth
    ? new Secret(scope, 'jwt_signing_key_secret', { secretName: names.secrets.jwtSigningKey, description: 'JWT signing key of the ClassifyHub backend', recoveryWindowDays })
    : undefined;
  const repositories = {
    backend: new ContainerRepository(scope, 'backend_repository', { repositoryName: names.repository('backend') }),
    frontend: caps.frontend ? new ContainerRepository(scope, 'frontend_repository', { repositoryName: names.repository('frontend') }) : undefined,
    worker: caps.asyncNotifications ? new ContainerRepository(scope, 'worker_repository', { repositoryName: names.repository('worker') }) : undefined,
  };
  const uiOrigins = [`https://${names.appDomain}`, ...(caps.cdn ? [`https://${names.cdnDomain}`] : [])];
  const images = caps.objectStorage
    ? new Bucket(scope, 'images_bucket', { bucketName: names.imagesBucket, corsAllowedOrigins: uiOrigins, preventDestroy: profile.deletionProtection })
    : undefined;
  const notifications = caps.asyncNotifications ? new Queue(scope, 'notification_queue', { queueName: names.notificationQueue }) : undefined;
  const email = caps.asyncNotifications ? new EmailDomain(scope, 'email_domain', { domainName: env.classifyhub.domain.name, hostedZoneId: env.classifyhub.domain.hostedZoneId, verificationRecord: names.key === undefined }) : undefined;
  return { network, jwtKey, repositories, images, notifications, email };
}

/** The managed, multi-AZ system of stage 12 in one region. */
export interface HighAvailability {
  readonly loadBalancer: LoadBalancer;
  /** Regional WAF web ACL associated with the ALB (issue 18). */
  readonly webAcl: WebAcl;
  readonly gatewayTarget: LbTargetGroup;
  readonly cluster: Cluster;
  readonly services: { readonly gateway: FargateService; readonly backend: FargateService; readonly frontend: FargateService; readonly worker: FargateService; readonly search: FargateService };
  /** Multi-AZ DB cluster: a writer and two readable standbys (seed: RDS primary, standby serving reads). */
  readonly database: DatabaseCluster;
  readonly cache: CacheCluster;
  readonly search: SearchDomain;
}

/**
 * Stage 12 in one region (seed 001 "High Availability"): an ALB in the public
 * subnets in front of the API gateway on ECS Fargate; backend, frontend,
 * search (the signing proxy to OpenSearch, reachable only from the gateway) and
 * notification worker as Fargate services in the private subnets, reaching
 * each other through Service Connect; RDS for PostgreSQL as a Multi-AZ DB
 * cluster (writer endpoint for writes, reader endpoint on the two readable
 * standbys for the reads stage 10 split off); ElastiCache Redis (cache and rate-limit counters);
 * OpenSearch across the zones. Same images and container contract as the
 * Docker host.
 */
export function buildHighAvailability(scope: Construct, env: Environment, caps: Capabilities, region: RegionSpec, base: RegionBase): HighAvailability {
  const names = region.names;
  const ch = env.classifyhub;
  const profile = env.profile;
  const network = base.network;
  const privateSubnets = network.privateSubnets;
  const zoneId = ch.domain.hostedZoneId!;

  const loadBalancer = new LoadBalancer(scope, 'alb', {
    namePrefix: names.prefix,
    vpc: network.vpc,
    subnets: network.publicSubnets,
    domainName: names.appDomain,
    hostedZoneId: zoneId,
    region: names.region,
    accountId: env.account.id,
    deletionProtection: profile.deletionProtection,
  });
  // Every request the ALB gets passes the regional web ACL first (mode from the tier profile).
  const webAcl = new WebAcl(scope, 'waf', {
    name: `${names.prefix}-alb`,
    scope: 'regional',
    mode: profile.waf.mode,
    logRetentionDays: profile.logRetentionDays,
    rateLimitPer5Minutes: wafRateLimitPer5Minutes(ch.rateLimit.requestsPerMinute),
  });
  webAcl.associate(loadBalancer);
  if (env.shieldAdvanced) new ShieldAdvancedProtection(scope, 'alb_shield', { name: `${names.prefix}-alb`, resourceArn: loadBalancer.loadBalancer.arn });
  const cluster = new Cluster(scope, 'ecs_cluster', { namePrefix: names.prefix, serviceConnectNamespace: names.serviceNamespace });

  // Seed 001 draws "RDS Primary" and an "RDS Standby Replica" with sync replication that serves reads: a Multi-AZ
  // DB cluster (one writer, two readable standbys in three zones, a commit waits for one standby). Its reader
  // endpoint takes the reads stage 10 split off, so no separate (asynchronous) read replica.
  const databaseKey = customerManagedKey(scope, 'database_key', {
    description: `${names.prefix}-postgres: storage, Performance Insights and master secret`,
    aliasName: `alias/${names.prefix}-postgres`,
    accountId: env.account.id,
    deletionWindowDays: profile.keyDeletionWindowDays,
  });
  const database = new DatabaseCluster(scope, 'database', {
    namePrefix: names.prefix,
    vpc: network.vpc,
    subnets: privateSubnets,
    // Major version only: RDS applies minor upgrades itself, and a pinned minor would plan a downgrade afterwards.
    engineVersion: '15',
    instanceClass: profile.instanceClasses.database,
    storageType: 'io1',
    allocatedStorageGiB: profile.databaseStorage.allocatedGiB,
    iops: profile.databaseStorage.iops,
    kmsKey: databaseKey.key,
    backupRetentionDays: profile.backupRetentionDays,
    deletionProtection: profile.deletionProtection,
    preventDestroy: profile.deletionProtection,
    logRetentionDays: profile.logRetentionDays,
  });
  const cache = new CacheCluster(scope, 'cache', {
    namePrefix: names.prefix,
    vpc: network.vpc,
    subnets: privateSubnets,
    nodeType: profile.instanceClasses.cache,
    snapshotRetentionDays: profile.backupRetentionDays,
    logRetentionDays: profile.logRetentionDays,
    authTokenSecretName: `${names.secrets.jwtSigningKey.replace(/jwt-signing-key$/, 'redis-auth-token')}`,
    authTokenSecretRecoveryWindowDays: profile.secretRecoveryWindowDays,
  });
  const search = new SearchDomain(scope, 'search', {
    namePrefix: names.prefix,
    domainName: names.searchDomain,
    vpc: network.vpc,
    subnets: privateSubnets,
    accountId: env.account.id,
    region: names.region,
    instanceType: profile.instanceClasses.search,
    logRetentionDays: profile.logRetentionDays,
  });

  const repo = base.repositories;
  const inputs: EcsTaskInputs = {
    capabilities: caps,
    region: names.region,
    vpcCidr: region.cidr,
    images: {
      backend: `${repo.backend.repositoryUrl}:${ch.images.backend}`,
      frontend: `${repo.frontend!.repositoryUrl}:${ch.images.frontend}`,
      worker: `${repo.worker!.repositoryUrl}:${ch.images.worker}`,
      gateway: ch.thirdPartyImages.gateway,
      searchSigner: ch.thirdPartyImages.searchSigner,
      awsCli: ch.thirdPartyImages.awsCli,
    },
    database: {
      host: database.address,
      readHost: database.readerAddress,
      port: database.port,
      name: database.databaseName,
      user: database.masterUsername,
      secret: database.masterSecret,
    },
    redis: { host: cache.primaryEndpointAddress, port: cache.port, authToken: cache.authToken },
    searchHost: search.domain.endpoint,
    jwtSigningKeySecretName: names.secrets.jwtSigningKey,
    imagesBucket: base.images?.bucketName,
    notificationQueueUrl: base.notifications?.queueUrl,
    senderEmail: ch.senderEmail,
    cdnDomain: caps.cdn ? names.cdnDomain : undefined,
    rateLimitPerMinute: ch.rateLimit.requestsPerMinute,
    metricsNamespace: caps.observability ? names.metricsNamespace : undefined,
  };
  const common = (serviceName: string) => ({
    cluster,
    serviceName,
    namePrefix: names.prefix,
    vpc: network.vpc,
    subnets: privateSubnets,
    logGroupName: names.serviceLogGroup(serviceName),
    logRetentionDays: profile.logRetentionDays,
    cpu: profile.tasks.cpu,
    memoryMiB: profile.tasks.memoryMiB,
    desiredCount: profile.tasks.min,
    minCapacity: profile.tasks.min,
    maxCapacity: profile.tasks.max,
  });
  const backend = new FargateService(scope, 'backend_service', {
    ...common('backend'),
    containers: backendContainers(inputs),
    volumes: [SECRETS_VOLUME],
    serviceConnect: { portName: 'http', discoveryName: 'backend', port: ECS_PORTS.backend },
  });
  const frontend = new FargateService(scope, 'frontend_service', {
    ...common('frontend'),
    containers: frontendContainers(inputs),
    serviceConnect: { portName: 'http', discoveryName: 'frontend', port: ECS_PORTS.frontend },
  });
  const worker = new FargateService(scope, 'worker_service', { ...common('worker'), containers: workerContainers(inputs) });
  const gateway = new FargateService(scope, 'api_gateway_service', { ...common('api-gateway'), containers: gatewayContainers(inputs) });
  // The search service: its own ECS service (named search-proxy: the OpenSearch domain's security group is <prefix>-search).
  const searchService = new FargateService(scope, 'search_service', {
    ...common('search-proxy'),
    containers: searchContainers(inputs),
    serviceConnect: { portName: 'http', discoveryName: 'search', port: ECS_PORTS.searchSigner },
  });

  const gatewayTarget = loadBalancer.addTarget('app', { port: ECS_PORTS.gateway, healthCheckPath: '/healthz', targetSecurityGroup: gateway.securityGroup, default: true });
  gateway.attachToTargetGroup({ targetGroup: gatewayTarget, containerName: 'api-gateway', containerPort: ECS_PORTS.gateway });
  // ECS refuses a target group that no listener uses yet.
  gateway.service.dependsOn = [...(gateway.service.dependsOn ?? []), `${loadBalancer.httpsListener.terraformResourceType}.${loadBalancer.httpsListener.friendlyUniqueId}`];

  // Network paths: ALB -> gateway (addTarget), gateway -> backend/frontend, apps -> data stores.
  gateway.allowTo(backend.securityGroup, ECS_PORTS.backend, 'api-gateway to backend');
  gateway.allowTo(frontend.securityGroup, ECS_PORTS.frontend, 'api-gateway to frontend');
  gateway.allowTo(searchService.securityGroup, ECS_PORTS.searchSigner, 'api-gateway to search service');
  database.allowFrom(backend.securityGroup, 'backend to PostgreSQL');
  cache.allowFrom(backend.securityGroup, 'backend cache');
  cache.allowFrom(gateway.securityGroup, 'api-gateway rate-limit counters');
  search.allowFrom(backend.securityGroup, 'backend search indexing');
  search.allowFrom(searchService.securityGroup, 'search service queries');

  // Least privilege per task role; image pulls per execution role.
  repo.backend.grantPull(backend.executionRole);
  repo.frontend!.grantPull(frontend.executionRole);
  repo.worker!.grantPull(worker.executionRole);
  base.jwtKey?.grantInitialize(backend.taskRole);
  base.jwtKey?.grantGenerateValue(backend.taskRole);
  base.images?.grantReadWrite(backend.taskRole);
  base.notifications?.grantSendMessages(backend.taskRole);
  search.grantReadWrite(backend.taskRole);
  search.grantSearch(searchService.taskRole, 'posts');
  // Stage 13: the backend sends application metrics (seed 001), to its own namespace only.
  if (caps.observability) grantPutMetricData(backend.taskRole, names.metricsNamespace);
  base.notifications?.grantConsumeMessages(worker.taskRole);
  base.email?.grantSend(worker.taskRole, ch.senderEmail);

  return { loadBalancer, webAcl, gatewayTarget, cluster, services: { gateway, backend, frontend, worker, search: searchService }, database, cache, search };
}

/**
 * Stage 13 in one region (seed 001 "Observability"): one on-call SNS topic,
 * alarms on every managed service, and a dashboard of them. Container logs go
 * to one log group per service from stage 12 on, with the tier's retention.
 */
export function buildObservability(scope: Construct, env: Environment, region: RegionSpec, base: RegionBase, ha: HighAvailability): MetricAlarm[] {
  const names = region.names;
  const topic = new AlarmTopic(scope, 'oncall_topic', { namePrefix: names.prefix, accountId: env.account.id, emailSubscriptions: env.classifyhub.onCallEmails });
  const alarms: MetricAlarm[] = [
    ...loadBalancerAlarms(scope, 'alb_alarms', {
      topic,
      loadBalancerArnSuffix: ha.loadBalancer.arnSuffix,
      targetGroups: [{ name: 'app', arnSuffix: ha.gatewayTarget.arnSuffix }],
    }),
    ...Object.entries(ha.services).flatMap(([key, service]) =>
      ecsServiceAlarms(scope, `${key}_service_alarms`, { topic, clusterName: ha.cluster.clusterName, serviceName: service.serviceName }),
    ),
    // Per instance of the cluster (RDS names them <cluster>-instance-1..3); the writer role moves between them on failover.
    ...databaseAlarms(scope, 'database_alarms', { topic, instanceIdentifier: ha.database.memberIdentifiers[0], replicaIdentifiers: ha.database.memberIdentifiers.slice(1) }),
    ...cacheAlarms(scope, 'cache_alarms', { topic, memberClusterIds: ha.cache.memberClusterIds }),
    ...searchAlarms(scope, 'search_alarms', { topic, domainName: ha.search.domainName, accountId: env.account.id }),
    ...(base.notifications
      ? queueAlarms(scope, 'queue_alarms', { topic, queueName: base.notifications.queue.name, deadLetterQueueName: base.notifications.deadLetterQueue.name })
      : []),
  ];
  const dashboard = new Dashboard(scope, 'dashboard', { namePrefix: names.prefix, region: names.region });
  dashboard.addAlarmWidgets(alarms, { title: `ClassifyHub ${env.name} (${names.region})`, graphs: true });
  return alarms;
}

/**
 * The WAF rate rule is the flood backstop, not the product's rate limit: it
 * blocks a client IP that sends more than twice the gateway's per-minute limit
 * (stage 11, Redis counters) sustained over WAF's 5-minute window, so the
 * gateway's limiter keeps answering 429s to ordinary bursts.
 */
export function wafRateLimitPer5Minutes(gatewayRequestsPerMinute: number): number {
  return Math.max(100, 2 * 5 * gatewayRequestsPerMinute);
}
