import { Construct, IConstruct } from 'constructs';
import { Aspects, IAspect, TerraformOutput, TerraformProvider, TerraformResource } from 'cdktf';
import { EcrReplicationConfiguration } from '@cdktf/provider-aws/lib/ecr-replication-configuration';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { ReadableStack } from '../../modules/core/stack';
import { DockerHost } from '../../modules/docker-host';
import { Secret } from '../../modules/secret';
import { ContainerRepository } from '../../modules/container-registry';
import { GeoRegion, GeoRouting } from '../../modules/geo-dns';
import { Distribution } from '../../modules/cdn';
import { BucketReplication } from '../../modules/object-store';
import type { Environment } from '../../environments/lib/schema';
import { Capabilities, LAST_DOCKER_HOST_STAGE, capabilitiesAt, stageBySlug } from './stages';
import { classifyHubNames, regionalNames } from './names';
import { HostRuntime } from './host/runtime';
import { RegionSpec, buildHighAvailability, buildObservability, buildRegionBase, wafRateLimitPer5Minutes } from './regional';
import { renderUserData } from './host/user-data';
import { DIRECT_PORTS, directEntryPoints } from './host/runtime';
import { Guardrails } from '../../modules/guardrails';
import { ShieldAdvancedProtection, WebAcl } from '../../modules/waf';

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
    super(scope, id, { environment: props.environment }); // declares the environment's S3 state backend
    const env = props.environment;
    const ch = env.classifyhub;
    const caps = capabilitiesAt(ch.stage);
    const names = classifyHubNames(env);
    const profile = env.profile;
    const zoneId = ch.domain.hostedZoneId;
    const defaultTags = [{ tags: { Project: 'classifyhub', Environment: env.name, ManagedBy: 'cdktf', ...env.tags } }];

    // Policy as code: every rule of modules/guardrails runs at synth; errors stop it.
    Guardrails.apply(this, { tier: env.tier });

    new AwsProvider(this, 'aws', { region: env.account.region, allowedAccountIds: [env.account.id], defaultTags });

    const primary: RegionSpec = {
      names: regionalNames(env, env.account.region),
      cidr: env.network.cidr,
      availabilityZones: env.network.availabilityZones,
    };
    const base = buildRegionBase(this, env, caps, primary);
    const { network, jwtKey, images, notifications, email } = base;
    const repositories = [base.repositories.backend, base.repositories.frontend, base.repositories.worker].filter((r): r is ContainerRepository => r !== undefined);

    // The flag only counts once the managed services exist (the schema refuses it earlier; atStage does not re-validate).
    const keepHost = !(caps.highAvailability && ch.decommissionDockerHost);
    // Secrets only the Docker host uses (its own PostgreSQL): they live exactly as long as the host, so
    // decommissioning leaves none behind (Secrets Manager keeps them recoverable for the recovery window).
    const recoveryWindowDays = profile.secretRecoveryWindowDays;
    const dbPassword = keepHost
      ? new Secret(this, 'db_password_secret', {
          secretName: names.secrets.dbPassword,
          description: 'PostgreSQL superuser password of ClassifyHub (generated on the host at first boot)',
          recoveryWindowDays,
        })
      : undefined;
    const replicationPassword = keepHost && caps.readReplica
      ? new Secret(this, 'replication_password_secret', { secretName: names.secrets.replicationPassword, description: 'PostgreSQL streaming replication password', recoveryWindowDays })
      : undefined;

    // From stage 12 the host keeps its stage-11 configuration (it only waits for the data migration).
    const hostCaps = caps.highAvailability ? capabilitiesAt(LAST_DOCKER_HOST_STAGE) : caps;
    const host = !keepHost
      ? undefined
      : new DockerHost(this, 'docker_host', {
          namePrefix: names.prefix,
          subnet: network.publicSubnets[0],
          amiId: ch.amiId,
          instanceType: ch.instanceType,
          dataVolumeSizeGiB: ch.dataVolumeSizeGiB,
          userData: renderUserData(hostRuntime(env, hostCaps)),
          // Compressed: the stage-11 configuration is ~16 KB as text, EC2's limit; gzip keeps it near 5 KB.
          userDataEncoding: 'gzip',
          containerLogGroupName: names.containerLogGroup,
          logRetentionDays: profile.logRetentionDays,
          backupRetentionDays: profile.backupRetentionDays,
          deletionProtection: profile.deletionProtection,
          // Stages 3-6: the API and search have public ports of their own (seed 001); from 7 only the gateway's 443.
          ingressPorts: [443, 80, ...Object.values(directEntryPoints(hostCaps))],
          ingressDescriptions: hostIngressDescriptions(hostCaps),
        });
    if (host) {
      if (caps.highAvailability) {
        // Stage 12 on, host kept for the data migration: no record points at it any more (the app record
        // aliases the ALB), so say that rather than what was true until stage 11.
        const kept = 'the Docker host is kept unchanged (stage-11 configuration, same instance and Elastic IP) only until the data migration to RDS is verified and decommissionDockerHost is set';
        Guardrails.suppress(host, 'CH-SG-002', `${kept}: no DNS record routes users to it any more (the app record aliases the ALB); its 80/443 rules stay so the instance is not modified mid-migration, and its Let's Encrypt certificate is no longer renewed (see docs/classifyhub.md, "The kept host's certificate")`);
        Guardrails.suppress(host, 'CH-EC2-002', `${kept}: the Elastic IP is kept so the instance keeps its address for a rollback of the DNS cutover; no record points at it while the ALB serves`);
      } else {
        // Deliberate until stage 12: seed 001 runs the whole system on one public host (no load balancer).
        const why = 'stages 1-11 of seed 001 run the whole system on one Docker host with no load balancer in front';
        Guardrails.suppress(host, 'CH-SG-002', `${why}: its gateway terminates TLS on 443 and serves HTTP on 80 only for redirects and ACME challenges`);
        Guardrails.suppress(host, 'CH-EC2-002', `${why}: the Elastic IP is the address the app record and Let's Encrypt reach`);
        // Stages 3-6: seed 001 draws the browser calling the backend's API and the search service directly.
        for (const [service, port] of Object.entries(directEntryPoints(hostCaps))) {
          Guardrails.suppress(host.node.findChild(`ingress_${port}`), 'CH-SG-001', `stages 3-6 of seed 001: the browser calls the ${service === 'api' ? "backend's API" : 'search service'} directly; TLS-terminated on ${port} by the host's edge proxy, forwarded to that one service (queries of the posts index only for search); closed at stage 7, when the API gateway becomes the single entry point`);
        }
      }
      if (env.shieldAdvanced) {
        // Stages 1-11: the host's Elastic IP is the entry point (no ALB, so no web ACL can sit in front of it).
        new ShieldAdvancedProtection(this, 'docker_host_shield', {
          name: `${names.prefix}-docker-host`,
          resourceArn: `arn:aws:ec2:${env.account.region}:${env.account.id}:eip-allocation/${host.elasticIp.allocationId}`,
        });
      }
      dbPassword?.grantInitialize(host.role);
      jwtKey?.grantInitialize(host.role);
      replicationPassword?.grantInitialize(host.role);
      repositories.forEach((r) => r.grantPull(host.role));
      images?.grantReadWrite(host.role);
      notifications?.grantSendMessages(host.role);
      notifications?.grantConsumeMessages(host.role);
      email?.grantSend(host.role, ch.senderEmail);
    }

    const ha = caps.highAvailability ? buildHighAvailability(this, env, caps, primary, base) : undefined;
    if (ha && host) {
      // The 11 -> 12 data migration streams pg_dump from the host into RDS (README runbook).
      ha.database.allowFrom(host.securityGroup, 'data migration from the Docker host');
    }
    if (ha && caps.observability) buildObservability(this, env, primary, base, ha);

    const geoRegions: GeoRegion[] = [];
    if (ha) geoRegions.push({ key: primary.names.region.replace(/-/g, '_'), location: ch.multiRegion.primaryLocation, albDnsName: ha.loadBalancer.dnsName, albZoneId: ha.loadBalancer.zoneId, isDefault: true });

    if (caps.multiRegion && ha) {
      const replicationTargets: string[] = [];
      for (const r of ch.multiRegion.regions) {
        const spec: RegionSpec = { names: regionalNames(env, r.region), cidr: r.cidr, availabilityZones: r.availabilityZones };
        const key = spec.names.key!;
        const provider = new AwsProvider(this, `aws_${key}`, { alias: key, region: r.region, allowedAccountIds: [env.account.id], defaultTags });
        // One scope per region; every resource in it uses the region's provider.
        const scope = new Construct(this, key);
        Aspects.of(scope).add(new DefaultProvider(provider));
        const regionBase = buildRegionBase(scope, env, caps, spec);
        // Issue 15 (2): the CDN has one images origin, the environment region's bucket; every other region's
        // uploads are replicated into it, so each region's images are servable through the CDN.
        if (regionBase.images && images) {
          const replication = new BucketReplication(scope, 'images_replication', {
            source: regionBase.images,
            destination: images,
            roleName: `${spec.names.prefix}-images-replication`,
            replicationTimeControl: false,
            replicateDeleteMarkers: true,
          });
          // S3 refuses a replication configuration until both buckets are versioned (a fresh stage-14 apply creates all at once).
          const versioning = [regionBase.images, images].map((b) => b.node.findChild('versioning') as TerraformResource);
          replication.configuration.dependsOn = [...(replication.configuration.dependsOn ?? []), ...versioning.map((v) => `${v.terraformResourceType}.${v.friendlyUniqueId}`)];
        }
        const regionHa = buildHighAvailability(scope, env, caps, spec, regionBase);
        if (caps.observability) buildObservability(scope, env, spec, regionBase, regionHa);
        geoRegions.push({ key, location: r.location, albDnsName: regionHa.loadBalancer.dnsName, albZoneId: regionHa.loadBalancer.zoneId });
        replicationTargets.push(r.region);
      }
      // Images are pushed once, to the environment's region; ECR copies them to the others.
      new EcrReplicationConfiguration(this, 'ecr_replication', {
        replicationConfiguration: {
          rule: [
            {
              destination: replicationTargets.map((region) => ({ region, registryId: env.account.id })),
              repositoryFilter: [{ filter: `${names.prefix}/`, filterType: 'PREFIX_MATCH' }],
            },
          ],
        },
      });
    }

    if (zoneId && ha) {
      // Geolocation routing from stage 12 on (one region until 14), each region tied to its ALB's
      // health check. The default record keeps the address of the host's A record: `app_record`.
      new GeoRouting(this, 'app', {
        namePrefix: names.prefix,
        hostedZoneId: zoneId,
        recordName: names.appDomain,
        regions: geoRegions,
        defaultRecordId: 'record',
      });
    } else if (zoneId && host) {
      new Route53Record(this, 'app_record', { zoneId, name: names.appDomain, type: 'A', ttl: 300, records: [host.publicIp] });
    }

    let cdn: Distribution | undefined;
    if (caps.cdn && images && zoneId) {
      const usEast1 = new AwsProvider(this, 'aws_us_east_1', { alias: 'us_east_1', region: 'us-east-1', allowedAccountIds: [env.account.id], defaultTags });
      // CloudFront-scoped web ACLs live in us-east-1, whatever the stack's region.
      const cdnWaf = new WebAcl(this, 'cdn_waf', {
        name: `${names.prefix}-cdn`,
        scope: 'cloudfront',
        provider: usEast1,
        mode: profile.waf.mode,
        logRetentionDays: profile.logRetentionDays,
        rateLimitPer5Minutes: wafRateLimitPer5Minutes(ch.rateLimit.requestsPerMinute),
      });
      cdn = new Distribution(this, 'cdn', {
        namePrefix: names.prefix,
        domainName: names.cdnDomain,
        hostedZoneId: zoneId,
        usEast1Provider: usEast1,
        // The app origin is the app's DNS name: the host until stage 11, then the nearest region's ALB
        // (its certificate is for this name, so CloudFront's origin TLS check passes).
        appOriginDomainName: names.appDomain,
        bucket: images,
        priceClass: profile.cdnPriceClass,
        webAclArn: cdnWaf.webAclArn,
      });
      if (env.shieldAdvanced) new ShieldAdvancedProtection(this, 'cdn_shield', { name: `${names.prefix}-cdn`, resourceArn: cdn.distribution.arn, provider: usEast1 });
    }

    const stage = stageBySlug(ch.stage);
    new TerraformOutput(this, 'stage', { value: stage.slug, description: `ClassifyHub stage: ${stage.title}` });
    new TerraformOutput(this, 'app_url', { value: `https://${names.appDomain}` });
    const direct = directEntryPoints(caps);
    if (host && direct.api) new TerraformOutput(this, 'api_url', { value: `https://${names.appDomain}:${direct.api}/api`, description: 'the backend API on its own port (stages 3-6)' });
    if (host && direct.search) new TerraformOutput(this, 'search_url', { value: `https://${names.appDomain}:${direct.search}/search`, description: 'the search service on its own port (stages 5-6)' });
    if (caps.apiGateway) {
      new TerraformOutput(this, 'api_gateway_routes', {
        value: { '/': 'frontend', '/api/': 'backend', '/search': 'search' },
        description: `the API gateway on ${names.appDomain}:443 is the single entry point (stage 7 on)`,
      });
    }
    if (host) {
      new TerraformOutput(this, 'host_public_ip', { value: host.publicIp });
      new TerraformOutput(this, 'host_instance_id', { value: host.instance.id, description: 'aws ssm start-session --target <id>' });
    }
    if (ha) {
      new TerraformOutput(this, 'alb_dns_name', { value: ha.loadBalancer.dnsName });
      new TerraformOutput(this, 'ecs_cluster_name', { value: ha.cluster.clusterName });
      new TerraformOutput(this, 'database_endpoint', { value: `${ha.database.address}:${ha.database.port}`, description: 'writer endpoint (writes)' });
      new TerraformOutput(this, 'database_reader_endpoint', { value: `${ha.database.readerAddress}:${ha.database.port}`, description: 'reader endpoint: the two readable standbys (reads)' });
      new TerraformOutput(this, 'database_master_secret_arn', { value: ha.database.masterSecret.secretArn, description: 'RDS-managed master credentials (JSON)' });
    }
    new TerraformOutput(this, 'ecr_repositories', { value: Object.fromEntries(repositories.map((r) => [r.node.id.replace(/_repository$/, ''), r.repositoryUrl])) });
    if (images) new TerraformOutput(this, 'images_bucket_name', { value: images.bucketName });
    if (notifications) new TerraformOutput(this, 'notification_queue_url', { value: notifications.queueUrl });
    if (cdn) new TerraformOutput(this, 'cdn_url', { value: `https://${names.cdnDomain}` });
  }
}

