/** Alarm set of an OpenSearch domain. */
import { Construct } from 'constructs';
import { Token } from 'cdktf';
import { validateProps, withDefaults } from '../core/props';
import { ALARM_WINDOWS, SEARCH_ALARM_DEFAULTS } from './defaults';
import { AlarmSetProps, MetricAlarm, MetricSpec, Statistic, alarmSet, commonRules, percentRule } from './alarm';

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
