import { Construct } from 'constructs';
import { Lazy, TerraformStack, Token } from 'cdktf';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { CloudwatchMetricAlarm, CloudwatchMetricAlarmMetricQuery } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { PropRule, validateProps, withDefaults } from '../core/props';
import { nameTags, pascalCase } from '../core/tags';
import { IGrantable, renderPolicy } from '../iam/policy';
import {
  ALARM_TOPIC_DEFAULTS,
  ALARM_WINDOWS,
  CACHE_ALARM_DEFAULTS,
  DASHBOARD_DEFAULTS,
  DATABASE_ALARM_DEFAULTS,
  ECS_SERVICE_ALARM_DEFAULTS,
  LOAD_BALANCER_ALARM_DEFAULTS,
  METRIC_ALARM_DEFAULTS,
  QUEUE_ALARM_DEFAULTS,
  SEARCH_ALARM_DEFAULTS,
} from './defaults';

// ---------------------------------------------------------------------------
// AlarmTopic
// ---------------------------------------------------------------------------

/** An HTTPS endpoint subscribed to the on-call topic (PagerDuty, Opsgenie...). */
export interface HttpsSubscription {
  /** snake_case name; becomes the Terraform address `<id>_https_subscription_<name>`. */
  readonly name: string;
  /** https:// URL. It contains the integration key, so it is in Terraform state. */
  readonly url: string;
}

export interface AlarmTopicProps {
  /** Prefix of the topic name (`<namePrefix>-oncall`), the key alias and, by default, alarm names. */
  readonly namePrefix: string;
  /** 12-digit AWS account id: only CloudWatch alarms of this account may publish (aws:SourceAccount). */
  readonly accountId: string;
  /** E-mail addresses subscribed to the topic; each must confirm the subscription e-mail AWS sends. */
  readonly emailSubscriptions: readonly string[];
  /**
   * HTTPS endpoints subscribed to the topic (they must auto-confirm, as PagerDuty does).
   * @default none
   */
  readonly httpsSubscriptions?: readonly HttpsSubscription[];
  /**
   * Days the topic's KMS key stays recoverable after `terraform destroy` (7-30).
   * @default 30
   */
  readonly keyDeletionWindowDays?: number;
}

/**
 * The on-call SNS topic `<namePrefix>-oncall`: encrypted with its own
 * customer managed KMS key (CloudWatch cannot publish to a topic encrypted
 * with the AWS managed key `alias/aws/sns`, whose key policy cannot grant it
 * kms:GenerateDataKey), a topic policy letting CloudWatch alarms of one
 * account publish and denying publishing without TLS, and e-mail / HTTPS
 * subscriptions.
 */
export class AlarmTopic extends Construct {
  readonly topic: SnsTopic;
  readonly key: KmsKey;
  /** Prefix the alarm sets use for alarm names by default. */
  readonly namePrefix: string;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    const p = withDefaults(ALARM_TOPIC_DEFAULTS, props);
    validateProps('AlarmTopic', p, [
      { field: 'namePrefix', valid: (x) => /^[A-Za-z0-9_-]{1,200}$/.test(x.namePrefix), expected: '1-200 characters of [A-Za-z0-9_-]' },
      { field: 'accountId', valid: (x) => Token.isUnresolved(x.accountId) || /^\d{12}$/.test(x.accountId), expected: 'a 12-digit AWS account id' },
      { field: 'emailSubscriptions', valid: (x) => x.emailSubscriptions.every((e) => EMAIL.test(e)), expected: 'e-mail addresses such as oncall@example.com' },
      { field: 'emailSubscriptions', valid: (x) => unique(x.emailSubscriptions.map(emailKey)), expected: 'no address twice' },
      { field: 'httpsSubscriptions', valid: (x) => x.httpsSubscriptions.every((s) => SNAKE.test(s.name) && /^https:\/\/[^\s/]+\.[^\s/]+(\/\S*)?$/.test(s.url)), expected: 'entries { name: snake_case, url: https://... }' },
      { field: 'httpsSubscriptions', valid: (x) => unique(x.httpsSubscriptions.map((s) => s.name)), expected: 'unique names' },
      { field: 'emailSubscriptions', valid: (x) => x.emailSubscriptions.length + x.httpsSubscriptions.length > 0, expected: 'at least one subscriber (e-mail or HTTPS): an alarm nobody receives pages nobody' },
      { field: 'keyDeletionWindowDays', valid: (x) => Number.isInteger(x.keyDeletionWindowDays) && x.keyDeletionWindowDays >= 7 && x.keyDeletionWindowDays <= 30, expected: 'a whole number from 7 to 30' },
    ]);
    this.namePrefix = p.namePrefix;
    const topicName = `${p.namePrefix}-oncall`;

    this.key = new KmsKey(this, 'key', {
      description: `Encrypts messages of the SNS topic ${topicName}`,
      enableKeyRotation: true,
      deletionWindowInDays: p.keyDeletionWindowDays,
      policy: renderPolicy([
        {
          sid: 'EnableAccountAdministration',
          principals: { AWS: `arn:aws:iam::${p.accountId}:root` },
          actions: ['kms:*'],
          resources: ['*'],
        },
        {
          // Shape from the SNS guide ("compatibility between event sources from AWS services and
          // encrypted topics"). Who may publish is limited by the topic policy (aws:SourceAccount).
          sid: 'AllowCloudWatchAlarmsToEncrypt',
          principals: { Service: 'cloudwatch.amazonaws.com' },
          actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          resources: ['*'],
        },
      ]),
      tags: nameTags(topicName),
    });
    new KmsAlias(this, 'key_alias', { name: `alias/${topicName}`, targetKeyId: this.key.keyId });

