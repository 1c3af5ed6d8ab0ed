import { Construct } from 'constructs';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { ServiceRole } from '../../modules/iam/role';
import { synthFixture } from '../helpers';
import {
  AlarmTopic,
  AlarmTopicProps,
  Dashboard,
  MetricAlarm,
  cacheAlarms,
  databaseAlarms,
  ecsServiceAlarms,
  loadBalancerAlarms,
  queueAlarms,
  searchAlarms,
} from '../../modules/observability';

type Json = { resource: Record<string, Record<string, any>> };
/** Synthesizes constructs in a ReadableStack, so addresses are the ones stacks get. */
const synth = synthFixture;
const parsed = (s: string) => JSON.parse(s) as Json;
const alarmsOf = (json: Json): Record<string, any> => json.resource.aws_cloudwatch_metric_alarm;

const topicProps: AlarmTopicProps = { namePrefix: 'ch-prod', accountId: '123456789012', emailSubscriptions: ['ops@example.com'] };
const topic = (scope: Construct, extra: Partial<AlarmTopicProps> = {}) => new AlarmTopic(scope, 'oncall', { ...topicProps, ...extra });
const LB = 'app/ch-prod/0123456789abcdef';
const TG = 'targetgroup/backend/0123456789abcdef';

describe('AlarmTopic', () => {
  test('<prefix>-oncall encrypted with its own rotating key; CloudWatch of this account may publish; TLS only', () => {
    const out = synth((s) => topic(s, { httpsSubscriptions: [{ name: 'pagerduty', url: 'https://events.pagerduty.com/integration/KEY/enqueue' }] }));
    expect(out).toHaveResourceWithProperties(SnsTopic, { name: 'ch-prod-oncall', kms_master_key_id: '${aws_kms_key.oncall_key.arn}' });
    expect(out).toHaveResourceWithProperties(KmsKey, { enable_key_rotation: true, deletion_window_in_days: 30 });
    const json = parsed(out);
    expect(json.resource.aws_kms_alias.oncall_key_alias.name).toBe('alias/ch-prod-oncall');

    const policy = JSON.parse(json.resource.aws_sns_topic_policy.oncall_policy.policy);
    expect(json.resource.aws_sns_topic_policy.oncall_policy.arn).toBe('${aws_sns_topic.oncall_topic.arn}');
    expect(policy.Statement).toEqual([
      {
        Sid: 'AllowCloudWatchAlarmsPublish', Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish',
        Resource: '${aws_sns_topic.oncall_topic.arn}', Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
      },
      {
        Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: { AWS: '*' }, Action: 'sns:Publish',
        Resource: '${aws_sns_topic.oncall_topic.arn}', Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ]);
    // CloudWatch can only publish to an encrypted topic if the key policy lets it use the key.
    const keyPolicy = JSON.parse(json.resource.aws_kms_key.oncall_key.policy);
    expect(keyPolicy.Statement[0]).toMatchObject({ Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'kms:*' });
    expect(keyPolicy.Statement[1]).toMatchObject({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] });

    const subs = json.resource.aws_sns_topic_subscription;
    expect(Object.keys(subs).sort()).toEqual(['oncall_https_subscription_pagerduty', 'oncall_subscription_ops_at_example_com']);
    expect(subs.oncall_subscription_ops_at_example_com).toMatchObject({ protocol: 'email', endpoint: 'ops@example.com', topic_arn: '${aws_sns_topic.oncall_topic.arn}' });
    expect(subs.oncall_https_subscription_pagerduty).toMatchObject({ protocol: 'https', endpoint_auto_confirms: true });
  });

  test('subscription addresses follow the address, not its position', () => {
    const keys = (emails: string[]) => Object.keys(parsed(synth((s) => topic(s, { emailSubscriptions: emails }))).resource.aws_sns_topic_subscription).sort();
    expect(keys(['a@example.com', 'Ops.Team@example.com'])).toEqual(['oncall_subscription_a_at_example_com', 'oncall_subscription_ops_team_at_example_com']);
    expect(keys(['Ops.Team@example.com'])).toEqual(['oncall_subscription_ops_team_at_example_com']);
  });

  test('grantPublish: sns:Publish on the topic and the KMS use encryption needs', () => {
    const json = parsed(synth((s) => topic(s).grantPublish(new ServiceRole(s, 'role', { roleName: 'r', assumedBy: 'ecs-tasks.amazonaws.com', description: 'd' }))));
    const grants = JSON.parse(json.resource.aws_iam_role_policy.role_policy.policy);
    expect(grants.Statement).toEqual([
      { Sid: 'PublishOncall', Effect: 'Allow', Action: 'sns:Publish', Resource: '${aws_sns_topic.oncall_topic.arn}' },
      { Sid: 'EncryptOncall', Effect: 'Allow', Action: ['kms:GenerateDataKey*', 'kms:Decrypt'], Resource: '${aws_kms_key.oncall_key.arn}' },
    ]);
  });

  test('validates addresses, duplicates, subscribers and account id, naming the value', () => {
    expect(() => synth((s) => topic(s, { emailSubscriptions: ['not-an-address'] }))).toThrow(/emailSubscriptions: received \["not-an-address"\]; expected e-mail addresses/);
    expect(() => synth((s) => topic(s, { emailSubscriptions: ['a@example.com', 'A@example.com'] }))).toThrow(/emailSubscriptions: received .*; expected no address twice/);
    expect(() => synth((s) => topic(s, { emailSubscriptions: [] }))).toThrow(/emailSubscriptions: received \[\]; expected at least one subscriber/);
    expect(() => synth((s) => topic(s, { accountId: '1234' }))).toThrow(/accountId: received "1234"; expected a 12-digit AWS account id/);
    expect(() => synth((s) => topic(s, { httpsSubscriptions: [{ name: 'pd', url: 'http://insecure.example.com' }] }))).toThrow(/httpsSubscriptions: received .*http:\/\/insecure/);
  });
});

