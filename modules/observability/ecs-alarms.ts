/** Alarm set of an ECS service. */
import { Construct } from 'constructs';
import { validateProps, withDefaults } from '../core/props';
import { ALARM_WINDOWS, ECS_SERVICE_ALARM_DEFAULTS } from './defaults';
import { AlarmSetProps, MetricAlarm, alarmSet, commonRules, percentRule } from './alarm';

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