    this.topic = new SnsTopic(this, 'topic', {
      name: topicName,
      kmsMasterKeyId: this.key.arn,
      tags: nameTags(topicName),
    });
    new SnsTopicPolicy(this, 'policy', {
      arn: this.topic.arn,
      policy: renderPolicy([
        {
          sid: 'AllowCloudWatchAlarmsPublish',
          principals: { Service: 'cloudwatch.amazonaws.com' },
          actions: ['sns:Publish'],
          resources: [this.topic.arn],
          conditions: { StringEquals: { 'aws:SourceAccount': p.accountId } },
        },
        {
          sid: 'DenyInsecureTransport',
          effect: 'Deny',
          principals: { AWS: '*' },
          actions: ['sns:Publish'],
          resources: [this.topic.arn],
          conditions: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ]),
    });
    for (const address of p.emailSubscriptions) {
      new SnsTopicSubscription(this, `subscription_${emailKey(address)}`, { topicArn: this.topic.arn, protocol: 'email', endpoint: address });
    }
    for (const s of p.httpsSubscriptions) {
      new SnsTopicSubscription(this, `https_subscription_${s.name}`, { topicArn: this.topic.arn, protocol: 'https', endpoint: s.url, endpointAutoConfirms: true });
    }
  }

  get topicArn(): string {
    return this.topic.arn;
  }

  /** Lets the grantee publish to the topic (sns:Publish plus the KMS use that encryption needs). */
  grantPublish(grantee: IGrantable): void {
    grantee.addToPolicy({ sid: `Publish${pascalCase(this.node.id)}`, actions: ['sns:Publish'], resources: [this.topic.arn] });
    grantee.addToPolicy({ sid: `Encrypt${pascalCase(this.node.id)}`, actions: ['kms:GenerateDataKey*', 'kms:Decrypt'], resources: [this.key.arn] });
  }
}

// ---------------------------------------------------------------------------
// MetricAlarm
// ---------------------------------------------------------------------------

export type ComparisonOperator = 'GreaterThanThreshold' | 'GreaterThanOrEqualToThreshold' | 'LessThanThreshold' | 'LessThanOrEqualToThreshold';
export type Statistic = 'Average' | 'Sum' | 'Minimum' | 'Maximum' | 'SampleCount';
export type TreatMissingData = 'notBreaching' | 'breaching' | 'ignore' | 'missing';

const COMPARISONS: readonly ComparisonOperator[] = ['GreaterThanThreshold', 'GreaterThanOrEqualToThreshold', 'LessThanThreshold', 'LessThanOrEqualToThreshold'];
const STATISTICS: readonly Statistic[] = ['Average', 'Sum', 'Minimum', 'Maximum', 'SampleCount'];
const MISSING_DATA: readonly TreatMissingData[] = ['notBreaching', 'breaching', 'ignore', 'missing'];

/** One CloudWatch metric with the statistic an alarm evaluates. Set exactly one of statistic / extendedStatistic. */
export interface MetricSpec {
  /** e.g. "AWS/ApplicationELB". */
  readonly namespace: string;
  /** e.g. "TargetResponseTime". */
  readonly metricName: string;
  /** Dimension name → value (values may be tokens of other resources). */
  readonly dimensions: Readonly<Record<string, string>>;
  /**
   * Statistic.
   * @default none - then extendedStatistic is required
   */
  readonly statistic?: Statistic;
  /**
   * Percentile or other extended statistic, e.g. "p99".
   * @default none - then statistic is required
   */
  readonly extendedStatistic?: string;
}

/** A metric-math expression over input metrics; only the expression's result is evaluated. */
export interface MetricMathSpec {
  /** Expression over the ids of `metrics`, e.g. "100 * FILL(errors, 0) / requests". */
  readonly expression: string;
  /** Label of the resulting time series. */
  readonly label: string;
  /** Input metrics by id (lower-case letter first, then letters, digits, _; not "result"). */
  readonly metrics: Readonly<Record<string, MetricSpec>>;
}

export interface MetricAlarmProps {
  /** Alarm name, unique in the account and region (1-255 characters). */
  readonly alarmName: string;
  /** What the alarm means and what to look at first; shown in the notification. */
  readonly description: string;
  /** Topic notified when the alarm goes to ALARM and back to OK. */
  readonly topic: AlarmTopic;
  /**
   * The metric evaluated.
   * @default none - then expression is required
   */
  readonly metric?: MetricSpec;
  /**
   * A metric-math expression evaluated instead of a single metric (ratios, sums).
   * @default none - then metric is required
   */
  readonly expression?: MetricMathSpec;
  /** Value compared with each datapoint. */
  readonly threshold: number;
  /** How a datapoint is compared with the threshold. */
  readonly comparison: ComparisonOperator;
  /**
   * Length of one datapoint, seconds: 10, 20, 30 or a multiple of 60.
   * @default 60
   */
  readonly periodSeconds?: number;
  /**
   * Datapoints evaluated (N of "M of N").
   * @default 5
   */
  readonly evaluationPeriods?: number;
  /**
   * Breaching datapoints among them that raise the alarm (M of "M of N").
   * @default 3
   */
  readonly datapointsToAlarm?: number;
  /**
   * How missing datapoints count.
   * @default 'notBreaching'
   */
  readonly treatMissingData?: TreatMissingData;
}

/** One `aws_cloudwatch_metric_alarm` (`<id>_alarm`) notifying an AlarmTopic on ALARM and OK. */
export class MetricAlarm extends Construct {
  readonly alarm: CloudwatchMetricAlarm;
  readonly alarmName: string;