describe('MetricAlarm', () => {
  test('single metric: statistic or extended statistic, defaults 60 s, 3 of 5, notBreaching, ALARM and OK to the topic', () => {
    const json = parsed(synth((s) => new MetricAlarm(s, 'latency', {
      alarmName: 'x-latency', description: 'd', topic: topic(s), threshold: 2, comparison: 'GreaterThanThreshold',
      metric: { namespace: 'AWS/ApplicationELB', metricName: 'TargetResponseTime', dimensions: { LoadBalancer: LB }, extendedStatistic: 'p99' },
    })));
    const a = alarmsOf(json).latency_alarm;
    expect(a).toMatchObject({
      alarm_name: 'x-latency', period: 60, evaluation_periods: 5, datapoints_to_alarm: 3, treat_missing_data: 'notBreaching',
      extended_statistic: 'p99', dimensions: { LoadBalancer: LB }, threshold: 2, comparison_operator: 'GreaterThanThreshold',
      alarm_actions: ['${aws_sns_topic.oncall_topic.arn}'], ok_actions: ['${aws_sns_topic.oncall_topic.arn}'],
    });
    expect(a.statistic).toBeUndefined();
    expect(a.metric_query).toBeUndefined();
  });

  test('rejects inconsistent definitions with the value received', () => {
    const base = (s: Construct) => ({ alarmName: 'a', description: 'd', topic: topic(s), threshold: 1, comparison: 'GreaterThanThreshold' as const });
    const metric = { namespace: 'AWS/SQS', metricName: 'X', dimensions: {}, statistic: 'Sum' as const };
    expect(() => synth((s) => new MetricAlarm(s, 'a', { ...base(s) }))).toThrow(/metric: received nothing; expected exactly one of metric and expression/);
    expect(() => synth((s) => new MetricAlarm(s, 'a', { ...base(s), metric, evaluationPeriods: 2, datapointsToAlarm: 3 }))).toThrow(/datapointsToAlarm: received 3; expected a whole number from 1 to evaluationPeriods \(2\)/);
    expect(() => synth((s) => new MetricAlarm(s, 'a', { ...base(s), metric, periodSeconds: 45 }))).toThrow(/periodSeconds: received 45; expected 10, 20, 30 or a multiple of 60/);
    expect(() => synth((s) => new MetricAlarm(s, 'a', { ...base(s), metric: { ...metric, extendedStatistic: 'p99' } }))).toThrow(/metric: received .*; expected exactly one of statistic and extendedStatistic/);
    expect(() => synth((s) => new MetricAlarm(s, 'a', { ...base(s), expression: { expression: 'a + 1', label: 'l', metrics: { a: metric, b: metric } } })))
      .toThrow(/expression: received .*; expected every input metric used in the expression \("b" is not\)/);
  });
});

