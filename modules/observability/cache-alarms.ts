/** Alarm set of an ElastiCache replication group. */
import { Construct } from 'constructs';
import { Token } from 'cdktf';
import { validateProps, withDefaults } from '../core/props';
import { ALARM_WINDOWS, CACHE_ALARM_DEFAULTS } from './defaults';
import { AlarmSetProps, MetricAlarm, alarmSet, commonRules, percentRule } from './alarm';
import { snake, unique } from './util';

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