  constructor(scope: Construct, id: string, props: MetricAlarmProps) {
    super(scope, id);
    const p = withDefaults(METRIC_ALARM_DEFAULTS, props);
    validateProps('MetricAlarm', p, [
      { field: 'alarmName', valid: (x) => /^[^\u0000-\u001f]{1,255}$/.test(x.alarmName), expected: '1-255 characters without control characters' },
      { field: 'metric', valid: (x) => (x.metric === undefined) !== (x.expression === undefined), expected: 'exactly one of metric and expression' },
      { field: 'metric', valid: (x) => x.metric === undefined || metricProblem(x.metric) === undefined, expected: metricExpected(p.metric) },
      { field: 'expression', valid: (x) => x.expression === undefined || mathProblem(x.expression) === undefined, expected: mathExpected(p.expression) },
      { field: 'threshold', valid: (x) => Number.isFinite(x.threshold), expected: 'a finite number' },
      { field: 'comparison', valid: (x) => COMPARISONS.includes(x.comparison), expected: `one of ${COMPARISONS.join(', ')}` },
      { field: 'periodSeconds', valid: (x) => [10, 20, 30].includes(x.periodSeconds) || (Number.isInteger(x.periodSeconds) && x.periodSeconds > 0 && x.periodSeconds % 60 === 0), expected: '10, 20, 30 or a multiple of 60' },
      { field: 'evaluationPeriods', valid: (x) => Number.isInteger(x.evaluationPeriods) && x.evaluationPeriods >= 1, expected: 'a whole number >= 1' },
      { field: 'datapointsToAlarm', valid: (x) => Number.isInteger(x.datapointsToAlarm) && x.datapointsToAlarm >= 1 && x.datapointsToAlarm <= x.evaluationPeriods, expected: `a whole number from 1 to evaluationPeriods (${p.evaluationPeriods})` },
      { field: 'treatMissingData', valid: (x) => MISSING_DATA.includes(x.treatMissingData), expected: `one of ${MISSING_DATA.join(', ')}` },
    ]);
    this.alarmName = p.alarmName;
    claimAlarmName(this, p.alarmName);
    const actions = [p.topic.topicArn];
    this.alarm = new CloudwatchMetricAlarm(this, 'alarm', {
      alarmName: p.alarmName,
      alarmDescription: p.description,
      comparisonOperator: p.comparison,
      threshold: p.threshold,
      evaluationPeriods: p.evaluationPeriods,
      datapointsToAlarm: p.datapointsToAlarm,
      treatMissingData: p.treatMissingData,
      actionsEnabled: true,
      alarmActions: actions,
      okActions: actions,
      ...(p.metric
        ? {
            namespace: p.metric.namespace,
            metricName: p.metric.metricName,
            dimensions: { ...p.metric.dimensions },
            period: p.periodSeconds,
            ...(p.metric.statistic ? { statistic: p.metric.statistic } : { extendedStatistic: p.metric.extendedStatistic }),
          }
        : { metricQuery: metricQueries(p.expression!, p.periodSeconds) }),
      tags: nameTags(p.alarmName),
    });
  }

  get alarmArn(): string {
    return this.alarm.arn;
  }
}

/** Alarm names already used in each stack: CloudWatch would silently let two resources overwrite one alarm. */
const ALARM_NAMES = new WeakMap<TerraformStack, Map<string, string>>();

function claimAlarmName(alarm: MetricAlarm, name: string): void {
  const stack = TerraformStack.of(alarm);
  const names = ALARM_NAMES.get(stack) ?? new Map<string, string>();
  ALARM_NAMES.set(stack, names);
  const owner = names.get(name);
  if (owner !== undefined) throw new Error(`MetricAlarm: alarm name "${name}" of ${alarm.node.path} is already used by ${owner}; alarm names must be unique in a region`);
  names.set(name, alarm.node.path);
}

const METRIC_ID = /^[a-z][A-Za-z0-9_]*$/;
const EXTENDED_STATISTIC = /^(p|tm|wm|tc|ts)\d{1,3}(\.\d+)?$/;

function metricProblem(m: MetricSpec): string | undefined {
  if (!m.namespace || !m.metricName) return 'namespace and metricName';
  if ((m.statistic === undefined) === (m.extendedStatistic === undefined)) return 'exactly one of statistic and extendedStatistic';
  if (m.statistic !== undefined && !STATISTICS.includes(m.statistic)) return `statistic one of ${STATISTICS.join(', ')}`;
  if (m.extendedStatistic !== undefined && !EXTENDED_STATISTIC.test(m.extendedStatistic)) return 'extendedStatistic such as p99 or tm90';
  return undefined;
}

function mathProblem(e: MetricMathSpec): string | undefined {
  const ids = Object.keys(e.metrics);
  if (!ids.length) return 'at least one input metric';
  const badId = ids.find((id) => !METRIC_ID.test(id) || id === 'result');
  if (badId) return `metric ids starting with a lower-case letter, then letters, digits or _, not "result" (got "${badId}")`;
  const unused = ids.find((id) => !new RegExp(`\\b${id}\\b`).test(e.expression));
  if (unused) return `every input metric used in the expression ("${unused}" is not)`;
  for (const id of ids) {
    const problem = metricProblem(e.metrics[id]);
    if (problem) return `input metric "${id}": ${problem}`;
  }
  if (!e.label) return 'a label';
  return undefined;
}

function metricExpected(m: MetricSpec | undefined): string {
  return (m && metricProblem(m)) ?? 'a valid metric';
}

function mathExpected(e: MetricMathSpec | undefined): string {
  return (e && mathProblem(e)) ?? 'a valid expression';
}

function metricQueries(e: MetricMathSpec, periodSeconds: number): CloudwatchMetricAlarmMetricQuery[] {
  return [
    ...Object.entries(e.metrics).map(([id, m]) => ({
      id,
      returnData: false,
      metric: {
        namespace: m.namespace,
        metricName: m.metricName,
        dimensions: { ...m.dimensions },
        period: periodSeconds,
        stat: (m.statistic ?? m.extendedStatistic)!,
      },
    })),
    { id: 'result', expression: e.expression, label: e.label, returnData: true },
  ];
}

// ---------------------------------------------------------------------------
// Alarm sets
// ---------------------------------------------------------------------------

/** Props every alarm set takes. */
export interface AlarmSetProps {
  /** On-call topic notified on ALARM and OK. */
  readonly topic: AlarmTopic;
  /**
   * Prefix of the alarm names (`<namePrefix>-<what>`).
   * @default `<topic.namePrefix>-<set id with _ replaced by ->`, e.g. "classifyhub-prod-alb"
   */
  readonly namePrefix?: string;
}

type Window = (typeof ALARM_WINDOWS)[keyof typeof ALARM_WINDOWS];

/** The construct holding a set's alarms and a function adding one alarm to it. */
function alarmSet(scope: Construct, id: string, props: AlarmSetProps) {
  const set = new Construct(scope, id);
  const prefix = props.namePrefix ?? `${props.topic.namePrefix}-${id.replace(/_/g, '-')}`;
  const alarms: MetricAlarm[] = [];
  const add = (alarmId: string, what: string, window: Window, rest: Omit<MetricAlarmProps, 'alarmName' | 'topic' | 'periodSeconds' | 'evaluationPeriods' | 'datapointsToAlarm'>) => {
    alarms.push(new MetricAlarm(set, alarmId, { ...rest, ...window, alarmName: `${prefix}-${what}`, topic: props.topic }));
  };
  return { alarms, add };
}

