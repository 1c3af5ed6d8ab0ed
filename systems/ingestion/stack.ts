import { Construct, IConstruct } from 'constructs';
import { Aspects, IAspect, TerraformOutput, TerraformProvider, TerraformResource } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { LbTargetGroupAttachment } from '@cdktf/provider-aws/lib/lb-target-group-attachment';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { runningSection, type Environment } from '../../environments/lib/schema';
import { ReadableStack } from '../../modules/core/stack';
import { nameTags } from '../../modules/core/tags';
import { escapeTerraformTemplate } from '../../modules/core/template';
import { Guardrails } from '../../modules/guardrails';
import { customerManagedKey } from '../../modules/kms';
import { ServiceRole } from '../../modules/iam/role';
import { Network } from '../../modules/network';
import { cidrSubnet } from '../../modules/network/cidr';
import { Bucket, BucketReplication } from '../../modules/object-store';
import { Queue } from '../../modules/queue';
import { Table } from '../../modules/table';
import { LambdaFunction, type BundleOptions } from '../../modules/function';
import { KinesisStream, streamAlarms } from '../../modules/stream';
import { DeliveryStream } from '../../modules/delivery-stream';
import { ContainerRepository } from '../../modules/container-registry';
import { Cluster, FargateService } from '../../modules/service';
import { AutoScalingGroup } from '../../modules/autoscaling';
import { LoadBalancer } from '../../modules/load-balancer';
import { WebAcl } from '../../modules/waf';
import { RestApi } from '../../modules/api-gateway';
import { PrivateDomain } from '../../modules/api-gateway/private-domain';
import { AlarmTopic, Dashboard, MetricAlarm, functionAlarms } from '../../modules/observability';
import { INTEGRATION_RESPONSES, ROUTES, loadTemplate } from '../../lambdas/ingestion/shared/api';
import { ENV } from '../../lambdas/ingestion/shared/config';
import { FUNCTION_TABLE, INGESTION_FUNCTIONS, IngestionFunctionName, functionId, ingestionNames, lambdaEntry } from './names';
import { INGESTION_SETTINGS as S } from './settings';
import { renderWorkerUserData } from './user-data';

/** Where a function's code comes from: its entry (bundled at synth) or a ready-made ZIP (tests). */
export interface FunctionCode {
  readonly entry?: string;
  readonly zipFile?: string;
  readonly bundling?: BundleOptions;
}

export interface IngestionStackProps {
  /** The validated environment; it must include "ingestion" in `systems`. */
  readonly environment: Environment;
  /**
   * Code of each function.
   * @default lambdas/ingestion/<name>/index.ts, bundled with esbuild
   */
  readonly functionCode?: Partial<Record<IngestionFunctionName, FunctionCode>>;
}

/** What one region's event pipeline holds: the stream, E1 and D5 (seed: K/D1-D4 -> E1 -> D5, or R1 -> E1). */
interface Pipeline {
  readonly key: KmsKey;
  readonly stream: KinesisStream;
  readonly table: Table;
  readonly failures: Queue;
  readonly consumer: LambdaFunction;
  readonly topic: AlarmTopic;
  readonly alarms: MetricAlarm[];
}

/**
 * Event ingestion (seed 003) for one environment, in two regions of one stack:
 *
 * primary: Internet -> ALB (ACM, WAF, HTTPS only) -> execute-api interface endpoint (fixed addresses, the ALB's IP
 * targets) -> private REST API (JSON-schema models, VTL templates) -> Kinesis stream (4 shards D1-D4) -> E1 -> D5
 * (DynamoDB, idempotent) -> { L1 (VPC) -> S1, F1 (Fargate, image from ECR) -> S1 }; ECR -> EC2 behind the ALB -> S1;
 * stream -> Firehose -> R2 (lifecycle to Glacier, expiry). region 2: replicator (enhanced fan-out, checkpoint) -> R1
 * -> E1 -> D5 (region 2); R1 -> Firehose -> S2; S1 -> S2 (S3 replication with RTC). Log groups, three dashboards,
 * alarms to an on-call topic per region.
 */
