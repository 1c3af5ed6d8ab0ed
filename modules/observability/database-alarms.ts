/** Alarm set of an RDS database and its replicas. */
import { Construct } from 'constructs';
import { Token } from 'cdktf';
import { validateProps, withDefaults } from '../core/props';
import { ALARM_WINDOWS, DATABASE_ALARM_DEFAULTS } from './defaults';
import { AlarmSetProps, MetricAlarm, MetricSpec, Statistic, alarmSet, commonRules, percentRule } from './alarm';
import { snake, unique } from './util';

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
