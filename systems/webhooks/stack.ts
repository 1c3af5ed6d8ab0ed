import { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { ReadableStack } from '../../modules/core/stack';
import { Guardrails } from '../../modules/guardrails';
import { nameTags } from '../../modules/core/tags';
import { customerManagedKey } from '../../modules/kms';
import { Network } from '../../modules/network';
import { Queue, grantOnSqsQueue } from '../../modules/queue';
import { Table } from '../../modules/table';
import { Secret } from '../../modules/secret';
import { BundleOptions, LambdaFunction } from '../../modules/function';
import { RestApi } from '../../modules/api-gateway';
import { WebAcl, type CustomRule } from '../../modules/waf';
import { AlarmTopic, Dashboard, MetricAlarm, functionAlarms, queueAlarms } from '../../modules/observability';
import { runningSection, type Environment } from '../../environments/lib/schema';
import { ENV } from '../../lambdas/webhooks/shared/config';
import { ENDPOINTS_TABLE, EVENTS_TABLE } from '../../lambdas/webhooks/shared/tables';
import { WEBHOOKS_FUNCTIONS, WebhooksFunctionName, functionId, lambdaEntry, webhooksNames } from './names';
import { WEBHOOKS_SETTINGS as S } from './settings';
import { defineApi, usageKeyValue } from './api';

/** Where a function's code comes from: its entry (bundled at synth) or a ready-made ZIP. */
export interface FunctionCode {
  readonly entry?: string;
  readonly zipFile?: string;
  readonly bundling?: BundleOptions;
}

export interface WebhooksStackProps {
  /** The validated environment; it must include "webhooks" in `systems`. */
  readonly environment: Environment;
  /**
   * Code of each function.
   * @default lambdas/webhooks/<name>/index.ts, bundled with esbuild
   */
  readonly functionCode?: Partial<Record<WebhooksFunctionName, FunctionCode>>;
}

/**
 * Webhook notifications (seed 004) for one environment: a regional REST API (JWT authorizer, JSON-schema request
 * validation, per-client usage plans, access logs, WAF) in front of the API functions; events and endpoints in
 * DynamoDB; deliveries through SQS (+ DLQ) to the Delivery Service, which signs (Standard Webhooks), sends from the
 * VPC's NAT addresses and re-queues retries; signing material in Secrets Manager (KMS), rotated by a Lambda; EMF
 * metrics, alarms and a dashboard.
 */
export class WebhooksStack extends ReadableStack {
  readonly functions: Readonly<Record<WebhooksFunctionName, LambdaFunction>>;
  readonly api: RestApi;

  constructor(scope: Construct, id: string, props: WebhooksStackProps) {
    super(scope, id, { environment: props.environment }); // declares the environment's S3 state backend
    const env = props.environment;
    const section = runningSection(env, 'webhooks', 'WebhooksStack');
    const names = webhooksNames(env);
    const profile = env.profile;
    const tier = profile.webhooks;
    const zones = section.availabilityZones ?? env.network.availabilityZones;
    const defaultTags = [{ tags: { Project: 'webhooks', Environment: env.name, ManagedBy: 'cdktf', ...env.tags } }];

    Guardrails.apply(this, { tier: env.tier });
    new AwsProvider(this, 'aws', { region: env.account.region, allowedAccountIds: [env.account.id], defaultTags });

    // Network: the functions run in private subnets of every zone; deliveries leave through the NAT gateways
    // (stable egress addresses receivers can allow-list); DynamoDB through a gateway endpoint, SQS and Secrets
    // Manager through interface endpoints.
    const network = new Network(this, 'network', {
      namePrefix: names.prefix,
      cidrBlock: section.cidr,
      availabilityZones: zones,
      logRetentionDays: profile.logRetentionDays,
      publicSubnetCount: profile.natLayout === 'per-az' ? zones.length : 1,
      privateSubnetCount: zones.length,
      natGateways: profile.natLayout,
      gatewayEndpoints: ['dynamodb'],
      interfaceEndpoints: ['sqs', 'secretsmanager'],
      region: env.account.region,
    });
    const lambdaSecurityGroup = new SecurityGroup(this, 'lambda_security_group', {
      name: names.lambdaSecurityGroup,
      description: `Webhooks Lambdas of ${env.name}: no ingress; HTTPS out (AWS APIs, webhook receivers)${tier.requireHttps ? '' : ', HTTP out (dev receivers)'}`,
      vpcId: network.vpc.id,
      tags: nameTags(names.lambdaSecurityGroup),
    });
    const egressPorts = tier.requireHttps ? [443] : [443, 80];
    for (const port of egressPorts) {
      new VpcSecurityGroupEgressRule(this, `lambda_security_group_egress_${port}`, {
        securityGroupId: lambdaSecurityGroup.id,
        description: port === 443 ? 'HTTPS to AWS APIs and webhook receivers (the SSRF guard refuses private addresses)' : 'HTTP to webhook receivers (dev only)',
        ipProtocol: 'tcp',
        fromPort: port,
        toPort: port,
        cidrIpv4: '0.0.0.0/0',
      });
    }

    // Data: events (GSIs for the seed's queries, TTL, PITR, on-demand) and endpoints.
    const events = new Table(this, 'events', {
      tableName: names.eventsTable,
      partitionKey: EVENTS_TABLE.partitionKey,
      globalSecondaryIndexes: EVENTS_TABLE.indexes.map((i) => ({ indexName: i.indexName, partitionKey: i.partitionKey, sortKey: i.sortKey, projection: 'ALL' as const })),
      timeToLiveAttribute: EVENTS_TABLE.timeToLiveAttribute,
      deletionProtection: profile.deletionProtection,
      preventDestroy: profile.deletionProtection,
    });
    const endpoints = new Table(this, 'endpoints', {
      tableName: names.endpointsTable,
      partitionKey: ENDPOINTS_TABLE.partitionKey,
      timeToLiveAttribute: ENDPOINTS_TABLE.timeToLiveAttribute,
      deletionProtection: profile.deletionProtection,
      preventDestroy: profile.deletionProtection,
    });
    const deliveries = new Queue(this, 'deliveries', {
      queueName: names.deliveryQueue,
      visibilityTimeoutSeconds: S.queue.visibilityTimeoutSeconds,
      retentionSeconds: S.queue.retentionSeconds,
      maxReceiveCount: S.queue.maxReceiveCount,
    });

    // Signing material: key rings in Secrets Manager, encrypted with the system's CMK, rotated by rotate-keys.
    const { key: secretsKey } = customerManagedKey(this, 'secrets_key', {
      description: `Encrypts the signing key rings of ${names.prefix} in Secrets Manager`,
      aliasName: names.secretsKeyAlias,
      accountId: env.account.id,
      deletionWindowDays: profile.keyDeletionWindowDays,
    });
    const endpointKeys = new Secret(this, 'endpoint_keys', {
      secretName: names.endpointKeySecret,
      description: 'Key ring (AES-256-GCM) sealing the endpoints\' webhook signing secrets in DynamoDB; every key is kept',
      recoveryWindowDays: profile.secretRecoveryWindowDays,
      encryptionKey: secretsKey,
    });
    const jwtKeys = section.auth.jwksUrl
      ? undefined
      : new Secret(this, 'jwt_keys', {
          secretName: names.jwtKeySecret,
          description: 'Key ring (HS256) of the API\'s bearer tokens; the current and the previous key verify',
          recoveryWindowDays: profile.secretRecoveryWindowDays,
          encryptionKey: secretsKey,
        });

    // Functions.
    const usageKeys = Object.fromEntries(['default', ...(section.clients ?? []).map((c) => c.name)].map((c) => [c, usageKeyValue(names.prefix, c)]));
    const common: Record<string, string> = {
      [ENV.eventsTable]: events.tableName,
      [ENV.endpointsTable]: endpoints.tableName,
      [ENV.queueUrl]: deliveries.queueUrl,
      [ENV.deadLetterQueueUrl]: deliveries.deadLetterQueue.url,
      [ENV.endpointKeySecretArn]: endpointKeys.secretArn,
      [ENV.eventTypes]: section.eventTypes.join(','),
      [ENV.requireHttps]: String(tier.requireHttps),
      [ENV.eventRetentionDays]: String(tier.eventRetentionDays),
      ...(section.maxPayloadBytes ? { [ENV.maxPayloadBytes]: String(section.maxPayloadBytes) } : {}),
      ...(section.rotationGraceSeconds !== undefined ? { [ENV.rotationGraceSeconds]: String(section.rotationGraceSeconds) } : {}),
    };
    const specific: Record<WebhooksFunctionName, Record<string, string>> = {
      auth: {
        [ENV.issuer]: section.auth.issuer,
        [ENV.audience]: section.auth.audience,
        ...(section.auth.jwksUrl ? { [ENV.jwksUrl]: section.auth.jwksUrl } : { [ENV.jwtKeySecretArn]: jwtKeys!.secretArn }),
        [ENV.usageKeys]: JSON.stringify(usageKeys),
      },
      endpoints: common,
      'create-event': common,
      'list-events': common,
      'get-event': common,
      'replay-event': common,
      delivery: {
        ...common,
        ...(section.retryScheduleSeconds ? { [ENV.retrySchedule]: section.retryScheduleSeconds.join(',') } : {}),
        ...(section.deliveryTimeoutSeconds ? { [ENV.timeoutMs]: String(section.deliveryTimeoutSeconds * 1000) } : {}),
      },
      'rotate-keys': { RETAIN_KEYS: JSON.stringify({ [names.endpointKeySecret]: null, [names.jwtKeySecret]: 2 }) },
    };
    const fns = {} as Record<WebhooksFunctionName, LambdaFunction>;
    for (const fn of WEBHOOKS_FUNCTIONS) {
      const code = props.functionCode?.[fn] ?? { entry: lambdaEntry(fn) };
      fns[fn] = new LambdaFunction(this, functionId(fn), {
        functionName: names.functionName(fn),
        description: S.functions[fn].description,
        entry: code.entry,
        zipFile: code.zipFile,
        bundling: code.bundling,
        runtime: 'nodejs22.x',
        memorySizeMiB: S.functions[fn].memorySizeMiB,
        timeoutSeconds: S.functions[fn].timeoutSeconds,
        environment: { POWERTOOLS_SERVICE_NAME: fn, POWERTOOLS_METRICS_NAMESPACE: S.metricsNamespace, ...specific[fn] },
        vpcSubnets: network.privateSubnets,
        securityGroups: [lambdaSecurityGroup],
        logRetentionDays: profile.logRetentionDays,
        tracing: 'Active',
      });
    }
    this.functions = fns;

    // Grants (least privilege, through the modules).
    const apiFns = [fns.endpoints, fns['create-event'], fns['list-events'], fns['get-event'], fns['replay-event']];
    for (const f of [...apiFns, fns.delivery]) endpointKeys.grantReadValue(f.role);
    endpoints.grantItemActions(fns.endpoints.role, ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Scan']);
    for (const f of [fns['create-event'], fns['replay-event']]) {
      endpoints.grantItemActions(f.role, ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Scan']);
      deliveries.grant(f.role, 'sqs:SendMessage');
    }
    events.grantItemActions(fns['create-event'].role, ['dynamodb:PutItem', 'dynamodb:DeleteItem']);
    events.grantItemActions(fns['replay-event'].role, ['dynamodb:GetItem', 'dynamodb:UpdateItem']);
    events.grantItemActions(fns['list-events'].role, ['dynamodb:Query']);
    events.grantItemActions(fns['get-event'].role, ['dynamodb:GetItem']);
    events.grantItemActions(fns.delivery.role, ['dynamodb:GetItem', 'dynamodb:UpdateItem']);
    endpoints.grantItemActions(fns.delivery.role, ['dynamodb:GetItem', 'dynamodb:UpdateItem']);
    fns.delivery.addSqsSource(deliveries, { ...S.deliverySource, maximumConcurrency: tier.deliveryMaxConcurrency });
    // Retries and hops are new messages on the same queue; exhausted deliveries go to the DLQ.
    deliveries.grant(fns.delivery.role, 'sqs:SendMessage');
    grantOnSqsQueue(fns.delivery.role, deliveries, deliveries.deadLetterQueue, 'SendDeadLetter', 'sqs:SendMessage');
    if (jwtKeys) jwtKeys.grantReadValue(fns.auth.role);
    endpointKeys.addRotation(fns['rotate-keys'], { afterDays: section.keyRotationDays ?? S.keyRotationDays, accountId: env.account.id });
    jwtKeys?.addRotation(fns['rotate-keys'], { afterDays: section.keyRotationDays ?? S.keyRotationDays, accountId: env.account.id });

    // API Gateway (REST, regional) from the route table, and its WAF.
    this.api = defineApi(this, {
      name: names.api,
      logRetentionDays: profile.logRetentionDays,
      throttle: tier.apiThrottle,
      manageAccountLogRole: section.manageApiGatewayAccount ?? true,
      authorizerFn: fns.auth,
      functions: { endpoints: fns.endpoints, 'create-event': fns['create-event'], 'list-events': fns['list-events'], 'get-event': fns['get-event'], 'replay-event': fns['replay-event'] },
      clients: section.clients ?? [],
      defaultClientThrottle: section.defaultClientThrottle ?? S.defaultClientThrottle,
      usageKeys,
    });
    const customRules: CustomRule[] = [
      { kind: 'size', name: 'body-over-limit', component: 'body', maxBytes: (section.maxPayloadBytes ?? 65_536) + S.waf.bodyOverheadBytes },
      ...(section.blockedCountries?.length ? [{ kind: 'geo' as const, name: 'blocked-countries', countryCodes: section.blockedCountries }] : []),
    ];
    const waf = new WebAcl(this, 'waf', {
      name: names.waf,
      scope: 'regional',
      mode: profile.waf.mode,
      logRetentionDays: profile.logRetentionDays,
      rateLimitPer5Minutes: S.waf.rateLimitPer5Minutes,
      customRules,
    });
    waf.associate(this.api.stage);

    // Alarms and dashboard.
    const topic = new AlarmTopic(this, 'ops_topic', { namePrefix: names.prefix, accountId: env.account.id, emailSubscriptions: section.opsEmails, keyDeletionWindowDays: profile.keyDeletionWindowDays });
    const alarms: MetricAlarm[] = [];
    for (const fn of WEBHOOKS_FUNCTIONS) alarms.push(...functionAlarms(this, `${functionId(fn)}_alarms`, { topic, fn: fns[fn], namePrefix: `${names.prefix}-${fn}` }));
    alarms.push(...queueAlarms(this, 'deliveries_alarms', { topic, namePrefix: `${names.prefix}-deliveries`, queueName: deliveries.queue.name, deadLetterQueueName: deliveries.deadLetterQueue.name }));
    const service = { service: 'delivery' };
    alarms.push(
      new MetricAlarm(this, 'delivery_success_rate', {
        alarmName: `${names.prefix}-delivery-success-rate`,
        description: `Fewer than ${S.alarms.minSuccessRatePercent} % of delivery attempts succeeded over 15 minutes: receivers failing, or the Delivery Service cannot reach them (NAT, DNS). See the dashboard and GET /events?status=failed.`,
        topic,
        expression: {
          expression: '100 * FILL(ok, 0) / attempts',
          label: 'Delivery success rate (%)',
          metrics: {
            ok: { namespace: S.metricsNamespace, metricName: 'DeliverySuccess', dimensions: service, statistic: 'Sum' },
            attempts: { namespace: S.metricsNamespace, metricName: 'DeliveryAttempts', dimensions: service, statistic: 'Sum' },
          },
        },
        threshold: S.alarms.minSuccessRatePercent,
        comparison: 'LessThanThreshold',
        periodSeconds: 300,
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
      }),
      new MetricAlarm(this, 'delivery_p99_latency', {
        alarmName: `${names.prefix}-delivery-p99-latency`,
        description: `p99 delivery latency above ${S.alarms.maxP99LatencyMs} ms for 15 minutes: receivers are slow; deliveries hold the Delivery Service longer.`,
        topic,
        metric: { namespace: S.metricsNamespace, metricName: 'DeliveryLatency', dimensions: service, extendedStatistic: 'p99' },
        threshold: S.alarms.maxP99LatencyMs,
        comparison: 'GreaterThanThreshold',
        periodSeconds: 300,
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
      }),
      new MetricAlarm(this, 'api_4xx', {
        alarmName: `${names.prefix}-api-4xx`,
        description: `More than ${S.alarms.maxApi4xxPer5Minutes} 4XX answers in 5 minutes (throttled 429s, refused tokens, bad requests): a client misbehaves or limits are too low. Access logs: /aws/apigateway/${names.api}/access.`,
        topic,
        metric: { namespace: 'AWS/ApiGateway', metricName: '4XXError', dimensions: { ApiName: names.api, Stage: this.api.stageName }, statistic: 'Sum' },
        threshold: S.alarms.maxApi4xxPer5Minutes,
        comparison: 'GreaterThanThreshold',
        periodSeconds: 300,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
      }),
      new MetricAlarm(this, 'api_5xx', {
        alarmName: `${names.prefix}-api-5xx`,
        description: 'API answered 5XX: a function failed or timed out. Check the API functions\' logs.',
        topic,
        metric: { namespace: 'AWS/ApiGateway', metricName: '5XXError', dimensions: { ApiName: names.api, Stage: this.api.stageName }, statistic: 'Sum' },
        threshold: 5,
        comparison: 'GreaterThanThreshold',
        periodSeconds: 300,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
      }),
    );
    const dashboard = new Dashboard(this, 'dashboard', { namePrefix: names.dashboard, region: env.account.region });
    dashboard.addWidget({ type: 'text', markdown: `# ${names.prefix}\nDeliveries (EMF, namespace ${S.metricsNamespace}), API Gateway, the queue and its DLQ. Runbook: docs/webhooks.md.` });
    dashboard.addWidget({
      type: 'metric',
      title: 'Delivery attempts and success rate',
      stat: 'Sum',
      metrics: [
        { namespace: S.metricsNamespace, metricName: 'DeliveryAttempts', dimensions: service, id: 'attempts', label: 'attempts' },
        { namespace: S.metricsNamespace, metricName: 'DeliverySuccess', dimensions: service, id: 'ok', label: 'succeeded' },
        { namespace: S.metricsNamespace, metricName: 'DeliveryFailure', dimensions: service, label: 'failed' },
        { expression: '100 * FILL(ok, 0) / attempts', label: 'success rate (%)', id: 'rate' },
      ],
    });
    dashboard.addWidget({ type: 'metric', title: 'Delivery latency (ms)', metrics: [{ namespace: S.metricsNamespace, metricName: 'DeliveryLatency', dimensions: service, stat: 'p50', label: 'p50' }, { namespace: S.metricsNamespace, metricName: 'DeliveryLatency', dimensions: service, stat: 'p99', label: 'p99' }] });
    dashboard.addWidget({ type: 'metric', title: 'API requests and errors', stat: 'Sum', metrics: ['Count', '4XXError', '5XXError'].map((m) => ({ namespace: 'AWS/ApiGateway', metricName: m, dimensions: { ApiName: names.api, Stage: this.api.stageName } })) });
    dashboard.addWidget({ type: 'metric', title: 'Queue depth and DLQ', stat: 'Maximum', metrics: [deliveries.queue.name, deliveries.deadLetterQueue.name].map((q) => ({ namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesVisible', dimensions: { QueueName: q } })) });
    dashboard.addAlarmWidgets(alarms, { title: 'Alarms', graphs: false });

    new TerraformOutput(this, 'api_url', { value: this.api.url, description: 'Base URL of the webhooks API (stage v1)' });
    new TerraformOutput(this, 'delivery_egress_ips', { value: network.natGateways.map((n) => n.publicIp), description: 'Addresses deliveries come from (receivers may allow-list them)' });
    new TerraformOutput(this, 'events_table_name', { value: events.tableName });
    new TerraformOutput(this, 'endpoints_table_name', { value: endpoints.tableName });
    new TerraformOutput(this, 'delivery_queue_url', { value: deliveries.queueUrl });
    new TerraformOutput(this, 'delivery_dead_letter_queue_arn', { value: deliveries.deadLetterQueue.arn, description: 'Redrive: aws sqs start-message-move-task --source-arn <this>' });
    new TerraformOutput(this, 'function_names', { value: Object.fromEntries(WEBHOOKS_FUNCTIONS.map((fn) => [fn, fns[fn].functionName])) });
  }
}
