import { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { ReadableStack } from '../../modules/core/stack';
import { nameTags } from '../../modules/core/tags';
import { Guardrails } from '../../modules/guardrails';
import { Network } from '../../modules/network';
import { Bucket } from '../../modules/object-store';
import { LoadBalancer } from '../../modules/load-balancer';
import { AutoScalingGroup } from '../../modules/autoscaling';
import { ContainerRepository } from '../../modules/container-registry';
import { Database } from '../../modules/database';
import { Queue, grantOnSqsQueue } from '../../modules/queue';
import { Table } from '../../modules/table';
import { Secret } from '../../modules/secret';
import { Topic } from '../../modules/topic';
import { DirectPublishing } from '../../modules/topic/direct-publish';
import { EmailDomain } from '../../modules/email';
import { BundleOptions, LambdaFunction } from '../../modules/function';
import { WebAcl, ShieldAdvancedProtection } from '../../modules/waf';
import { AlarmTopic, Dashboard, MetricAlarm, databaseAlarms, functionAlarms, loadBalancerAlarms, queueAlarms } from '../../modules/observability';
import { runningSection, type Environment } from '../../environments/lib/schema';
import { ENV as LAMBDA_ENV } from '../../lambdas/recall/shared/config';
import { PRIORITIES, type Priority } from '../../lambdas/recall/shared/notification';
import { APPS, AppName, RECALL_FUNCTIONS, RecallFunctionName, SIDES, Side, functionId, lambdaEntry, recallNames } from './names';
import { RECALL_SETTINGS as S } from './settings';
import { instanceUserData } from './user-data';

/** Where a function's code comes from: its entry (bundled at synth) or a ready-made ZIP. */
export interface FunctionCode {
  readonly entry?: string;
  readonly zipFile?: string;
  readonly bundling?: BundleOptions;
}

export interface RecallStackProps {
  /** The validated environment; it must include "recall" in `systems`. */
  readonly environment: Environment;
  /**
   * Code of each function.
   * @default lambdas/recall/<name>/index.ts, bundled with esbuild
   */
  readonly functionCode?: Partial<Record<RecallFunctionName, FunctionCode>>;
}

/** One side of seed 000 (sections 2-4): public ALB, web ASG, internal ALB, backend ASG. */
export interface RecallSide {
  readonly publicAlb: LoadBalancer;
  readonly web: AutoScalingGroup;
  readonly internalAlb: LoadBalancer;
  readonly backend: AutoScalingGroup;
}

/**
 * Recall notifications (seed 000) for one environment. Route 53 sends recall.<domain> to the
 * Recall ALB and store.<domain> to the Store ALB (HTTPS, WAF, optional Shield Advanced); each
 * side's web servers (Auto Scaling group in that side's own private subnets, one per zone) call
 * that side's backend servers through an internal HTTPS ALB (<side>-backend.<domain>); backends
 * use RDS PostgreSQL, put notifications on the high/medium/low SQS queues and recall events on
 * the recall-events SNS topic. The Notification Poller Lambda sends the notifications (SES,
 * SNS SMS/push) by priority; the Teams and webhook adapters forward recall events. Logs (ALB
 * access logs, VPC flow logs), the audit trail and backups go to one S3 bucket; alarms to an
 * on-call topic, and a dashboard.
 */
export class RecallStack extends ReadableStack {
  readonly sides: Readonly<Record<Side, RecallSide>>;
  /**
   * The WAF web ACL of both public ALBs (section 10). One ACL, not one per side: both sides serve the same
   * application with the same rules, so a second ACL would only double WAF's monthly charges (per ACL and per
   * rule) and the places to tune a rule. WAF's logs name the ALB of every request (`httpSourceId`).
   */
  readonly webAcl: WebAcl;
  readonly queues: Readonly<Record<Priority, Queue>>;
  readonly functions: Readonly<Record<RecallFunctionName, LambdaFunction>>;

  constructor(scope: Construct, id: string, props: RecallStackProps) {
    super(scope, id, { environment: props.environment }); // declares the environment's S3 state backend
    const env = props.environment;
    const recall = runningSection(env, 'recall', 'RecallStack');
    const names = recallNames(env, recall.domain.name);
    const profile = env.profile;
    const tier = profile.recall;
    const zones = recall.availabilityZones ?? env.network.availabilityZones;
    const region = env.account.region;
    const accountId = env.account.id;

    Guardrails.apply(this, { tier: env.tier });
    new AwsProvider(this, 'aws', {
      region,
      allowedAccountIds: [accountId],
      defaultTags: [{ tags: { Project: 'recall-notifications', Environment: env.name, ManagedBy: 'cdktf', ...env.tags } }],
    });

    // --- Section 9: logs, audit trail and backups (versioned, encrypted, TLS-only, lifecycle).
    const logs = new Bucket(this, 'logs_bucket', {
      bucketName: names.logsBucket,
      prefixExpirations: [
        ...SIDES.map((side) => ({ prefix: `${S.bucket.albPrefix(side)}/`, days: S.bucket.logExpiryDays })),
        { prefix: 'vpc-flow-logs/', days: S.bucket.logExpiryDays },
      ],
      preventDestroy: profile.deletionProtection,
    });

    // --- Network: public subnets (ALBs, NAT), the seed's "Recall Private Subnet 1" and "Store
    // Private Subnet 2" as two subnet groups over every zone, data subnets (RDS, Lambdas).
    const network = new Network(this, 'network', {
      namePrefix: names.prefix,
      cidrBlock: recall.cidr,
      availabilityZones: zones,
      logRetentionDays: profile.logRetentionDays,
      publicSubnetCount: zones.length,
      privateSubnetCount: zones.length,
      natGateways: profile.natLayout,
      gatewayEndpoints: ['s3', 'dynamodb'],
      region,
      flowLogBucket: logs,
    });
    const sideSubnets: Record<Side, ReturnType<Network['addPrivateSubnetGroup']>> = {
      recall: network.addPrivateSubnetGroup('recall', 0),
      store: network.addPrivateSubnetGroup('store', 1),
    };

    // --- Images (ECR) and the database.
    const repositories = Object.fromEntries(APPS.map((app) => [app, new ContainerRepository(this, `${app.replace(/-/g, '_')}_repository`, { repositoryName: names.repository(app) })])) as Record<AppName, ContainerRepository>;
    const database = new Database(this, 'database', {
      namePrefix: names.prefix,
      identifier: names.databaseIdentifier,
      vpc: network.vpc,
      subnets: network.privateSubnets,
      instanceClass: tier.database.instanceClass,
      multiAz: tier.database.multiAz,
      databaseName: S.database.databaseName,
      masterUsername: S.database.masterUsername,
      iamAuthentication: false,
      backupRetentionDays: profile.backupRetentionDays,
      deletionProtection: profile.deletionProtection,
      preventDestroy: profile.deletionProtection,
      logRetentionDays: profile.logRetentionDays,
    });

    // --- Section 6: the priority queues (each with its DLQ), the recall-events topic.
    const visibilityTimeoutSeconds = S.functions['notification-poller'].timeoutSeconds * S.queues.visibilityTimeoutFactor;
    const queues = Object.fromEntries(
      PRIORITIES.map((p) => [p, new Queue(this, `${p}_queue`, { queueName: names.queue(p), visibilityTimeoutSeconds, retentionSeconds: S.queues.retentionSeconds, maxReceiveCount: S.queues.maxReceiveCount })]),
    ) as Record<Priority, Queue>;
    this.queues = queues;
    const lambdaFailures = new Queue(this, 'lambda_failures', { queueName: names.lambdaFailuresQueue, visibilityTimeoutSeconds: 60, retentionSeconds: 1_209_600 });
    const idempotency = new Table(this, 'idempotency', {
      tableName: names.idempotencyTable,
      partitionKey: S.idempotency.partitionKey,
      timeToLiveAttribute: S.idempotency.timeToLiveAttribute,
      deletionProtection: profile.deletionProtection,
      preventDestroy: profile.deletionProtection,
    });
    const teamsSecret = new Secret(this, 'teams_secret', { secretName: names.teamsSecret, description: 'Microsoft Teams Workflows webhook URL of the recall channel: {"url": "https://..."}', recoveryWindowDays: profile.secretRecoveryWindowDays });
    const webhookSecret = new Secret(this, 'webhook_secret', { secretName: names.webhookSecret, description: 'Outbound recall webhook: {"url": "https://...", "signingSecret": "whsec_..."}', recoveryWindowDays: profile.secretRecoveryWindowDays });
    const emailDomain = new EmailDomain(this, 'email_domain', { domainName: names.emailDomain, hostedZoneId: recall.domain.hostedZoneId });
    const directPublishing = new DirectPublishing(this, 'push', { region, accountId });
    // SMS: one topic; the backend subscribes each registered phone number with a filter on phone_number.
    const smsTopic = new Topic(this, 'sms_topic', { topicName: names.smsTopic });

    // --- Sections 7-8: the Lambdas (in the data subnets; egress HTTPS only, through NAT or the endpoints).
    const lambdaSecurityGroup = new SecurityGroup(this, 'lambda_security_group', {
      name: names.lambdaSecurityGroup,
      description: `Recall Lambdas of ${env.name}: no ingress; HTTPS to AWS APIs and the adapters' endpoints`,
      vpcId: network.vpc.id,
      tags: nameTags(names.lambdaSecurityGroup),
    });
    new VpcSecurityGroupEgressRule(this, 'lambda_security_group_https_egress', {
      securityGroupId: lambdaSecurityGroup.id,
      description: 'HTTPS to AWS APIs, Teams and webhook receivers (NAT gateway, VPC endpoints)',
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      cidrIpv4: '0.0.0.0/0',
    });
    const queueEnv = {
      [LAMBDA_ENV.highQueueUrl]: queues.high.queueUrl,
      [LAMBDA_ENV.mediumQueueUrl]: queues.medium.queueUrl,
      [LAMBDA_ENV.lowQueueUrl]: queues.low.queueUrl,
      [LAMBDA_ENV.highDlqUrl]: queues.high.deadLetterQueue.url,
      [LAMBDA_ENV.mediumDlqUrl]: queues.medium.deadLetterQueue.url,
      [LAMBDA_ENV.lowDlqUrl]: queues.low.deadLetterQueue.url,
    };
    const specific: Record<RecallFunctionName, Record<string, string>> = {
      'notification-poller': {
        ...queueEnv,
        [LAMBDA_ENV.idempotencyTable]: idempotency.tableName,
        [LAMBDA_ENV.senderEmail]: recall.senderEmail,
        [LAMBDA_ENV.smsTopicArn]: smsTopic.topicArn,
        [LAMBDA_ENV.priorityWeights]: S.priorityWeights,
        IDEMPOTENCY_LEASE_SECONDS: String(2 * S.functions['notification-poller'].timeoutSeconds),
      },
      'teams-adapter': { [LAMBDA_ENV.teamsSecretArn]: teamsSecret.secretArn, [LAMBDA_ENV.adapterDlqUrl]: lambdaFailures.queueUrl },
      'webhook-adapter': { [LAMBDA_ENV.webhookSecretArn]: webhookSecret.secretArn, [LAMBDA_ENV.adapterDlqUrl]: lambdaFailures.queueUrl },
    };
    const fns = {} as Record<RecallFunctionName, LambdaFunction>;
    for (const fn of RECALL_FUNCTIONS) {
      const code = props.functionCode?.[fn] ?? { entry: lambdaEntry(fn) };
      const settings: { memorySizeMiB: number; timeoutSeconds: number; description: string; reservedConcurrency?: number } = S.functions[fn];
      fns[fn] = new LambdaFunction(this, functionId(fn), {
        functionName: names.functionName(fn),
        description: settings.description,
        entry: code.entry,
        zipFile: code.zipFile,
        bundling: code.bundling,
        runtime: 'nodejs22.x',
        memorySizeMiB: settings.memorySizeMiB,
        timeoutSeconds: settings.timeoutSeconds,
        reservedConcurrency: fn === 'notification-poller' ? tier.pollerConcurrency : settings.reservedConcurrency,
        environment: { POWERTOOLS_SERVICE_NAME: fn, POWERTOOLS_METRICS_NAMESPACE: S.metricsNamespace, ...specific[fn] },
        vpcSubnets: network.privateSubnets,
        securityGroups: [lambdaSecurityGroup],
        logRetentionDays: profile.logRetentionDays,
        // Scheduled / kicked (poller) and SNS (adapters) invocations are asynchronous: failures after the retries land here.
        asyncOnFailureQueue: lambdaFailures.queue,
      });
    }
    this.functions = fns;
    const poller = fns['notification-poller'];
    const teams = fns['teams-adapter'];
    const webhook = fns['webhook-adapter'];

    // Poller grants: consume the three queues, dead-letter into their DLQs, idempotency records, SES, SNS SMS/push.
    for (const p of PRIORITIES) {
      queues[p].grantConsumeMessages(poller.role);
      grantOnSqsQueue(poller.role, queues[p], queues[p].deadLetterQueue, 'DeadLetter', 'sqs:SendMessage');
    }
    idempotency.grantItemActions(poller.role, ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']);
    emailDomain.grantSend(poller.role, recall.senderEmail);
    smsTopic.grantPublish(poller.role);
    directPublishing.grantPublishPush(poller.role);
    // Adapters: their secret, and the failure queue for events refused for good.
    teamsSecret.grantReadValue(teams.role);
    webhookSecret.grantReadValue(webhook.role);
    for (const fn of [teams, webhook]) lambdaFailures.grantSendMessages(fn.role);

    // The recall-events topic feeds both adapters.
    const events = new Topic(this, 'recall_events', {
      topicName: names.eventsTopic,
      accountId,
      lambdaSubscriptions: [{ function: teams }, { function: webhook }],
    });

    // The poller's 1-minute sweep (backend servers also invoke it right after enqueuing).
    const schedule = new CloudwatchEventRule(this, 'poller_schedule', {
      name: names.pollerSchedule,
      description: 'Sweeps the recall notification queues every minute',
      scheduleExpression: S.pollerSchedule,
    });
    const schedulePermission = poller.grantInvokeToService(this, 'poller_schedule_permission', { statementId: 'AllowEventBridgeInvoke', principal: 'events.amazonaws.com', sourceArn: schedule.arn, sourceAccount: accountId });
    new CloudwatchEventTarget(this, 'poller_schedule_target', { rule: schedule.name, arn: poller.functionArn, dependsOn: [schedulePermission] });

    // --- Sections 1-4: each side. Web -> backend: HTTPS through the side's internal ALB
    // (<side>-backend.<domain>, admitted only from the side's web servers).
    const sides = {} as Record<Side, RecallSide>;
    // Section 10: one WAF web ACL on both public ALBs (below); Shield Advanced only when the environment opts in.
    const webAcl = new WebAcl(this, 'waf', {
      name: names.webAcl,
      scope: 'regional',
      mode: profile.waf.mode,
      logRetentionDays: profile.logRetentionDays,
    });
    for (const side of SIDES) {
      const publicAlb = new LoadBalancer(this, `${side}_alb`, {
        namePrefix: names.publicAlb(side),
        vpc: network.vpc,
        subnets: network.publicSubnets,
        domainName: names.publicHost(side),
        hostedZoneId: recall.domain.hostedZoneId,
        region,
        accountId,
        deletionProtection: profile.deletionProtection,
        accessLogsBucket: logs,
        accessLogPrefix: S.bucket.albPrefix(side),
      });
      const internalAlb = new LoadBalancer(this, `${side}_internal_alb`, {
        namePrefix: names.internalAlb(side),
        scheme: 'internal',
        vpc: network.vpc,
        subnets: sideSubnets[side],
        domainName: names.backendHost(side),
        hostedZoneId: recall.domain.hostedZoneId,
        region,
        accountId,
        deletionProtection: profile.deletionProtection,
        accessLogsBucket: logs,
        accessLogPrefix: `${S.bucket.albPrefix(side)}-internal`,
      });
      const webApp: AppName = `${side}-web`;
      const backendApp: AppName = `${side}-backend`;
      const backend = new AutoScalingGroup(this, `${side}_backend`, {
        namePrefix: names.backendGroup(side),
        vpc: network.vpc,
        subnets: sideSubnets[side],
        amiId: recall.amis.backend,
        instanceType: tier.backendInstanceType,
        minSize: tier.backend.min,
        maxSize: tier.backend.max,
        userData: instanceUserData({
          region,
          repositoryUrl: repositories[backendApp].repositoryUrl,
          imageTag: recall.images[side === 'recall' ? 'recallBackend' : 'storeBackend'],
          port: S.ports.backend,
          environment: {
            PORT: String(S.ports.backend),
            SIDE: side,
            AWS_REGION: region,
            DB_HOST: database.address,
            DB_PORT: String(database.port),
            DB_NAME: S.database.databaseName,
            DB_SECRET_ARN: database.masterSecret.secretArn,
            HIGH_QUEUE_URL: queues.high.queueUrl,
            MEDIUM_QUEUE_URL: queues.medium.queueUrl,
            LOW_QUEUE_URL: queues.low.queueUrl,
            RECALL_EVENTS_TOPIC_ARN: events.topicArn,
            SMS_TOPIC_ARN: smsTopic.topicArn,
            POLLER_FUNCTION_NAME: poller.functionName,
            AUDIT_BUCKET: logs.bucketName,
            AUDIT_PREFIX: S.bucket.auditPrefix,
          },
        }),
      });
      const web = new AutoScalingGroup(this, `${side}_web`, {
        namePrefix: names.webGroup(side),
        vpc: network.vpc,
        subnets: sideSubnets[side],
        amiId: recall.amis.web,
        instanceType: tier.webInstanceType,
        minSize: tier.web.min,
        maxSize: tier.web.max,
        userData: instanceUserData({
          region,
          repositoryUrl: repositories[webApp].repositoryUrl,
          imageTag: recall.images[side === 'recall' ? 'recallWeb' : 'storeWeb'],
          port: S.ports.web,
          environment: { PORT: String(S.ports.web), SIDE: side, BACKEND_URL: `https://${names.backendHost(side)}` },
        }),
      });
      web.addTargetGroup(publicAlb.addTarget('web', { port: S.ports.web, healthCheckPath: S.healthCheckPath, targetSecurityGroup: web.securityGroup, targetType: 'instance' }));
      backend.addTargetGroup(internalAlb.addTarget('app', { port: S.ports.backend, healthCheckPath: S.healthCheckPath, targetSecurityGroup: backend.securityGroup, targetType: 'instance' }));
      internalAlb.allowFrom(web.securityGroup, `HTTPS from the ${side} web servers`);
      database.allowFrom(backend.securityGroup, `PostgreSQL from the ${side} backend servers`);

      // IAM through module grants only.
      repositories[webApp].grantPull(web.role);
      repositories[backendApp].grantPull(backend.role);
      database.masterSecret.grantReadValue(backend.role);
      for (const p of PRIORITIES) queues[p].grantSendMessages(backend.role);
      events.grantPublish(backend.role);
      smsTopic.grant(backend.role, 'sns:Subscribe', 'sns:Unsubscribe');
      poller.grantInvoke(backend.role);
      logs.grantPutObjects(backend.role, S.bucket.auditPrefix);

      webAcl.associate(publicAlb);
      if (recall.shieldAdvanced) {
        new ShieldAdvancedProtection(this, `${side}_shield`, { name: names.publicAlb(side), resourceArn: publicAlb.loadBalancer.arn });
      }

      // Section 1: DNS.
      new Route53Record(this, `${side}_dns`, {
        zoneId: recall.domain.hostedZoneId,
        name: names.publicHost(side),
        type: 'A',
        alias: { name: publicAlb.dnsName, zoneId: publicAlb.zoneId, evaluateTargetHealth: true },
      });
      new Route53Record(this, `${side}_backend_dns`, {
        zoneId: recall.domain.hostedZoneId,
        name: names.backendHost(side),
        type: 'A',
        alias: { name: internalAlb.dnsName, zoneId: internalAlb.zoneId, evaluateTargetHealth: true },
      });
      sides[side] = { publicAlb, web, internalAlb, backend };
    }
    this.sides = sides;
    this.webAcl = webAcl;

    // --- Section 9: alarms to the on-call topic, and a dashboard.
    const ops = new AlarmTopic(this, 'ops_topic', {
      namePrefix: names.prefix,
      accountId,
      emailSubscriptions: recall.opsEmails,
      keyDeletionWindowDays: profile.keyDeletionWindowDays,
    });
    const alarms: MetricAlarm[] = [];
    for (const side of SIDES) {
      const s = sides[side];
      alarms.push(...loadBalancerAlarms(this, `${side}_alb_alarms`, { topic: ops, namePrefix: `${names.publicAlb(side)}-alb`, loadBalancerArnSuffix: s.publicAlb.arnSuffix, targetGroups: [{ name: 'web', arnSuffix: s.publicAlb.targetGroups.web.arnSuffix }] }));
      alarms.push(...loadBalancerAlarms(this, `${side}_internal_alb_alarms`, { topic: ops, namePrefix: `${names.internalAlb(side)}-alb`, loadBalancerArnSuffix: s.internalAlb.arnSuffix, targetGroups: [{ name: 'app', arnSuffix: s.internalAlb.targetGroups.app.arnSuffix }] }));
      for (const [kind, asg] of [['web', s.web], ['backend', s.backend]] as const) {
        alarms.push(
          new MetricAlarm(this, `${side}_${kind}_in_service`, {
            alarmName: `${asg.groupName}-in-service-low`,
            description: `Fewer than ${asg.minSize} healthy instances in service in ${asg.groupName} for 3 of 5 minutes: launches fail or instances fail health checks.`,
            topic: ops,
            metric: { namespace: 'AWS/AutoScaling', metricName: 'GroupInServiceInstances', dimensions: { AutoScalingGroupName: asg.groupName }, statistic: 'Minimum' },
            threshold: asg.minSize,
            comparison: 'LessThanThreshold',
            periodSeconds: 60,
            evaluationPeriods: 5,
            datapointsToAlarm: 3,
            treatMissingData: 'breaching',
          }),
        );
      }
    }
    alarms.push(...databaseAlarms(this, 'database_alarms', { topic: ops, namePrefix: `${names.databaseIdentifier}`, instanceIdentifier: database.identifier }));
    for (const p of PRIORITIES) {
      alarms.push(...queueAlarms(this, `${p}_queue_alarms`, { topic: ops, namePrefix: names.queue(p), queueName: queues[p].queue.name, deadLetterQueueName: queues[p].deadLetterQueue.name, maxOldestMessageAgeSeconds: S.queues.maxOldestMessageAgeSeconds[p] }));
    }
    for (const fn of RECALL_FUNCTIONS) {
      alarms.push(...functionAlarms(this, `${functionId(fn)}_alarms`, { topic: ops, namePrefix: fns[fn].functionName, fn: fns[fn] }));
    }

    const dashboard = new Dashboard(this, 'dashboard', {
      namePrefix: names.dashboard,
      region,
      widgets: [
        { type: 'text', markdown: `# Recall notifications (${env.name})\nrecall.${recall.domain.name} / store.${recall.domain.name}; queues high/medium/low, poller weights ${S.priorityWeights}.` },
        {
          type: 'metric',
          title: 'Age of the oldest message per priority (s)',
          stat: 'Maximum',
          periodSeconds: 60,
          metrics: PRIORITIES.map((p) => ({ namespace: 'AWS/SQS', metricName: 'ApproximateAgeOfOldestMessage', dimensions: { QueueName: names.queue(p) }, label: p })),
        },
        {
          type: 'metric',
          title: 'Messages waiting per priority, and DLQs',
          stat: 'Maximum',
          periodSeconds: 60,
          metrics: PRIORITIES.flatMap((p) => [
            { namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesVisible', dimensions: { QueueName: names.queue(p) }, label: p },
            { namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesVisible', dimensions: { QueueName: `${names.queue(p)}-dlq` }, label: `${p} DLQ` },
          ]),
        },
        {
          type: 'metric',
          title: 'Lambda invocations and errors',
          stat: 'Sum',
          periodSeconds: 60,
          metrics: RECALL_FUNCTIONS.flatMap((fn) => [
            { namespace: 'AWS/Lambda', metricName: 'Invocations', dimensions: { FunctionName: names.functionName(fn) }, label: `${fn} invocations` },
            { namespace: 'AWS/Lambda', metricName: 'Errors', dimensions: { FunctionName: names.functionName(fn) }, label: `${fn} errors` },
          ]),
        },
        {
          type: 'metric',
          title: 'Public ALB requests and 5xx',
          stat: 'Sum',
          periodSeconds: 60,
          metrics: SIDES.flatMap((side) => [
            { namespace: 'AWS/ApplicationELB', metricName: 'RequestCount', dimensions: { LoadBalancer: sides[side].publicAlb.arnSuffix }, label: `${side} requests` },
            { namespace: 'AWS/ApplicationELB', metricName: 'HTTPCode_Target_5XX_Count', dimensions: { LoadBalancer: sides[side].publicAlb.arnSuffix }, label: `${side} target 5xx` },
          ]),
        },
      ],
    });
    dashboard.addAlarmWidgets(alarms, { title: 'Recall alarms' });

    for (const side of SIDES) {
      new TerraformOutput(this, `${side}_url`, { value: `https://${names.publicHost(side)}`, description: `The ${side} interface (seed section 1)` });
    }
    new TerraformOutput(this, 'queue_urls', { value: Object.fromEntries(PRIORITIES.map((p) => [p, queues[p].queueUrl])) });
    new TerraformOutput(this, 'recall_events_topic_arn', { value: events.topicArn });
    new TerraformOutput(this, 'teams_secret_arn', { value: teamsSecret.secretArn, description: 'Put {"url": "<Teams Workflows URL>"} here (docs/recall.md, Teams wiring)' });
    new TerraformOutput(this, 'webhook_secret_arn', { value: webhookSecret.secretArn });
    new TerraformOutput(this, 'logs_bucket_name', { value: logs.bucketName });
    new TerraformOutput(this, 'database_endpoint', { value: database.endpoint });
    new TerraformOutput(this, 'function_names', { value: Object.fromEntries(RECALL_FUNCTIONS.map((fn) => [fn, fns[fn].functionName])) });
  }
}