/** What answers on each public port of the Docker host at a stage: the seed's direct services until 7, the gateway after. */
function hostIngressDescriptions(caps: Capabilities): Record<number, string> {
  const direct = directEntryPoints(caps);
  const descriptions: Record<number, string> = {
    443: caps.apiGateway ? 'HTTPS to the API gateway, the single entry point' : caps.frontend ? 'HTTPS to the frontend' : 'HTTPS to the backend',
    80: 'HTTP: redirects to HTTPS and ACME challenges',
  };
  if (direct.api) descriptions[DIRECT_PORTS.api] = "HTTPS to the backend's API";
  if (direct.search) descriptions[DIRECT_PORTS.search] = 'HTTPS to the search service';
  return descriptions;
}

/** Gives every resource under a scope that has no provider of its own the scope's provider (one per region). */
class DefaultProvider implements IAspect {
  constructor(private readonly provider: TerraformProvider) {}

  visit(node: IConstruct): void {
    if (node instanceof TerraformResource && node.provider === undefined) node.provider = this.provider;
  }
}

/** The Docker host's configuration inputs: plain values derived from the environment. */
function hostRuntime(env: Environment, capabilities: Capabilities): HostRuntime {
  const ch = env.classifyhub;
  const names = classifyHubNames(env);
  return {
    capabilities,
    region: env.account.region,
    appDomain: names.appDomain,
    cdnDomain: capabilities.cdn ? names.cdnDomain : undefined,
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
}