/** A target group of a load balancer. */
export interface TargetGroupRef {
  /** snake_case name used in alarm ids and names, e.g. "backend". */
  readonly name: string;
  /** ARN suffix (CloudWatch dimension TargetGroup), e.g. "targetgroup/backend/0123456789abcdef". */
  readonly arnSuffix: string;
}

export interface LoadBalancerAlarmsProps extends AlarmSetProps {
  /** ARN suffix of the ALB (CloudWatch dimension LoadBalancer), e.g. "app/classifyhub-prod/0123456789abcdef". */
  readonly loadBalancerArnSuffix: string;
  /** Target groups whose UnHealthyHostCount is watched. */
  readonly targetGroups: readonly TargetGroupRef[];
  /**
   * Maximum 5xx responses (target + load balancer) as a percentage of requests.
   * @default 5
   */
  readonly max5xxPercent?: number;
  /**
   * Maximum p99 of TargetResponseTime, seconds.
   * @default 2
   */
  readonly maxP99LatencySeconds?: number;
  /**
   * Unhealthy targets tolerated per target group.
   * @default 0
   */
  readonly maxUnhealthyHosts?: number;
}

/**
 * ALB alarms: 5xx rate (metric math over HTTPCode_Target_5XX_Count +
 * HTTPCode_ELB_5XX_Count / RequestCount), p99 TargetResponseTime, and
 * UnHealthyHostCount per target group.
 */
export function loadBalancerAlarms(scope: Construct, id: string, props: LoadBalancerAlarmsProps): MetricAlarm[] {
  const p = withDefaults(LOAD_BALANCER_ALARM_DEFAULTS, props);
  validateProps('loadBalancerAlarms', p, [
    ...commonRules<typeof p>(),
    { field: 'loadBalancerArnSuffix', valid: (x) => Token.isUnresolved(x.loadBalancerArnSuffix) || /^app\/[^/]+\/[0-9a-f]+$/.test(x.loadBalancerArnSuffix), expected: 'an ALB ARN suffix such as app/name/0123456789abcdef' },
    { field: 'targetGroups', valid: (x) => x.targetGroups.every((t) => SNAKE.test(t.name) && (Token.isUnresolved(t.arnSuffix) || /^targetgroup\/[^/]+\/[0-9a-f]+$/.test(t.arnSuffix))), expected: 'entries { name: snake_case, arnSuffix: targetgroup/name/id }' },
    { field: 'targetGroups', valid: (x) => unique(x.targetGroups.map((t) => t.name)), expected: 'unique names' },
    { field: 'max5xxPercent', valid: (x) => x.max5xxPercent > 0 && x.max5xxPercent <= 100, expected: 'a percentage above 0, at most 100' },
    { field: 'maxP99LatencySeconds', valid: (x) => x.maxP99LatencySeconds > 0, expected: 'a number of seconds above 0' },
    { field: 'maxUnhealthyHosts', valid: (x) => Number.isInteger(x.maxUnhealthyHosts) && x.maxUnhealthyHosts >= 0, expected: 'a whole number >= 0' },
  ]);
  const { alarms, add } = alarmSet(scope, id, p);
  const lb = { LoadBalancer: p.loadBalancerArnSuffix };
  const alb = (metricName: string): MetricSpec => ({ namespace: 'AWS/ApplicationELB', metricName, dimensions: lb, statistic: 'Sum' });
  add('http_5xx_rate', '5xx-rate', ALARM_WINDOWS.sustained, {
    description: `More than ${p.max5xxPercent}% of ALB requests answered 5xx (target or load balancer) in 3 of 5 minutes.`,
    expression: {
      // 5xx counts are only published when non-zero: FILL them so a minute with requests and no errors is 0%.
      expression: 'IF(requests > 0, 100 * (FILL(target_5xx, 0) + FILL(elb_5xx, 0)) / requests, 0)',
      label: '5xx responses, % of requests',
      metrics: { requests: alb('RequestCount'), target_5xx: alb('HTTPCode_Target_5XX_Count'), elb_5xx: alb('HTTPCode_ELB_5XX_Count') },
    },
    threshold: p.max5xxPercent,
    comparison: 'GreaterThanThreshold',
  });
  add('p99_latency', 'p99-latency', ALARM_WINDOWS.sustained, {
    description: `p99 target response time above ${p.maxP99LatencySeconds} s in 3 of 5 minutes.`,
    metric: { namespace: 'AWS/ApplicationELB', metricName: 'TargetResponseTime', dimensions: lb, extendedStatistic: 'p99' },
    threshold: p.maxP99LatencySeconds,
    comparison: 'GreaterThanThreshold',
  });
  for (const tg of p.targetGroups) {
    add(`unhealthy_hosts_${tg.name}`, `${tg.name.replace(/_/g, '-')}-unhealthy-hosts`, ALARM_WINDOWS.sustained, {
      description: `More than ${p.maxUnhealthyHosts} unhealthy target(s) in target group ${tg.name} in 3 of 5 minutes.`,
      metric: { namespace: 'AWS/ApplicationELB', metricName: 'UnHealthyHostCount', dimensions: { TargetGroup: tg.arnSuffix, ...lb }, statistic: 'Maximum' },
      threshold: p.maxUnhealthyHosts,
      comparison: 'GreaterThanThreshold',
    });
  }
  return alarms;
}

export interface EcsServiceAlarmsProps extends AlarmSetProps {
  /** ECS cluster name (dimension ClusterName). */
  readonly clusterName: string;
  /** ECS service name (dimension ServiceName). */
  readonly serviceName: string;
  /**
   * Maximum average CPUUtilization of the service, percent.
   * @default 85
   */
  readonly maxCpuPercent?: number;
  /**
   * Maximum average MemoryUtilization of the service, percent.
   * @default 85
   */
  readonly maxMemoryPercent?: number;
}

