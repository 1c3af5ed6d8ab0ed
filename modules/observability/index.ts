/**
 * Observability, as parts: the on-call topic (topic.ts, built on modules/topic), one CloudWatch
 * alarm and its types (alarm.ts), the dashboard (dashboard.ts) and one file per alarm set. This
 * barrel re-exports all of them; import from here.
 */
export { AlarmTopic, emailKey } from './topic';
export type { AlarmTopicProps, HttpsSubscription } from './topic';
export { MetricAlarm } from './alarm';
export type { AlarmSetProps, ComparisonOperator, MetricAlarmProps, MetricMathSpec, MetricSpec, Statistic, TreatMissingData } from './alarm';
export { Dashboard } from './dashboard';
export type { AlarmGraphWidgetSpec, AlarmStatusWidgetSpec, DashboardExpression, DashboardMetric, DashboardProps, MetricWidgetSpec, TextWidgetSpec, WidgetSpec } from './dashboard';
export { loadBalancerAlarms } from './load-balancer-alarms';
export type { LoadBalancerAlarmsProps, TargetGroupRef } from './load-balancer-alarms';
export { ecsServiceAlarms } from './ecs-alarms';
export type { EcsServiceAlarmsProps } from './ecs-alarms';
export { databaseAlarms } from './database-alarms';
export type { DatabaseAlarmsProps } from './database-alarms';
export { cacheAlarms } from './cache-alarms';
export type { CacheAlarmsProps } from './cache-alarms';
export { searchAlarms } from './search-alarms';
export type { SearchAlarmsProps } from './search-alarms';
export { queueAlarms } from './queue-alarms';
export type { QueueAlarmsProps } from './queue-alarms';
export { functionAlarms } from './function-alarms';
export type { FunctionAlarmsProps } from './function-alarms';
export { grantPutMetricData } from './metrics';