describe('alarm sets', () => {
  test('loadBalancerAlarms: 5xx rate by metric math, p99 latency, unhealthy hosts per target group', () => {
    let created: MetricAlarm[] = [];
    const json = parsed(synth((s) => { created = loadBalancerAlarms(s, 'alb', { topic: topic(s), loadBalancerArnSuffix: LB, targetGroups: [{ name: 'backend', arnSuffix: TG }] }); }));
    const alarms = alarmsOf(json);
    expect(Object.keys(alarms).sort()).toEqual(['alb_http_5xx_rate_alarm', 'alb_p99_latency_alarm', 'alb_unhealthy_hosts_backend_alarm']);
    expect(created.map((a) => a.alarmName)).toEqual(['ch-prod-alb-5xx-rate', 'ch-prod-alb-p99-latency', 'ch-prod-alb-backend-unhealthy-hosts']);

    const rate = alarms.alb_http_5xx_rate_alarm;
    expect(rate).toMatchObject({ threshold: 5, comparison_operator: 'GreaterThanThreshold' });
    expect(rate.metric_name).toBeUndefined();
    const queries = rate.metric_query as any[];
    expect(queries.map((q) => [q.id, q.metric?.metric_name, q.return_data])).toEqual([
      ['requests', 'RequestCount', false],
      ['target_5xx', 'HTTPCode_Target_5XX_Count', false],
      ['elb_5xx', 'HTTPCode_ELB_5XX_Count', false],
      ['result', undefined, true],
    ]);
    expect(queries[3].expression).toBe('IF(requests > 0, 100 * (FILL(target_5xx, 0) + FILL(elb_5xx, 0)) / requests, 0)');
    for (const q of queries.slice(0, 3)) expect(q.metric).toMatchObject({ namespace: 'AWS/ApplicationELB', dimensions: { LoadBalancer: LB }, stat: 'Sum', period: 60 });

    expect(alarms.alb_p99_latency_alarm).toMatchObject({ metric_name: 'TargetResponseTime', extended_statistic: 'p99', threshold: 2 });
    expect(alarms.alb_unhealthy_hosts_backend_alarm).toMatchObject({
      metric_name: 'UnHealthyHostCount', statistic: 'Maximum', dimensions: { TargetGroup: TG, LoadBalancer: LB }, threshold: 0, comparison_operator: 'GreaterThanThreshold',
    });
  });

  test('ecsServiceAlarms: CPU and memory of the service; two sets get distinct names', () => {
    const json = parsed(synth((s) => {
      const t = topic(s);
      ecsServiceAlarms(s, 'backend', { topic: t, clusterName: 'c', serviceName: 'backend' });
      ecsServiceAlarms(s, 'gateway', { topic: t, clusterName: 'c', serviceName: 'gateway', maxCpuPercent: 70 });
    }));
    const alarms = alarmsOf(json);
    expect(alarms.backend_cpu_alarm).toMatchObject({ alarm_name: 'ch-prod-backend-cpu-high', namespace: 'AWS/ECS', metric_name: 'CPUUtilization', statistic: 'Average', dimensions: { ClusterName: 'c', ServiceName: 'backend' }, threshold: 85 });
    expect(alarms.backend_memory_alarm).toMatchObject({ metric_name: 'MemoryUtilization', threshold: 85 });
    expect(alarms.gateway_cpu_alarm).toMatchObject({ alarm_name: 'ch-prod-gateway-cpu-high', threshold: 70 });
    const names = Object.values(alarms).map((a: any) => a.alarm_name);
    expect(new Set(names).size).toBe(names.length);
  });

  test('databaseAlarms: primary CPU, free storage in bytes, connections; ReplicaLag per replica', () => {
    const alarms = alarmsOf(parsed(synth((s) => databaseAlarms(s, 'db', { topic: topic(s), namePrefix: 'ch-prod-db', instanceIdentifier: 'ch-prod-db', replicaIdentifiers: ['ch-prod-db-replica-1'] }))));
    expect(Object.keys(alarms).sort()).toEqual(['db_connections_alarm', 'db_cpu_alarm', 'db_free_storage_alarm', 'db_replica_lag_ch_prod_db_replica_1_alarm']);
    expect(alarms.db_cpu_alarm).toMatchObject({ alarm_name: 'ch-prod-db-cpu-high', namespace: 'AWS/RDS', dimensions: { DBInstanceIdentifier: 'ch-prod-db' }, threshold: 80 });
    expect(alarms.db_free_storage_alarm).toMatchObject({ metric_name: 'FreeStorageSpace', statistic: 'Minimum', threshold: 10 * 1024 ** 3, comparison_operator: 'LessThanThreshold' });
    expect(alarms.db_connections_alarm).toMatchObject({ metric_name: 'DatabaseConnections', threshold: 200 });
    expect(alarms.db_replica_lag_ch_prod_db_replica_1_alarm).toMatchObject({ metric_name: 'ReplicaLag', dimensions: { DBInstanceIdentifier: 'ch-prod-db-replica-1' }, threshold: 60 });
  });

  test('cacheAlarms: engine CPU, memory and evictions per node', () => {
    const alarms = alarmsOf(parsed(synth((s) => cacheAlarms(s, 'cache', { topic: topic(s), memberClusterIds: ['ch-cache-001', 'ch-cache-002'] }))));
    expect(Object.keys(alarms)).toHaveLength(6);
    expect(alarms.cache_cpu_ch_cache_001_alarm).toMatchObject({ namespace: 'AWS/ElastiCache', metric_name: 'EngineCPUUtilization', dimensions: { CacheClusterId: 'ch-cache-001' }, threshold: 75 });
    expect(alarms.cache_memory_ch_cache_002_alarm).toMatchObject({ metric_name: 'DatabaseMemoryUsagePercentage', dimensions: { CacheClusterId: 'ch-cache-002' }, threshold: 80 });
    expect(alarms.cache_evictions_ch_cache_001_alarm).toMatchObject({ metric_name: 'Evictions', statistic: 'Sum', threshold: 100 });
  });

  test('searchAlarms: red at once, yellow for 5 minutes, storage and JVM pressure, dimensions DomainName + ClientId', () => {
    const alarms = alarmsOf(parsed(synth((s) => searchAlarms(s, 'search', { topic: topic(s), domainName: 'ch-prod', accountId: '123456789012' }))));
    const dims = { DomainName: 'ch-prod', ClientId: '123456789012' };
    expect(alarms.search_cluster_red_alarm).toMatchObject({ namespace: 'AWS/ES', metric_name: 'ClusterStatus.red', dimensions: dims, statistic: 'Maximum', threshold: 1, comparison_operator: 'GreaterThanOrEqualToThreshold', evaluation_periods: 1, datapoints_to_alarm: 1 });
    expect(alarms.search_cluster_yellow_alarm).toMatchObject({ metric_name: 'ClusterStatus.yellow', threshold: 1, evaluation_periods: 5, datapoints_to_alarm: 5 });
    expect(alarms.search_free_storage_alarm).toMatchObject({ metric_name: 'FreeStorageSpace', statistic: 'Minimum', threshold: 20480, comparison_operator: 'LessThanOrEqualToThreshold' });
    expect(alarms.search_jvm_memory_pressure_alarm).toMatchObject({ metric_name: 'JVMMemoryPressure', threshold: 80 });
  });

  test('queueAlarms: any dead-lettered message alarms within a minute; oldest message age on the main queue', () => {
    const alarms = alarmsOf(parsed(synth((s) => queueAlarms(s, 'jobs', { topic: topic(s), queueName: 'jobs', deadLetterQueueName: 'jobs-dlq' }))));
    expect(alarms.jobs_dead_letter_messages_alarm).toMatchObject({ metric_name: 'ApproximateNumberOfMessagesVisible', dimensions: { QueueName: 'jobs-dlq' }, threshold: 0, comparison_operator: 'GreaterThanThreshold', evaluation_periods: 1, datapoints_to_alarm: 1 });
    expect(alarms.jobs_oldest_message_age_alarm).toMatchObject({ metric_name: 'ApproximateAgeOfOldestMessage', dimensions: { QueueName: 'jobs' }, threshold: 900 });
  });

  test('set validation names the field and value', () => {
    expect(() => synth((s) => loadBalancerAlarms(s, 'alb', { topic: topic(s), loadBalancerArnSuffix: LB, targetGroups: [{ name: 'api', arnSuffix: TG }, { name: 'api', arnSuffix: TG }] })))
      .toThrow(/targetGroups: received .*; expected unique names/);
    expect(() => synth((s) => loadBalancerAlarms(s, 'alb', { topic: topic(s), loadBalancerArnSuffix: 'arn:aws:elasticloadbalancing:x', targetGroups: [] })))
      .toThrow(/loadBalancerArnSuffix: received "arn:aws:elasticloadbalancing:x"; expected an ALB ARN suffix/);
    expect(() => synth((s) => ecsServiceAlarms(s, 'e', { topic: topic(s), clusterName: 'c', serviceName: 's', maxCpuPercent: 150 }))).toThrow(/maxCpuPercent: received 150; expected a percentage/);
    expect(() => synth((s) => cacheAlarms(s, 'c', { topic: topic(s), memberClusterIds: [] }))).toThrow(/memberClusterIds: received \[\]; expected at least one node id/);
    // Replica identifiers name alarms, so a token (unknown until apply) is refused.
    expect(() => synth((s) => {
      const t = topic(s);
      databaseAlarms(s, 'db', { topic: t, instanceIdentifier: 'db', replicaIdentifiers: [t.topic.name] });
    })).toThrow(/replicaIdentifiers: received .*; expected plain DB instance identifiers/);
  });

  test('two alarms with the same name in a stack are refused', () => {
    expect(() => synth((s) => {
      const t = topic(s);
      ecsServiceAlarms(s, 'a', { topic: t, namePrefix: 'same', clusterName: 'c', serviceName: 'a' });
      ecsServiceAlarms(s, 'b', { topic: t, namePrefix: 'same', clusterName: 'c', serviceName: 'b' });
    })).toThrow(/alarm name "same-cpu-high" of test\/b\/cpu is already used by test\/a\/cpu/);
  });

  test('dimension values may be tokens of other resources', () => {
    const json = parsed(synth((s) => {
      const t = topic(s);
      queueAlarms(s, 'q', { topic: t, queueName: t.topic.name, deadLetterQueueName: t.topic.name });
    }));
    expect(alarmsOf(json).q_oldest_message_age_alarm.dimensions).toEqual({ QueueName: '${aws_sns_topic.oncall_topic.name}' });
  });
});

