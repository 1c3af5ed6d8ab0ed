/** MetricAlarm (one CloudWatch alarm notifying an AlarmTopic), its types, and what every alarm set shares. */
import { Construct } from 'constructs';
import { TerraformStack } from 'cdktf';
import { CloudwatchMetricAlarm, CloudwatchMetricAlarmMetricQuery } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { PropRule, validateProps, withDefaults } from '../core/props';
import { nameTags } from '../core/tags';
import { ALARM_WINDOWS, METRIC_ALARM_DEFAULTS } from './defaults';
import type { AlarmTopic } from './topic';

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

export type Window = (typeof ALARM_WINDOWS)[keyof typeof ALARM_WINDOWS];

/** The construct holding a set's alarms and a function adding one alarm to it. */
export function alarmSet(scope: Construct, id: string, props: AlarmSetProps) {
  const set = new Construct(scope, id);
  const prefix = props.namePrefix ?? `${props.topic.namePrefix}-${id.replace(/_/g, '-')}`;
  const alarms: MetricAlarm[] = [];
  const add = (alarmId: string, what: string, window: Window, rest: Omit<MetricAlarmProps, 'alarmName' | 'topic' | 'periodSeconds' | 'evaluationPeriods' | 'datapointsToAlarm'>) => {
    alarms.push(new MetricAlarm(set, alarmId, { ...rest, ...window, alarmName: `${prefix}-${what}`, topic: props.topic }));
  };
  return { alarms, add };
}

export function commonRules<P extends AlarmSetProps>(): PropRule<P>[] {
  return [{ field: 'namePrefix', valid: (x) => x.namePrefix === undefined || /^[A-Za-z0-9_.-]{1,200}$/.test(x.namePrefix), expected: '1-200 characters of [A-Za-z0-9_.-]' }];
}

export function percentRule<K extends string>(field: K): PropRule<Record<K, number>> {
  return { field, valid: (x) => x[field] > 0 && x[field] <= 100, expected: 'a percentage above 0, at most 100' };
}