export class IngestionStack extends ReadableStack {
  readonly functions: Readonly<Record<IngestionFunctionName, LambdaFunction>>;
  readonly primary: Pipeline;
  readonly secondary: Pipeline;

  constructor(scope: Construct, id: string, props: IngestionStackProps) {
    super(scope, id, { environment: props.environment }); // declares the environment's S3 state backend
    const env = props.environment;
    const ing = runningSection(env, 'ingestion', 'IngestionStack');
    const names = ingestionNames(env);
    const profile = env.profile;
    const tier = profile.ingestion;
    const zones = ing.availabilityZones ?? env.network.availabilityZones;
    const defaultTags = [{ tags: { Project: 'ingestion', Environment: env.name, ManagedBy: 'cdktf', ...env.tags } }];
    const code = (fn: IngestionFunctionName): FunctionCode => props.functionCode?.[fn] ?? { entry: lambdaEntry(fn) };

    Guardrails.apply(this, { tier: env.tier });
    new AwsProvider(this, 'aws', { region: env.account.region, allowedAccountIds: [env.account.id], defaultTags });
    const region2Provider = new AwsProvider(this, 'aws_region2', { alias: 'region2', region: ing.region2.region, allowedAccountIds: [env.account.id], defaultTags });
    const region2 = new Construct(this, 'region2');
    Aspects.of(region2).add(new DefaultProvider(region2Provider));

    // ---- The event pipelines: stream, D5, E1, failure queue, alarms (primary and region 2).
    const pipeline = (scope: Construct, isRegion2: boolean): Pipeline => {
      const n = isRegion2 ? names.region2 : names.primary;
      const region = isRegion2 ? ing.region2.region : env.account.region;
      // aws_kms_key.key / aws_kms_alias.key_alias (Name tag: the alias without "alias/", i.e. n.prefix).
      const { key } = customerManagedKey(scope, 'key', {
        description: `Encrypts the ingestion stream${isRegion2 ? ' R1' : ''} and the records Firehose writes (${n.prefix})`,
        aliasName: n.keyAlias,
        accountId: env.account.id,
        deletionWindowDays: profile.keyDeletionWindowDays,
      });
      const stream = new KinesisStream(scope, 'stream', {
        streamName: n.stream,
        mode: tier.streamMode,
        shardCount: tier.shardCount,
        retentionHours: tier.retentionHours,
        encryptionKey: key,
        preventDestroy: profile.deletionProtection,
      });
      const table = new Table(scope, 'events_table', {
        tableName: n.eventsTable,
        partitionKey: S.table.partitionKey,
        streamViewType: isRegion2 ? undefined : S.table.streamViewType,
        pointInTimeRecovery: true,
        deletionProtection: profile.deletionProtection,
        preventDestroy: profile.deletionProtection,
      });
      const failures = new Queue(scope, 'failure_queue', { queueName: n.failureQueue, ...S.failureQueue });
      const fn = 'e1-consumer';
      const c = code(fn);
      const consumer = new LambdaFunction(scope, functionId(fn), {
        functionName: n.functionName(fn),
        description: `${FUNCTION_TABLE[fn].description}${isRegion2 ? ' - region 2, reading R1' : ''}`,
        entry: c.entry,
        zipFile: c.zipFile,
        bundling: c.bundling,
        memorySizeMiB: FUNCTION_TABLE[fn].memorySizeMiB,
        timeoutSeconds: FUNCTION_TABLE[fn].timeoutSeconds,
        environment: {
          POWERTOOLS_SERVICE_NAME: fn,
          POWERTOOLS_METRICS_NAMESPACE: names.metricsNamespace,
          [ENV.eventsTable]: table.tableName,
          [ENV.failureQueueUrl]: failures.queueUrl,
        },
        logRetentionDays: profile.logRetentionDays,
        tracing: 'PassThrough',
      });
      Guardrails.suppress(consumer, 'CH-LAMBDA-003', 'E1 is a stream consumer with no downstream HTTP calls to trace; active tracing would add xray:Put* on "*"');
      stream.addLambdaConsumer(consumer, { ...S.e1Source, onFailureQueue: failures });
      table.grantItemActions(consumer.role, ['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem']);
      failures.grantSendMessages(consumer.role);
      const topic = new AlarmTopic(scope, 'oncall_topic', { namePrefix: n.prefix, accountId: env.account.id, emailSubscriptions: ing.opsEmails, keyDeletionWindowDays: profile.keyDeletionWindowDays });
      const alarms = [
        ...streamAlarms(scope, 'stream_alarms', { topic, stream, namePrefix: `${n.prefix}-stream` }),
        ...functionAlarms(scope, functionId(fn), { topic, fn: consumer, failureQueues: [failures.queue, failures.deadLetterQueue] }),
      ];
      void region;
      return { key, stream, table, failures, consumer, topic, alarms };
    };
    const primary = pipeline(this, false);
    const secondary = pipeline(region2, true);
    this.primary = primary;
    this.secondary = secondary;

    // ---- Network of the primary region: ALB in public subnets; endpoint, L1, F1 and EC2 in private ones.
    const network = new Network(this, 'network', {
      namePrefix: names.prefix,
      cidrBlock: ing.cidr,
      availabilityZones: zones,
      logRetentionDays: profile.logRetentionDays,
      publicSubnetCount: zones.length,
      privateSubnetCount: zones.length,
      natGateways: profile.natLayout,
      gatewayEndpoints: ['s3', 'dynamodb'],
      region: env.account.region,
    });

    // ---- Storage: S1 (exports), R2 (retention, lifecycle), S2 (region 2 replica).
    const exports = new Bucket(this, 'exports_bucket', { bucketName: names.exportBucket, preventDestroy: profile.deletionProtection });
    const retention = new Bucket(this, 'retention_bucket', {
      bucketName: names.retentionBucket,
      transitions: [{ days: tier.retentionGlacierAfterDays, storageClass: 'GLACIER_IR' }],
      currentVersionExpiryDays: tier.retentionExpireAfterDays,
      preventDestroy: profile.deletionProtection,
    });
    const replica = new Bucket(region2, 'replica_bucket', {
      bucketName: names.replicaBucket,
      transitions: [{ days: tier.retentionGlacierAfterDays, storageClass: 'GLACIER_IR' }],
      currentVersionExpiryDays: tier.retentionExpireAfterDays,
      preventDestroy: profile.deletionProtection,
    });
    new DeliveryStream(this, 'retention_delivery', {
      name: names.retentionDelivery,
      source: primary.stream,
      bucket: retention,
      encryptionKey: primary.key,
      logRetentionDays: profile.logRetentionDays,
      ...S.delivery,
    });
    new DeliveryStream(region2, 'replica_delivery', {
      name: names.replicaDelivery,
      source: secondary.stream,
      bucket: replica,
      encryptionKey: secondary.key,
      logRetentionDays: profile.logRetentionDays,
      prefix: 'r1/!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}/!{timestamp:HH}/',
      ...S.delivery,
    });
    const replication = new BucketReplication(this, 'exports_replication', { source: exports, destination: replica, roleName: names.replicationRole, replicationTimeControl: true });

    // ---- Replicator: the primary stream's enhanced fan-out consumer -> R1, checkpoints in DynamoDB.
    const checkpoints = new Table(this, 'checkpoint_table', {
      tableName: names.checkpointTable,
      partitionKey: S.checkpointTable.partitionKey,
      pointInTimeRecovery: true,
      deletionProtection: profile.deletionProtection,
      preventDestroy: profile.deletionProtection,
    });
    const fanOut = primary.stream.addFanOutConsumer('replicator', names.fanOutConsumer);
    const replicatorFailures = new Queue(this, 'replicator_failure_queue', { queueName: `${names.prefix}-replicator-failures`, ...S.failureQueue });
    const replicatorCode = code('replicator');
    const replicator = new LambdaFunction(this, functionId('replicator'), {
      functionName: names.primary.functionName('replicator'),
      description: FUNCTION_TABLE.replicator.description,
      entry: replicatorCode.entry,
      zipFile: replicatorCode.zipFile,
      bundling: replicatorCode.bundling,
      memorySizeMiB: FUNCTION_TABLE.replicator.memorySizeMiB,
      timeoutSeconds: FUNCTION_TABLE.replicator.timeoutSeconds,
      environment: {
        POWERTOOLS_SERVICE_NAME: 'replicator',
        POWERTOOLS_METRICS_NAMESPACE: names.metricsNamespace,
        [ENV.targetStreamName]: secondary.stream.streamName,
        [ENV.targetRegion]: ing.region2.region,
        [ENV.checkpointTable]: checkpoints.tableName,
      },
      logRetentionDays: profile.logRetentionDays,
      tracing: 'PassThrough',
    });
    Guardrails.suppress(replicator, 'CH-LAMBDA-003', 'the replicator copies records between two streams; active tracing would add xray:Put* on "*"');
    primary.stream.addLambdaConsumer(replicator, { ...S.replicatorSource, fanOutConsumer: fanOut, onFailureQueue: replicatorFailures });
    secondary.stream.grantWrite(replicator.role);
    checkpoints.grantItemActions(replicator.role, ['dynamodb:GetItem', 'dynamodb:PutItem']);

    // ---- L1: D5's stream -> S1, in the VPC (S3 through the gateway endpoint).
    const l1SecurityGroup = new SecurityGroup(this, 'l1_security_group', {
      name: names.lambdaSecurityGroup,
      description: `L1 of ${env.name}: no ingress; HTTPS to S3 (gateway endpoint)`,
      vpcId: network.vpc.id,
      tags: nameTags(names.lambdaSecurityGroup),
    });
    new VpcSecurityGroupEgressRule(this, 'l1_security_group_https_egress', {
      securityGroupId: l1SecurityGroup.id,
      description: 'HTTPS to AWS APIs (S3 gateway endpoint, NAT gateway)',
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      cidrIpv4: '0.0.0.0/0',
    });
    const l1Code = code('l1-exporter');
    const l1 = new LambdaFunction(this, functionId('l1-exporter'), {
      functionName: names.primary.functionName('l1-exporter'),
      description: FUNCTION_TABLE['l1-exporter'].description,
      entry: l1Code.entry,
      zipFile: l1Code.zipFile,
      bundling: l1Code.bundling,
      memorySizeMiB: FUNCTION_TABLE['l1-exporter'].memorySizeMiB,
      timeoutSeconds: FUNCTION_TABLE['l1-exporter'].timeoutSeconds,
      environment: { POWERTOOLS_SERVICE_NAME: 'l1-exporter', POWERTOOLS_METRICS_NAMESPACE: names.metricsNamespace, [ENV.exportBucket]: exports.bucketName },
      vpcSubnets: network.privateSubnets,
      securityGroups: [l1SecurityGroup],
      logRetentionDays: profile.logRetentionDays,
      tracing: 'PassThrough',
    });
    Guardrails.suppress(l1, 'CH-LAMBDA-003', 'L1 writes one S3 object per batch; active tracing would add xray:Put* on "*"');
    const l1Failures = new Queue(this, 'l1_failure_queue', { queueName: `${names.prefix}-l1-failures`, ...S.failureQueue });
    l1.addDynamoDbStreamSource(primary.table, { ...S.l1Source, filterPatterns: [...S.l1Source.filterPatterns], onFailureQueue: l1Failures.queue });
    exports.grantPutObjects(l1.role, 'events/');

    // ---- ECR, F1 (Fargate, a service reading D5's stream) and the EC2 instance behind the ALB.
    const repository = new ContainerRepository(this, 'worker_repository', { repositoryName: names.repository });
    const image = `${repository.repositoryUrl}:${ing.workerImageTag}`;
    const cluster = new Cluster(this, 'cluster', { namePrefix: names.prefix, serviceConnectNamespace: `${names.prefix}.internal` });
    const summarizer = new FargateService(this, 'f1_summarizer', {
      cluster,
      serviceName: names.summarizerService,
      namePrefix: names.prefix,
      vpc: network.vpc,
      subnets: network.privateSubnets,
      logGroupName: names.summarizerLogGroup,
      logRetentionDays: profile.logRetentionDays,
      cpu: tier.summarizerTask.cpu,
      memoryMiB: tier.summarizerTask.memoryMiB,
      desiredCount: 1,
      minCapacity: 1,
      maxCapacity: 1,
      containers: [
        {
          name: 'f1-summarizer',
          image,
          command: ['summarize'],
          // lambdas/ingestion/f1-summarizer/worker.ts reads these; its checkpoints (keys f1/...) share the replicator's table.
          environment: { EVENTS_STREAM_ARN: primary.table.streamArn!, [ENV.exportBucket]: exports.bucketName, [ENV.checkpointTable]: checkpoints.tableName, AWS_REGION: env.account.region },
        },
      ],
    });
    repository.grantPull(summarizer.executionRole);
    primary.table.grantStreamRead(summarizer.taskRole);
    exports.grantPutObjects(summarizer.taskRole, 'summaries/');
    checkpoints.grantItemActions(summarizer.taskRole, ['dynamodb:GetItem', 'dynamodb:PutItem']);

    const loadBalancer = new LoadBalancer(this, 'load_balancer', {
      namePrefix: names.prefix,
      vpc: network.vpc,
      subnets: network.publicSubnets,
      domainName: ing.domain.name,
      hostedZoneId: ing.domain.hostedZoneId,
      region: env.account.region,
      accountId: env.account.id,
      deletionProtection: profile.deletionProtection,
    });

    // ALB -> private REST API: an execute-api interface endpoint with one fixed address per private subnet, which
    // are the ALB's IP targets (HTTPS 443); the API's private custom domain has the ALB's name, so the Host header
    // the ALB forwards selects the API.
    const endpointSecurityGroup = new SecurityGroup(this, 'execute_api_endpoint_security_group', {
      name: names.endpointSecurityGroup,
      description: `execute-api endpoint of ${names.prefix}: HTTPS from the load balancer only`,
      vpcId: network.vpc.id,
      tags: nameTags(names.endpointSecurityGroup),
    });
    const endpointAddresses = network.privateSubnets.map((_, i) => hostAddress(cidrSubnet(ing.cidr, 4, i + 1), S.endpointHostNumber));
    const endpoint = new VpcEndpoint(this, 'execute_api_endpoint', {
      vpcId: network.vpc.id,
      serviceName: `com.amazonaws.${env.account.region}.execute-api`,
      vpcEndpointType: 'Interface',
      privateDnsEnabled: true,
      subnetIds: network.privateSubnets.map((s) => s.id),
      subnetConfiguration: network.privateSubnets.map((s, i) => ({ subnetId: s.id, ipv4: endpointAddresses[i] })),
      securityGroupIds: [endpointSecurityGroup.id],
      tags: nameTags(`${names.prefix}-execute-api`),
    });
    const apiTarget = loadBalancer.addTarget('api', { port: 443, protocol: 'HTTPS', healthCheckPath: '/', healthCheckMatcher: '200-403', targetSecurityGroup: endpointSecurityGroup, default: true });
    endpointAddresses.forEach((ip, i) => new LbTargetGroupAttachment(this, `api_target_${i + 1}`, { targetGroupArn: apiTarget.arn, targetId: ip, port: 443 }));

    // One instance (fixed size: no scaling policy), replaced when the ALB's health check fails; its container writes
    // S1 with the instance role, so IMDSv2 allows the Docker bridge's extra hop.
    const workerGroup = new AutoScalingGroup(this, 'ec2_reports', {
      namePrefix: names.instanceGroup,
      vpc: network.vpc,
      subnets: network.privateSubnets,
      amiId: ing.amiId,
      instanceType: tier.workerInstanceType,
      minSize: 1,
      maxSize: 1,
      rootVolumeGiB: 30,
      metadataHopLimit: 2,
      userData: renderWorkerUserData({ region: env.account.region, registry: repository.repositoryUrl.split('/')[0], image, port: S.worker.port, logGroup: `/ec2/${names.instanceGroup}`, exportBucket: names.exportBucket }),
      logRetentionDays: profile.logRetentionDays,
    });
    const reportsTarget = loadBalancer.addTarget('reports', {
      port: S.worker.port,
      healthCheckPath: S.worker.healthPath,
      targetSecurityGroup: workerGroup.securityGroup,
      targetType: 'instance',
      pathPatterns: [...S.worker.pathPatterns],
      priority: 10,
      default: false,
    });
    workerGroup.addTargetGroup(reportsTarget);
    repository.grantPull(workerGroup.role);
    exports.grantPutObjects(workerGroup.role, 'reports/');
    exports.grantReadObjects(workerGroup.role, 'summaries/');

    const waf = new WebAcl(this, 'waf', { name: names.webAcl, scope: 'regional', mode: profile.waf.mode, logRetentionDays: profile.logRetentionDays });
    waf.associate(loadBalancer);
    new Route53Record(this, 'api_record', {
      zoneId: ing.domain.hostedZoneId,
      name: ing.domain.name,
      type: 'A',
      alias: { name: loadBalancer.dnsName, zoneId: loadBalancer.zoneId, evaluateTargetHealth: true },
    });

    // ---- The API: POST /record, POST /records -> Kinesis PutRecord / PutRecords, the committed templates.
    const apiRole = new ServiceRole(this, 'api_role', { roleName: names.apiRole, assumedBy: 'apigateway.amazonaws.com', description: `API Gateway ${names.apiName}: writes the ingestion stream` });
    primary.stream.grantWrite(apiRole);
    const api = new RestApi(this, 'api', {
      name: names.apiName,
      description: 'Event ingestion (seed 003): POST /record, POST /records -> Kinesis',
      endpointType: 'private',
      vpcEndpointIds: [endpoint.id],
      stageName: S.api.stageName,
      logRetentionDays: profile.logRetentionDays,
      throttle: S.api.throttle,
      tracing: true,
      preventDestroy: profile.deletionProtection,
    });
    const template = (file: string, stream?: string) => escapeTerraformTemplate(loadTemplate(file, stream));
    for (const route of ROUTES) {
      const { $schema: _draft, title: _title, ...schema } = route.model as Record<string, unknown>;
      const model = api.addModel(route.modelName, schema, `Request body of POST ${route.path}`);
      api.addMethod('POST', route.path, {
        integration: {
          type: 'aws',
          service: 'kinesis',
          action: route.action,
          role: apiRole,
          region: env.account.region,
          requestTemplates: { 'application/json': template(route.request, primary.stream.streamName) },
          responses: [
            { statusCode: 200, responseTemplates: { 'application/json': template(route.response) } },
            ...INTEGRATION_RESPONSES.map((r) => ({ statusCode: r.statusCode, selectionPattern: r.selectionPattern, responseTemplates: { 'application/json': template(r.template) } })),
          ],
        },
        requestModel: model,
        validate: 'body',
        summary: route.action === 'PutRecord' ? 'Ingest one event' : 'Ingest up to 500 events; per-record results with their index',
      });
    }
    new PrivateDomain(this, 'api_domain', { api, domainName: ing.domain.name, certificateArn: loadBalancer.certificateValidation.certificateArn, vpcEndpointId: endpoint.id });

    this.functions = { 'e1-consumer': primary.consumer, 'l1-exporter': l1, replicator };

    // ---- Monitoring: alarms beyond the pipelines', and the seed's three dashboards.
    const topic = primary.topic;
    const alarms: MetricAlarm[] = [
      ...primary.alarms,
      ...functionAlarms(this, 'replicator_alarms', { topic, fn: replicator, namePrefix: `${names.prefix}-replicator`, failureQueues: [replicatorFailures.queue] }),
      ...functionAlarms(this, 'l1_alarms', { topic, fn: l1, namePrefix: `${names.prefix}-l1`, failureQueues: [l1Failures.queue] }),
      new MetricAlarm(this, 'replication_lag', {
        alarmName: `${names.prefix}-replication-lag`,
        description: `Records reach R1 (${ing.region2.region}) more than ${S.alarms.maxReplicationLagMs / 1000} s after they reached the primary stream: the region-2 copy (and the RPO) falls behind.`,
        topic,
        metric: { namespace: names.metricsNamespace, metricName: 'ReplicationLagMs', dimensions: { service: 'replicator' }, statistic: 'Maximum' },
        threshold: S.alarms.maxReplicationLagMs,
        comparison: 'GreaterThanThreshold',
        periodSeconds: 60,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
        treatMissingData: 'missing',
      }),
      new MetricAlarm(this, 's3_replication_latency', {
        alarmName: `${names.prefix}-s1-to-s2-replication-latency`,
        description: `S1 objects take more than ${S.alarms.maxS3ReplicationLatencySeconds / 60} minutes to reach S2 (Replication Time Control's promise).`,
        topic,
        metric: { namespace: 'AWS/S3', metricName: 'ReplicationLatency', dimensions: { SourceBucket: names.exportBucket, DestinationBucket: names.replicaBucket, RuleId: 'replicate-everything' }, statistic: 'Maximum' },
        threshold: S.alarms.maxS3ReplicationLatencySeconds,
        comparison: 'GreaterThanThreshold',
        periodSeconds: 300,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
      }),
      new MetricAlarm(this, 'retention_delivery_freshness', {
        alarmName: `${names.prefix}-r2-delivery-freshness`,
        description: `Records older than ${S.alarms.maxDeliveryFreshnessSeconds} s are not yet in R2: Firehose cannot write the retention bucket.`,
        topic,
        metric: { namespace: 'AWS/Firehose', metricName: 'DeliveryToS3.DataFreshness', dimensions: { DeliveryStreamName: names.retentionDelivery }, statistic: 'Maximum' },
        threshold: S.alarms.maxDeliveryFreshnessSeconds,
        comparison: 'GreaterThanThreshold',
        periodSeconds: 300,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
      }),
    ];
    const regionMetric = (namespace: string, metricName: string, dimensions: Record<string, string>, stat = 'Sum', label?: string) => ({ namespace, metricName, dimensions, stat, ...(label ? { label } : {}) });
    // Dashboard 1 (seed: D1-D4 CloudWatch Logs -> dashboards): the four shards and their consumer E1.
    new Dashboard(this, 'shards_dashboard', {
      namePrefix: `${names.prefix}-shards`,
      region: env.account.region,
      widgets: [
        { type: 'text', markdown: `# Ingestion ${env.name}: shards D1-D4 of ${primary.stream.streamName}\nE1 logs every batch with its shard in /aws/lambda/${primary.consumer.functionName} (Logs Insights: \`filter shardId = 'shardId-000000000000'\`).` },
        { type: 'metric', title: 'Records in per shard (D1-D4)', metrics: S.shardIds.map((shard, i) => regionMetric('AWS/Kinesis', 'IncomingRecords', { StreamName: primary.stream.streamName, ShardId: shard }, 'Sum', `D${i + 1}`)) },
        { type: 'metric', title: 'Iterator age per shard (ms)', metrics: S.shardIds.map((shard, i) => regionMetric('AWS/Kinesis', 'IteratorAgeMilliseconds', { StreamName: primary.stream.streamName, ShardId: shard }, 'Maximum', `D${i + 1}`)) },
        { type: 'metric', title: 'E1: records written, duplicates skipped, poison', metrics: ['RecordsWritten', 'DuplicatesSkipped', 'PoisonRecords'].map((m) => regionMetric(names.metricsNamespace, m, { service: 'e1-consumer' })) },
        { type: 'metric', title: 'Replication lag to R1 (ms)', metrics: [regionMetric(names.metricsNamespace, 'ReplicationLagMs', { service: 'replicator' }, 'Maximum')] },
        { type: 'alarm', title: 'Stream and consumer alarms', alarms },
      ],
    });
    // Dashboard 2 (seed: F1 and L1 CloudWatch Logs -> dashboards): the D5 stream's consumers.
    new Dashboard(this, 'consumers_dashboard', {
      namePrefix: `${names.prefix}-consumers`,
      region: env.account.region,
      widgets: [
        { type: 'text', markdown: `# Ingestion ${env.name}: F1 and L1\nLogs: ${names.summarizerLogGroup} (F1), /aws/lambda/${l1.functionName} (L1).` },
        { type: 'metric', title: 'L1 invocations and errors', metrics: ['Invocations', 'Errors'].map((m) => regionMetric('AWS/Lambda', m, { FunctionName: l1.functionName })) },
        { type: 'metric', title: 'L1 iterator age (ms)', metrics: [regionMetric('AWS/Lambda', 'IteratorAge', { FunctionName: l1.functionName }, 'Maximum')] },
        { type: 'metric', title: 'F1 CPU and memory (%)', metrics: ['CPUUtilization', 'MemoryUtilization'].map((m) => regionMetric('AWS/ECS', m, { ClusterName: cluster.cluster.name, ServiceName: names.summarizerService }, 'Average')) },
      ],
    });
    // Dashboard 3 (seed: API Gateway CloudWatch Logs -> dashboards): the API.
    new Dashboard(this, 'api_dashboard', {
      namePrefix: `${names.prefix}-api`,
      region: env.account.region,
      widgets: [
        { type: 'text', markdown: `# Ingestion ${env.name}: API\nAccess logs: ${api.accessLogGroup.name}.` },
        { type: 'metric', title: 'Requests, 4xx, 5xx', metrics: ['Count', '4XXError', '5XXError'].map((m) => regionMetric('AWS/ApiGateway', m, { ApiName: names.apiName, Stage: S.api.stageName })) },
        { type: 'metric', title: 'Latency (p99, ms)', metrics: ['Latency', 'IntegrationLatency'].map((m) => regionMetric('AWS/ApiGateway', m, { ApiName: names.apiName, Stage: S.api.stageName }, 'p99')) },
        { type: 'metric', title: 'Kinesis writes throttled', metrics: [regionMetric('AWS/Kinesis', 'WriteProvisionedThroughputExceeded', { StreamName: primary.stream.streamName })] },
      ],
    });
    void replication;

    new TerraformOutput(this, 'api_url', { value: `https://${ing.domain.name}/`, description: 'POST /record, POST /records (through the ALB)' });
    new TerraformOutput(this, 'stream_name', { value: primary.stream.streamName });
    new TerraformOutput(this, 'events_table_name', { value: primary.table.tableName });
    new TerraformOutput(this, 'region2_stream_name', { value: secondary.stream.streamName });
    new TerraformOutput(this, 'region2_events_table_name', { value: secondary.table.tableName });
    new TerraformOutput(this, 'worker_repository_url', { value: repository.repositoryUrl });
    new TerraformOutput(this, 'function_names', { value: Object.fromEntries(INGESTION_FUNCTIONS.map((fn) => [fn, this.functions[fn].functionName])) });
  }
}

/** a.b.c.d/n + host number -> an address inside the range. */
export function hostAddress(cidr: string, host: number): string {
  const [ip] = cidr.split('/');
  const n = ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0) + host;
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

/** Gives every resource under a scope that has no provider of its own the scope's provider (region 2). */
class DefaultProvider implements IAspect {
  constructor(private readonly provider: TerraformProvider) {}

  visit(node: IConstruct): void {
    if (node instanceof TerraformResource && node.provider === undefined) node.provider = this.provider;
  }
}
