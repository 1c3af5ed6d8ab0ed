import { Construct } from 'constructs';
import { LocalBackend, TerraformOutput } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { ReadableStack } from '../../modules/core/stack';
import { Network } from '../../modules/network';
import { DockerHost } from '../../modules/docker-host';
import { Secret } from '../../modules/secret';
import { ContainerRepository } from '../../modules/container-registry';
import { Bucket } from '../../modules/object-store';
import { Queue } from '../../modules/queue';
import { EmailDomain } from '../../modules/email';
import { Distribution } from '../../modules/cdn';
import type { Environment } from '../../environments/lib/schema';
import { capabilitiesAt, stageBySlug } from './stages';
import { classifyHubNames } from './names';
import { HostRuntime } from './host/runtime';
import { renderUserData } from './host/user-data';

/** Version constraint of the AWS provider every stack pins (the mirror holds 5.100.0). */
export const AWS_PROVIDER_VERSION = '5.100.0';

export interface ClassifyHubStackProps {
  /** The validated environment; its `classifyhub.stage` selects the capabilities. */
  readonly environment: Environment;
}

/**
 * ClassifyHub for one environment at its stage of seed 001. Each capability
 * switched on by the stage ladder adds modules; construct IDs (Terraform
 * addresses) never depend on the stage, so promotion only adds or changes.
 */
