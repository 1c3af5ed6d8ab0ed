/** Alarm set of an Application Load Balancer and its target groups. */
import { Construct } from 'constructs';
import { Token } from 'cdktf';
import { validateProps, withDefaults } from '../core/props';
import { ALARM_WINDOWS, LOAD_BALANCER_ALARM_DEFAULTS } from './defaults';
import { AlarmSetProps, MetricAlarm, MetricSpec, alarmSet, commonRules } from './alarm';
import { SNAKE, unique } from './util';

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