describe('Dashboard', () => {
  const build = (s: Construct) => {
    const t = topic(s);
    const dash = new Dashboard(s, 'dashboard', { namePrefix: 'ch-prod', region: 'eu-west-1', widgets: [{ type: 'text', markdown: '# ch-prod' }] });
    dash.addWidget({
      type: 'metric', title: 'Requests', stat: 'Sum', metrics: [
        { namespace: 'AWS/ApplicationELB', metricName: 'RequestCount', dimensions: { LoadBalancer: LB }, id: 'req' },
        { expression: 'req / 60', label: 'per second', id: 'rps' },
      ],
    });
    dash.addWidget({ type: 'metric', title: 'Health (us-east-1)', region: 'us-east-1', metrics: [{ namespace: 'AWS/Route53', metricName: 'HealthCheckStatus', dimensions: { HealthCheckId: 'abc' }, stat: 'Minimum' }] });
    dash.addAlarmWidgets(queueAlarms(s, 'jobs', { topic: t, queueName: 'jobs', deadLetterQueueName: 'jobs-dlq' }));
  };

  test('body: typed widgets laid out in rows of 24 columns, alarm ARNs from the alarms', () => {
    const json = parsed(synth(build));
    expect(synth(build)).toHaveResourceWithProperties(CloudwatchDashboard, { dashboard_name: 'ch-prod' });
    const body = JSON.parse(json.resource.aws_cloudwatch_dashboard.dashboard_dashboard.dashboard_body);
    expect(body.widgets.map((w: any) => [w.type, w.x, w.y, w.width, w.height])).toEqual([
      ['text', 0, 0, 24, 2],
      ['metric', 0, 2, 12, 6],
      ['metric', 12, 2, 12, 6],
      ['alarm', 0, 8, 24, 2],
      ['metric', 0, 10, 8, 6],
      ['metric', 8, 10, 8, 6],
    ]);
    expect(body.widgets[1].properties).toEqual({
      title: 'Requests', region: 'eu-west-1', view: 'timeSeries', stacked: false, stat: 'Sum', period: 300,
      metrics: [['AWS/ApplicationELB', 'RequestCount', 'LoadBalancer', LB, { id: 'req' }], [{ expression: 'req / 60', label: 'per second', id: 'rps' }]],
    });
    expect(body.widgets[2].properties.region).toBe('us-east-1');
    expect(body.widgets[3].properties).toEqual({
      title: 'Alarms: jobs',
      alarms: ['${aws_cloudwatch_metric_alarm.jobs_dead_letter_messages_alarm.arn}', '${aws_cloudwatch_metric_alarm.jobs_oldest_message_age_alarm.arn}'],
    });
    expect(body.widgets[4].properties).toMatchObject({ title: 'ch-prod-jobs-dead-letter-messages', annotations: { alarms: ['${aws_cloudwatch_metric_alarm.jobs_dead_letter_messages_alarm.arn}'] } });
  });

  test('deterministic: two synths give the same body', () => {
    const body = () => parsed(synth(build)).resource.aws_cloudwatch_dashboard.dashboard_dashboard.dashboard_body;
    expect(body()).toBe(body());
  });

  test('rejects a widget wider than the grid and a bad region', () => {
    expect(() => synth((s) => new Dashboard(s, 'd', { namePrefix: 'x', region: 'eu-west-1' }).addWidget({ type: 'text', markdown: 'x', width: 30 }))).toThrow(/width: received 30; expected a whole number from 1 to 24/);
    expect(() => synth((s) => new Dashboard(s, 'd', { namePrefix: 'x', region: 'Europe' }))).toThrow(/region: received "Europe"/);
  });
});