export class ClassifyHubStack extends ReadableStack {
  constructor(scope: Construct, id: string, props: ClassifyHubStackProps) {
    super(scope, id);
    const env = props.environment;
    const ch = env.classifyhub;
    const caps = capabilitiesAt(ch.stage);
    const names = classifyHubNames(env);
    const profile = env.profile;
    const zoneId = ch.domain.hostedZoneId;

    new LocalBackend(this, { path: `../../../terraform.${id}.tfstate` });
    const defaultTags = [{ tags: { Project: 'classifyhub', Environment: env.name, ManagedBy: 'cdktf', ...env.tags } }];
    new AwsProvider(this, 'aws', { region: env.account.region, allowedAccountIds: [env.account.id], defaultTags });

    const network = new Network(this, 'network', {
      namePrefix: names.prefix,
      cidrBlock: env.network.cidr,
      availabilityZones: env.network.availabilityZones,
      logRetentionDays: profile.logRetentionDays,
    });

    const recoveryWindowDays = profile.deletionProtection ? 30 : 7;
    const dbPassword = new Secret(this, 'db_password_secret', {
      secretName: names.secrets.dbPassword,
      description: 'PostgreSQL superuser password of ClassifyHub (generated on the host at first boot)',
      recoveryWindowDays,
    });
    const jwtKey = caps.auth
      ? new Secret(this, 'jwt_signing_key_secret', { secretName: names.secrets.jwtSigningKey, description: 'JWT signing key of the ClassifyHub backend', recoveryWindowDays })
      : undefined;
    const replicationPassword = caps.readReplica
      ? new Secret(this, 'replication_password_secret', { secretName: names.secrets.replicationPassword, description: 'PostgreSQL streaming replication password', recoveryWindowDays })
      : undefined;

    const repositories = [
      new ContainerRepository(this, 'backend_repository', { repositoryName: names.repository('backend') }),
      ...(caps.frontend ? [new ContainerRepository(this, 'frontend_repository', { repositoryName: names.repository('frontend') })] : []),
      ...(caps.asyncNotifications ? [new ContainerRepository(this, 'worker_repository', { repositoryName: names.repository('worker') })] : []),
    ];

    const uiOrigins = [`https://${names.appDomain}`, ...(caps.cdn ? [`https://${names.cdnDomain}`] : [])];
    const images = caps.objectStorage
      ? new Bucket(this, 'images_bucket', { bucketName: names.imagesBucket, corsAllowedOrigins: uiOrigins, preventDestroy: profile.deletionProtection })
      : undefined;
    const notifications = caps.asyncNotifications ? new Queue(this, 'notification_queue', { queueName: names.notificationQueue }) : undefined;
    const email = caps.asyncNotifications ? new EmailDomain(this, 'email_domain', { domainName: ch.domain.name, hostedZoneId: zoneId }) : undefined;

    const runtime: HostRuntime = {
      capabilities: caps,
      region: env.account.region,
      appDomain: names.appDomain,
      cdnDomain: caps.cdn ? names.cdnDomain : undefined,
      acmeEmail: ch.senderEmail,
      images: {
        backend: `${names.registry}/${names.repository('backend')}:${ch.images.backend}`,
        frontend: `${names.registry}/${names.repository('frontend')}:${ch.images.frontend}`,
        worker: `${names.registry}/${names.repository('worker')}:${ch.images.worker}`,
        ...ch.thirdPartyImages,
      },
      registry: names.registry,
      containerLogGroup: names.containerLogGroup,
      imagesBucket: names.imagesBucket,
      notificationQueueUrl: names.notificationQueueUrl,
      senderEmail: ch.senderEmail,
      secrets: names.secrets,
      rateLimitPerMinute: ch.rateLimit.requestsPerMinute,
    };

    const host = new DockerHost(this, 'docker_host', {
      namePrefix: names.prefix,
      subnet: network.publicSubnets[0],
      amiId: ch.amiId,
      instanceType: ch.instanceType,
      dataVolumeSizeGiB: ch.dataVolumeSizeGiB,
      userData: renderUserData(runtime),
      containerLogGroupName: names.containerLogGroup,
      logRetentionDays: profile.logRetentionDays,
      backupRetentionDays: profile.backupRetentionDays,
      deletionProtection: profile.deletionProtection,
    });
    dbPassword.grantInitialize(host.role);
    jwtKey?.grantInitialize(host.role);
    replicationPassword?.grantInitialize(host.role);
    repositories.forEach((r) => r.grantPull(host.role));
    images?.grantReadWrite(host.role);
    notifications?.grantSendMessages(host.role);
    notifications?.grantConsumeMessages(host.role);
    email?.grantSend(host.role, ch.senderEmail);

    if (zoneId) {
      new Route53Record(this, 'app_record', { zoneId, name: names.appDomain, type: 'A', ttl: 300, records: [host.publicIp] });
    }

    let cdn: Distribution | undefined;
    if (caps.cdn && images && zoneId) {
      const usEast1 = new AwsProvider(this, 'aws_us_east_1', { alias: 'us_east_1', region: 'us-east-1', allowedAccountIds: [env.account.id], defaultTags });
      cdn = new Distribution(this, 'cdn', {
        namePrefix: names.prefix,
        domainName: names.cdnDomain,
        hostedZoneId: zoneId,
        usEast1Provider: usEast1,
        appOriginDomainName: names.appDomain,
        bucket: images,
        priceClass: env.tier === 'prod' ? 'PriceClass_All' : 'PriceClass_100',
      });
    }

    const stage = stageBySlug(ch.stage);
    new TerraformOutput(this, 'stage', { value: stage.slug, description: `ClassifyHub stage: ${stage.title}` });
    new TerraformOutput(this, 'app_url', { value: `https://${names.appDomain}` });
    new TerraformOutput(this, 'host_public_ip', { value: host.publicIp });
    new TerraformOutput(this, 'host_instance_id', { value: host.instance.id, description: 'aws ssm start-session --target <id>' });
    new TerraformOutput(this, 'ecr_repositories', { value: Object.fromEntries(repositories.map((r) => [r.node.id.replace(/_repository$/, ''), r.repositoryUrl])) });
    if (images) new TerraformOutput(this, 'images_bucket_name', { value: images.bucketName });
    if (notifications) new TerraformOutput(this, 'notification_queue_url', { value: notifications.queueUrl });
    if (cdn) new TerraformOutput(this, 'cdn_url', { value: `https://${names.cdnDomain}` });
  }
}