/** ECS service alarms: CPUUtilization and MemoryUtilization (service averages). */
export function ecsServiceAlarms(scope: Construct, id: string, props: EcsServiceAlarmsProps): MetricAlarm[] {
  const p = withDefaults(ECS_SERVICE_ALARM_DEFAULTS, props);
  validateProps('ecsServiceAlarms', p, [
    ...commonRules<typeof p>(),
    { field: 'clusterName', valid: (x) => !!x.clusterName, expected: 'a cluster name' },
    { field: 'serviceName', valid: (x) => !!x.serviceName, expected: 'a service name' },
    percentRule('maxCpuPercent'),
    percentRule('maxMemoryPercent'),
  ]);
  const { alarms, add } = alarmSet(scope, id, p);
  const dimensions = { ClusterName: p.clusterName, ServiceName: p.serviceName };
  add('cpu', 'cpu-high', ALARM_WINDOWS.sustained, {
    description: `ECS service average CPU above ${p.maxCpuPercent}% in 3 of 5 minutes.`,
    metric: { namespace: 'AWS/ECS', metricName: 'CPUUtilization', dimensions, statistic: 'Average' },
    threshold: p.maxCpuPercent,
    comparison: 'GreaterThanThreshold',
  });
  add('memory', 'memory-high', ALARM_WINDOWS.sustained, {
    description: `ECS service average memory above ${p.maxMemoryPercent}% in 3 of 5 minutes.`,
    metric: { namespace: 'AWS/ECS', metricName: 'MemoryUtilization', dimensions, statistic: 'Average' },
    threshold: p.maxMemoryPercent,
    comparison: 'GreaterThanThreshold',
  });
  return alarms;
}

export interface DatabaseAlarmsProps extends AlarmSetProps {
  /** DB instance identifier of the primary (dimension DBInstanceIdentifier). */
  readonly instanceIdentifier: string;
  /**
   * Identifiers of read replicas whose ReplicaLag is watched. Plain strings (not
   * tokens): each names its alarm, `replica_lag_<identifier in snake case>`.
   * @default none
   */
  readonly replicaIdentifiers?: readonly string[];
  /**
   * Maximum average CPUUtilization of the primary, percent.
   * @default 80
   */
  readonly maxCpuPercent?: number;
  /**
   * Minimum FreeStorageSpace of the primary, GiB.
   * @default 10
   */
  readonly minFreeStorageGiB?: number;
  /**
   * Maximum DatabaseConnections of the primary.
   * @default 200
   */
  readonly maxConnections?: number;
  /**
   * Maximum ReplicaLag of each replica, seconds.
   * @default 60
   */
  readonly maxReplicaLagSeconds?: number;
}

/** RDS alarms: CPU, free storage and connections of the primary; ReplicaLag of each replica. */
export function databaseAlarms(scope: Construct, id: string, props: DatabaseAlarmsProps): MetricAlarm[] {
  const p = withDefaults(DATABASE_ALARM_DEFAULTS, props);
  validateProps('databaseAlarms', p, [
    ...commonRules<typeof p>(),
    { field: 'instanceIdentifier', valid: (x) => !!x.instanceIdentifier, expected: 'a DB instance identifier' },
    { field: 'replicaIdentifiers', valid: (x) => x.replicaIdentifiers.every((r) => !Token.isUnresolved(r) && /^[a-zA-Z][a-zA-Z0-9-]{0,62}$/.test(r)), expected: 'plain DB instance identifiers (not tokens: each names an alarm)' },
    { field: 'replicaIdentifiers', valid: (x) => unique(x.replicaIdentifiers.map(snake)), expected: 'unique identifiers' },
    percentRule('maxCpuPercent'),
    { field: 'minFreeStorageGiB', valid: (x) => x.minFreeStorageGiB > 0, expected: 'a number of GiB above 0' },
    { field: 'maxConnections', valid: (x) => Number.isInteger(x.maxConnections) && x.maxConnections >= 1, expected: 'a whole number >= 1' },
    { field: 'maxReplicaLagSeconds', valid: (x) => x.maxReplicaLagSeconds > 0, expected: 'a number of seconds above 0' },
  ]);
  const { alarms, add } = alarmSet(scope, id, p);
  const rds = (metricName: string, statistic: Statistic, instance: string): MetricSpec => ({ namespace: 'AWS/RDS', metricName, dimensions: { DBInstanceIdentifier: instance }, statistic });
  add('cpu', 'cpu-high', ALARM_WINDOWS.sustained, {
    description: `Primary DB average CPU above ${p.maxCpuPercent}% in 3 of 5 minutes.`,
    metric: rds('CPUUtilization', 'Average', p.instanceIdentifier),
    threshold: p.maxCpuPercent,
    comparison: 'GreaterThanThreshold',
  });
  add('free_storage', 'free-storage-low', ALARM_WINDOWS.sustained, {
    description: `Primary DB free storage below ${p.minFreeStorageGiB} GiB.`,
    metric: rds('FreeStorageSpace', 'Minimum', p.instanceIdentifier),
    threshold: p.minFreeStorageGiB * 1024 ** 3,
    comparison: 'LessThanThreshold',
  });
  add('connections', 'connections-high', ALARM_WINDOWS.sustained, {
    description: `Primary DB connections above ${p.maxConnections} in 3 of 5 minutes.`,
    metric: rds('DatabaseConnections', 'Maximum', p.instanceIdentifier),
    threshold: p.maxConnections,
    comparison: 'GreaterThanThreshold',
  });
  for (const replica of p.replicaIdentifiers) {
    add(`replica_lag_${snake(replica)}`, `${replica}-replica-lag`, ALARM_WINDOWS.sustained, {
      description: `Read replica ${replica} lags the primary by more than ${p.maxReplicaLagSeconds} s in 3 of 5 minutes.`,
      metric: rds('ReplicaLag', 'Maximum', replica),
      threshold: p.maxReplicaLagSeconds,
      comparison: 'GreaterThanThreshold',
    });
  }
  return alarms;
}

export interface CacheAlarmsProps extends AlarmSetProps {
  /**
   * Node ids of the replication group (dimension CacheClusterId), e.g.
   * "classifyhub-prod-cache-001". Plain strings (not tokens; member_clusters is
   * only known after apply, but ElastiCache names members `<group id>-00N`):
   * each names its alarms.
   */
  readonly memberClusterIds: readonly string[];
  /**
   * Maximum average EngineCPUUtilization per node, percent.
   * @default 75
   */
  readonly maxCpuPercent?: number;
  /**
   * Maximum average DatabaseMemoryUsagePercentage per node, percent.
   * @default 80
   */
  readonly maxMemoryPercent?: number;
  /**
   * Maximum evictions per node per minute (Sum). Occasional evictions are normal
   * for a read-through cache; a steady rate means the node is too small.
   * @default 100
   */
  readonly maxEvictions?: number;
}

/** ElastiCache (Redis) alarms per node: EngineCPUUtilization, DatabaseMemoryUsagePercentage, Evictions. */
export function cacheAlarms(scope: Construct, id: string, props: CacheAlarmsProps): MetricAlarm[] {
  const p = withDefaults(CACHE_ALARM_DEFAULTS, props);
  validateProps('cacheAlarms', p, [
    ...commonRules<typeof p>(),
    { field: 'memberClusterIds', valid: (x) => x.memberClusterIds.length > 0, expected: 'at least one node id' },
    { field: 'memberClusterIds', valid: (x) => x.memberClusterIds.every((m) => !Token.isUnresolved(m) && /^[a-zA-Z][a-zA-Z0-9-]{0,49}$/.test(m)), expected: 'plain node ids such as classifyhub-prod-cache-001 (not tokens: each names alarms)' },
    { field: 'memberClusterIds', valid: (x) => unique(x.memberClusterIds.map(snake)), expected: 'unique node ids' },
    percentRule('maxCpuPercent'),
    percentRule('maxMemoryPercent'),
    { field: 'maxEvictions', valid: (x) => Number.isInteger(x.maxEvictions) && x.maxEvictions >= 0, expected: 'a whole number >= 0' },
  ]);
  const { alarms, add } = alarmSet(scope, id, p);
  for (const member of p.memberClusterIds) {
    const dimensions = { CacheClusterId: member };
    const key = snake(member);
    add(`cpu_${key}`, `${member}-cpu-high`, ALARM_WINDOWS.sustained, {
      description: `Cache node ${member}: Redis engine CPU above ${p.maxCpuPercent}% in 3 of 5 minutes.`,
      metric: { namespace: 'AWS/ElastiCache', metricName: 'EngineCPUUtilization', dimensions, statistic: 'Average' },
      threshold: p.maxCpuPercent,
      comparison: 'GreaterThanThreshold',
    });
    add(`memory_${key}`, `${member}-memory-high`, ALARM_WINDOWS.sustained, {
      description: `Cache node ${member}: memory used above ${p.maxMemoryPercent}% of maxmemory in 3 of 5 minutes.`,
      metric: { namespace: 'AWS/ElastiCache', metricName: 'DatabaseMemoryUsagePercentage', dimensions, statistic: 'Average' },
      threshold: p.maxMemoryPercent,
      comparison: 'GreaterThanThreshold',
    });
    add(`evictions_${key}`, `${member}-evictions`, ALARM_WINDOWS.sustained, {
      description: `Cache node ${member}: more than ${p.maxEvictions} evictions per minute in 3 of 5 minutes (node too small).`,
      metric: { namespace: 'AWS/ElastiCache', metricName: 'Evictions', dimensions, statistic: 'Sum' },
      threshold: p.maxEvictions,
      comparison: 'GreaterThanThreshold',
    });
  }
  return alarms;
}

export interface SearchAlarmsProps extends AlarmSetProps {
  /** OpenSearch domain name (dimension DomainName). */
  readonly domainName: string;
  /** Account id of the domain (dimension ClientId). */
  readonly accountId: string;
  /**
   * Minimum FreeStorageSpace of the fullest node, MiB.
   * @default 20480
   */
  readonly minFreeStorageMiB?: number;
  /**
   * Maximum JVMMemoryPressure of any node, percent.
   * @default 80
   */
  readonly maxJvmPressurePercent?: number;
}

/** OpenSearch alarms: cluster red (1 minute), cluster yellow (5 minutes), FreeStorageSpace, JVMMemoryPressure. */
export function searchAlarms(scope: Construct, id: string, props: SearchAlarmsProps): MetricAlarm[] {
  const p = withDefaults(SEARCH_ALARM_DEFAULTS, props);
  validateProps('searchAlarms', p, [
    ...commonRules<typeof p>(),
    { field: 'domainName', valid: (x) => Token.isUnresolved(x.domainName) || /^[a-z][a-z0-9-]{2,27}$/.test(x.domainName), expected: 'an OpenSearch domain name (3-28 of a-z, 0-9, -)' },
    { field: 'accountId', valid: (x) => Token.isUnresolved(x.accountId) || /^\d{12}$/.test(x.accountId), expected: 'a 12-digit AWS account id' },
    { field: 'minFreeStorageMiB', valid: (x) => x.minFreeStorageMiB > 0, expected: 'a number of MiB above 0' },
    percentRule('maxJvmPressurePercent'),
  ]);
  const { alarms, add } = alarmSet(scope, id, p);
  const es = (metricName: string, statistic: Statistic): MetricSpec => ({ namespace: 'AWS/ES', metricName, dimensions: { DomainName: p.domainName, ClientId: p.accountId }, statistic });
  add('cluster_red', 'cluster-red', ALARM_WINDOWS.immediate, {
    description: 'OpenSearch cluster status red: at least one primary shard is unassigned (data missing from searches).',
    metric: es('ClusterStatus.red', 'Maximum'),
    threshold: 1,
    comparison: 'GreaterThanOrEqualToThreshold',
  });
  add('cluster_yellow', 'cluster-yellow', ALARM_WINDOWS.persistent, {
    description: 'OpenSearch cluster status yellow for 5 minutes: replica shards unassigned (no redundancy).',
    metric: es('ClusterStatus.yellow', 'Maximum'),
    threshold: 1,
    comparison: 'GreaterThanOrEqualToThreshold',
  });
  add('free_storage', 'free-storage-low', ALARM_WINDOWS.immediate, {
    description: `OpenSearch node with less than ${p.minFreeStorageMiB} MiB free storage (writes are blocked when a node fills).`,
    metric: es('FreeStorageSpace', 'Minimum'),
    threshold: p.minFreeStorageMiB,
    comparison: 'LessThanOrEqualToThreshold',
  });
  add('jvm_memory_pressure', 'jvm-memory-pressure', ALARM_WINDOWS.sustained, {
    description: `OpenSearch JVM memory pressure above ${p.maxJvmPressurePercent}% in 3 of 5 minutes.`,
    metric: es('JVMMemoryPressure', 'Maximum'),
    threshold: p.maxJvmPressurePercent,
    comparison: 'GreaterThanThreshold',
  });
  return alarms;
}

export interface QueueAlarmsProps extends AlarmSetProps {
  /** Name of the main queue (dimension QueueName). */
  readonly queueName: string;
  /** Name of its dead-letter queue (dimension QueueName). */
  readonly deadLetterQueueName: string;
  /**
   * Maximum ApproximateAgeOfOldestMessage of the main queue, seconds.
   * @default 900
   */
  readonly maxOldestMessageAgeSeconds?: number;
}

/** SQS alarms: any message in the dead-letter queue (1 minute), and the age of the main queue's oldest message. */
export function queueAlarms(scope: Construct, id: string, props: QueueAlarmsProps): MetricAlarm[] {
  const p = withDefaults(QUEUE_ALARM_DEFAULTS, props);
  validateProps('queueAlarms', p, [
    ...commonRules<typeof p>(),
    { field: 'queueName', valid: (x) => Token.isUnresolved(x.queueName) || /^[A-Za-z0-9_-]{1,80}$/.test(x.queueName), expected: 'an SQS queue name' },
    { field: 'deadLetterQueueName', valid: (x) => Token.isUnresolved(x.deadLetterQueueName) || /^[A-Za-z0-9_-]{1,80}$/.test(x.deadLetterQueueName), expected: 'an SQS queue name' },
    { field: 'maxOldestMessageAgeSeconds', valid: (x) => Number.isInteger(x.maxOldestMessageAgeSeconds) && x.maxOldestMessageAgeSeconds >= 1, expected: 'a whole number of seconds >= 1' },
  ]);
  const { alarms, add } = alarmSet(scope, id, p);
  add('dead_letter_messages', 'dead-letter-messages', ALARM_WINDOWS.immediate, {
    description: 'Messages in the dead-letter queue: processing failed maxReceiveCount times. Inspect, fix, redrive.',
    metric: { namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesVisible', dimensions: { QueueName: p.deadLetterQueueName }, statistic: 'Maximum' },
    threshold: 0,
    comparison: 'GreaterThanThreshold',
  });
  add('oldest_message_age', 'oldest-message-age', ALARM_WINDOWS.sustained, {
    description: `Oldest message in the queue older than ${p.maxOldestMessageAgeSeconds} s in 3 of 5 minutes: consumers are stuck or too slow.`,
    metric: { namespace: 'AWS/SQS', metricName: 'ApproximateAgeOfOldestMessage', dimensions: { QueueName: p.queueName }, statistic: 'Maximum' },
    threshold: p.maxOldestMessageAgeSeconds,
    comparison: 'GreaterThanThreshold',
  });
  return alarms;
}

function commonRules<P extends AlarmSetProps>(): PropRule<P>[] {
  return [{ field: 'namePrefix', valid: (x) => x.namePrefix === undefined || /^[A-Za-z0-9_.-]{1,200}$/.test(x.namePrefix), expected: '1-200 characters of [A-Za-z0-9_.-]' }];
}

function percentRule<K extends string>(field: K): PropRule<Record<K, number>> {
  return { field, valid: (x) => x[field] > 0 && x[field] <= 100, expected: 'a percentage above 0, at most 100' };
}

// ---------------------------------------------------------------------------
// Dashboard
// ---------------------------------------------------------------------------

/** A metric line of a metric widget. */
export interface DashboardMetric {
  readonly namespace: string;
  readonly metricName: string;
  /** @default none */
  readonly dimensions?: Readonly<Record<string, string>>;
  /** @default the widget's stat */
  readonly stat?: string;
  /** @default CloudWatch's label (metric name and dimensions) */
  readonly label?: string;
  /** Id to use the metric in expressions (lower-case letter first). @default none */
  readonly id?: string;
  /** False hides an input of an expression. @default true */
  readonly visible?: boolean;
}

/** A metric-math line of a metric widget. */
export interface DashboardExpression {
  /** Expression over metric ids of the same widget. */
  readonly expression: string;
  readonly label: string;
  /** Id of the result (lower-case letter first). */
  readonly id: string;
}

export interface MetricWidgetSpec {
  readonly type: 'metric';
  readonly title: string;
  readonly metrics: readonly (DashboardMetric | DashboardExpression)[];
  /** Region of the metrics. @default the dashboard's region */
  readonly region?: string;
  /** @default 'Average' */
  readonly stat?: string;
  /** @default 300 */
  readonly periodSeconds?: number;
  /** @default 'timeSeries' */
  readonly view?: 'timeSeries' | 'singleValue' | 'bar';
  /** @default false */
  readonly stacked?: boolean;
  /** Grid columns (1-24). @default 12 */
  readonly width?: number;
  /** Grid rows. @default 6 */
  readonly height?: number;
}

export interface TextWidgetSpec {
  readonly type: 'text';
  /** Markdown shown in the widget. */
  readonly markdown: string;
  /** @default 24 */
  readonly width?: number;
  /** @default 2 */
  readonly height?: number;
}

export interface AlarmStatusWidgetSpec {
  readonly type: 'alarm';
  readonly title: string;
  readonly alarms: readonly MetricAlarm[];
  /** @default 24 */
  readonly width?: number;
  /** @default 1 + one row per 4 alarms */
  readonly height?: number;
}

export interface AlarmGraphWidgetSpec {
  readonly type: 'alarmGraph';
  /** The alarm whose metric and threshold are drawn. */
  readonly alarm: MetricAlarm;
  /** @default the alarm name */
  readonly title?: string;
  /** Region of the alarm. @default the dashboard's region */
  readonly region?: string;
  /** @default 8 */
  readonly width?: number;
  /** @default 6 */
  readonly height?: number;
}

export type WidgetSpec = MetricWidgetSpec | TextWidgetSpec | AlarmStatusWidgetSpec | AlarmGraphWidgetSpec;

export interface DashboardProps {
  /** Dashboard name (1-255 characters of [A-Za-z0-9_-]). */
  readonly namePrefix: string;
  /** Default region of metric and alarm widgets, e.g. "eu-west-1". */
  readonly region: string;
  /**
   * Widgets, in order; more can be added with addWidget / addAlarmWidgets.
   * @default none
   */
  readonly widgets?: readonly WidgetSpec[];
}

/**
 * A CloudWatch dashboard named `<namePrefix>`. Widgets are laid out in the
 * order added, left to right in rows of 24 columns (a widget that does not
 * fit starts a new row below the tallest widget of the row), so the body is
 * a pure function of the widget list.
 */
export class Dashboard extends Construct {
  readonly dashboard: CloudwatchDashboard;
  readonly region: string;
  private readonly name: string;
  private readonly widgets: WidgetSpec[] = [];

  constructor(scope: Construct, id: string, props: DashboardProps) {
    super(scope, id);
    validateProps('Dashboard', props, [
      { field: 'namePrefix', valid: (x) => /^[A-Za-z0-9_-]{1,255}$/.test(x.namePrefix), expected: '1-255 characters of [A-Za-z0-9_-]' },
      { field: 'region', valid: (x) => /^[a-z]{2}(-[a-z]+)+-\d$/.test(x.region), expected: 'an AWS region such as eu-west-1' },
    ]);
    this.region = props.region;
    this.name = props.namePrefix;
    (props.widgets ?? []).forEach((w) => this.addWidget(w));
    this.dashboard = new CloudwatchDashboard(this, 'dashboard', {
      dashboardName: props.namePrefix,
      dashboardBody: Lazy.stringValue({ produce: () => this.renderBody() }),
    });
  }

  get dashboardName(): string {
    return this.name;
  }

  /** Appends a widget. */
  addWidget(widget: WidgetSpec): void {
    validateProps('Dashboard.addWidget', widget, [
      { field: 'width', valid: (x) => x.width === undefined || (Number.isInteger(x.width) && x.width >= 1 && x.width <= DASHBOARD_DEFAULTS.gridColumns), expected: 'a whole number from 1 to 24' },
      { field: 'height', valid: (x) => x.height === undefined || (Number.isInteger(x.height) && x.height >= 1 && x.height <= 1000), expected: 'a whole number from 1 to 1000' },
      { field: 'metrics', valid: (x) => x.type !== 'metric' || x.metrics.length > 0, expected: 'at least one metric' },
      { field: 'alarms', valid: (x) => x.type !== 'alarm' || (x.alarms.length > 0 && x.alarms.length <= 100), expected: '1-100 alarms' },
    ]);
    this.widgets.push(widget);
  }

  /**
   * Adds an alarm-status widget for a set of alarms and, unless `graphs` is
   * false, one graph per alarm (its metric with the threshold line).
   */
  addAlarmWidgets(alarms: readonly MetricAlarm[], options: { readonly title?: string; readonly graphs?: boolean } = {}): void {
    const parents = [...new Set(alarms.map((a) => a.node.scope?.node.id ?? ''))];
    const title = options.title ?? (parents.length === 1 && parents[0] ? `Alarms: ${parents[0].replace(/_/g, '-')}` : 'Alarms');
    this.addWidget({ type: 'alarm', title, alarms });
    if (options.graphs ?? true) alarms.forEach((alarm) => this.addWidget({ type: 'alarmGraph', alarm }));
  }

  /** The dashboard body JSON (alarm ARNs as tokens); for tests and reviewers. */
  renderBody(): string {
    return JSON.stringify({ widgets: layout(this.widgets.map((w) => this.renderWidget(w))) });
  }

  private renderWidget(w: WidgetSpec): RenderedWidget {
    const d = DASHBOARD_DEFAULTS;
    switch (w.type) {
      case 'metric':
        return {
          type: 'metric',
          width: w.width ?? d.metricWidget.width,
          height: w.height ?? d.metricWidget.height,
          properties: {
            title: w.title,
            region: w.region ?? this.region,
            view: w.view ?? 'timeSeries',
            stacked: w.stacked ?? false,
            stat: w.stat ?? d.metricWidget.stat,
            period: w.periodSeconds ?? d.metricWidget.periodSeconds,
            metrics: w.metrics.map(renderMetricLine),
          },
        };
      case 'text':
        return { type: 'text', width: w.width ?? d.textWidget.width, height: w.height ?? d.textWidget.height, properties: { markdown: w.markdown } };
      case 'alarm':
        return {
          type: 'alarm',
          width: w.width ?? d.alarmStatusWidget.width,
          height: w.height ?? 1 + Math.ceil(w.alarms.length / d.alarmStatusWidget.alarmsPerRow),
          properties: { title: w.title, alarms: w.alarms.map((a) => a.alarmArn) },
        };
      case 'alarmGraph':
        return {
          type: 'metric',
          width: w.width ?? d.alarmGraphWidget.width,
          height: w.height ?? d.alarmGraphWidget.height,
          properties: { title: w.title ?? w.alarm.alarmName, region: w.region ?? this.region, view: 'timeSeries', stacked: false, annotations: { alarms: [w.alarm.alarmArn] } },
        };
    }
  }
}

function renderMetricLine(m: DashboardMetric | DashboardExpression): unknown[] {
  if ('expression' in m) return [{ expression: m.expression, label: m.label, id: m.id }];
  const options: Record<string, unknown> = {};
  if (m.stat !== undefined) options.stat = m.stat;
  if (m.label !== undefined) options.label = m.label;
  if (m.id !== undefined) options.id = m.id;
  if (m.visible !== undefined) options.visible = m.visible;
  const dims = Object.entries(m.dimensions ?? {}).flat();
  return [m.namespace, m.metricName, ...dims, ...(Object.keys(options).length ? [options] : [])];
}

interface RenderedWidget {
  readonly type: string;
  readonly width: number;
  readonly height: number;
  readonly properties: Record<string, unknown>;
}

/** Places widgets left to right in rows of 24 columns; a widget that does not fit starts a new row. */
function layout(widgets: readonly RenderedWidget[]): Record<string, unknown>[] {
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  return widgets.map((w) => {
    if (x + w.width > DASHBOARD_DEFAULTS.gridColumns) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    const placed = { type: w.type, x, y, width: w.width, height: w.height, properties: w.properties };
    x += w.width;
    rowHeight = Math.max(rowHeight, w.height);
    return placed;
  });
}

// ---------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------

const EMAIL = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/;
const SNAKE = /^[a-z][a-z0-9_]*$/;

/** "Ops.Team@example.com" → "ops_team_at_example_com": the stable key of an e-mail subscription. */
export function emailKey(address: string): string {
  return snake(address.toLowerCase().replace('@', '_at_'));
}

function snake(text: string): string {
  return text.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '').toLowerCase();
}

function unique(values: readonly string[]): boolean {
  return new Set(values).size === values.length;
}
