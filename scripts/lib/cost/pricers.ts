/**
 * How each resource type turns into monthly cost lines: a table from Terraform resource type to a
 * pricer. Fixed costs come from the resource's own configuration (instance class, size, count);
 * usage-based costs from the usage model. A type in FREE_TYPES costs nothing by itself (its cost,
 * if any, is counted on the resource it configures); a type in neither table is reported unpriced.
 */
import type { Usage } from './usage';

/** One priced quantity: `quantity` × `unit_usd` = `monthly_usd`. */
export interface CostLine {
  readonly what: string;
  readonly quantity: number;
  readonly unit: string;
  readonly unit_usd: number;
  readonly monthly_usd: number;
}

/** What a pricer can read and look up. */
export interface PricingContext {
  readonly hoursPerMonth: number;
  /** The resource's synthesized configuration. */
  readonly config: Record<string, unknown>;
  /** Usage figures for this resource. */
  readonly usage: Usage;
  /** Unit price of a table key in the resource's region; undefined when the table lacks it. */
  price(key: string): { usd: number; unit: string } | undefined;
  /** Configuration of the resource a "${type.name.attr}" reference points at, in the same stack. */
  resolve(reference: unknown): { type: string; config: Record<string, unknown> } | undefined;
}

/** A pricer returns its lines, or a reason the resource cannot be priced (e.g. an instance type missing from the table). */
export type Pricer = (ctx: PricingContext) => CostLine[] | { unpriced: string };

/** Builds lines, failing the whole resource with a reason when a price is missing from the table. */
class Lines {
  readonly lines: CostLine[] = [];
  missing: string | undefined;
  constructor(private readonly ctx: PricingContext) {}
  add(key: string, what: string, quantity: number): this {
    const p = this.ctx.price(key);
    if (!p) {
      this.missing ??= `no price "${key}" in the price table`;
      return this;
    }
    this.lines.push({ what, quantity: round(quantity, 6), unit: p.unit, unit_usd: p.usd, monthly_usd: round(quantity * p.usd, 6) });
    return this;
  }
  done(): CostLine[] | { unpriced: string } {
    return this.missing ? { unpriced: this.missing } : this.lines;
  }
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
const num = (v: unknown, fallback = 0): number => (typeof v === 'number' ? v : typeof v === 'string' && /^\d+(\.\d+)?$/.test(v) ? Number(v) : fallback);
const first = (v: unknown): Record<string, unknown> => (Array.isArray(v) ? ((v[0] ?? {}) as Record<string, unknown>) : ((v ?? {}) as Record<string, unknown>));
const fmt = (n: number) => n.toLocaleString('en-US');

function usageLine(l: Lines, key: string, what: string, quantity: number): Lines {
  return l.add(key, `${what} (assumed ${fmt(quantity)})`, quantity);
}

const ec2Instance = (ctx: PricingContext, type: string, count: number, label: string, l: Lines) =>
  l.add(`ec2.instance:${type}`, `${label}: ${count} × ${type} × ${ctx.hoursPerMonth} h`, count * ctx.hoursPerMonth);

function ebs(l: Lines, volumeType: unknown, sizeGb: number, label: string): void {
  const type = typeof volumeType === 'string' ? volumeType : 'gp3';
  l.add(`ebs.${type}.gb_month`, `${label}: ${sizeGb} GB ${type}`, sizeGb);
}

/** Monthly cost of each priced resource type. */
export const PRICERS: Record<string, Pricer> = {
  aws_instance: (ctx) => {
    const l = new Lines(ctx);
    ec2Instance(ctx, String(ctx.config.instance_type), 1, 'instance', l);
    const root = first(ctx.config.root_block_device);
    ebs(l, root.volume_type, num(root.volume_size, 8), 'root volume');
    if (ctx.config.monitoring === true) l.add('ec2.detailed_monitoring', 'detailed monitoring', 1);
    if (ctx.config.associate_public_ip_address === true) l.add('ec2.public_ipv4', `public IPv4 × ${ctx.hoursPerMonth} h`, ctx.hoursPerMonth);
    return l.done();
  },
  aws_autoscaling_group: (ctx) => {
    const l = new Lines(ctx);
    const template = ctx.resolve(first(ctx.config.launch_template).id);
    if (!template) return { unpriced: 'launch template not found in the stack' };
    const count = num(ctx.config.desired_capacity, num(ctx.config.min_size, 0));
    ec2Instance(ctx, String(template.config.instance_type), count, `instances (desired capacity ${count})`, l);
    for (const mapping of (template.config.block_device_mappings as Record<string, unknown>[] | undefined) ?? []) {
      const e = first(mapping.ebs);
      ebs(l, e.volume_type, num(e.volume_size, 8) * count, `${count} × ${String(mapping.device_name)}`);
    }
    if (first(template.config.monitoring).enabled === true) l.add('ec2.detailed_monitoring', `detailed monitoring × ${count}`, count);
    return l.done();
  },
  aws_ebs_volume: (ctx) => {
    const l = new Lines(ctx);
    ebs(l, ctx.config.type, num(ctx.config.size), 'volume');
    return l.done();
  },
  aws_eip: (ctx) => new Lines(ctx).add('ec2.public_ipv4', `public IPv4 × ${ctx.hoursPerMonth} h`, ctx.hoursPerMonth).done(),
  aws_nat_gateway: (ctx) => {
    const l = new Lines(ctx).add('nat.hour', `NAT gateway × ${ctx.hoursPerMonth} h`, ctx.hoursPerMonth);
    return usageLine(l, 'nat.gb', 'data processed, GB', ctx.usage('gbPerMonth')).done();
  },
  aws_vpc_endpoint: (ctx) => {
    if (ctx.config.vpc_endpoint_type !== 'Interface') return [];
    const zones = Array.isArray(ctx.config.subnet_ids) ? ctx.config.subnet_ids.length : 1;
    const l = new Lines(ctx).add('vpce.interface.az_hour', `${zones} AZ × ${ctx.hoursPerMonth} h`, zones * ctx.hoursPerMonth);
    return usageLine(l, 'vpce.interface.gb', 'data processed, GB', ctx.usage('gbPerMonth')).done();
  },
  aws_lb: (ctx) => {
    const kind = ctx.config.load_balancer_type === 'network' ? 'nlb' : 'alb';
    const l = new Lines(ctx).add(`${kind}.hour`, `${kind.toUpperCase()} × ${ctx.hoursPerMonth} h`, ctx.hoursPerMonth);
    const lcu = ctx.usage('capacityUnitsPerHour');
    return l.add(`${kind}.${kind === 'nlb' ? 'nlcu' : 'lcu'}_hour`, `capacity units (assumed ${lcu} per hour) × ${ctx.hoursPerMonth} h`, lcu * ctx.hoursPerMonth).done();
  },
  aws_ecs_service: (ctx) => {
    const task = ctx.resolve(ctx.config.task_definition);
    if (!task) return { unpriced: 'task definition not found in the stack' };
    const count = num(ctx.config.desired_count, 1);
    const vcpu = num(task.config.cpu) / 1024;
    const gb = num(task.config.memory) / 1024;
    const arch = first(task.config.runtime_platform).cpu_architecture === 'ARM64' ? 'arm' : 'x86';
    const hours = count * ctx.hoursPerMonth;
    return new Lines(ctx)
      .add(`fargate.${arch}.vcpu_hour`, `${count} tasks × ${vcpu} vCPU × ${ctx.hoursPerMonth} h`, hours * vcpu)
      .add(`fargate.${arch}.gb_hour`, `${count} tasks × ${gb} GB × ${ctx.hoursPerMonth} h`, hours * gb)
      .done();
  },
  aws_db_instance: (ctx) => {
    const copies = ctx.config.multi_az === true ? 2 : 1;
    const cls = String(ctx.config.instance_class);
    const l = new Lines(ctx).add(`rds.postgres.instance:${cls}`, `${copies === 2 ? 'Multi-AZ (2 instances)' : 'Single-AZ'} ${cls} × ${ctx.hoursPerMonth} h`, copies * ctx.hoursPerMonth);
    const storage = num(ctx.config.allocated_storage, 20);
    return l.add('rds.storage.gp3.gb_month', `${storage} GB storage${copies === 2 ? ' × 2 (Multi-AZ)' : ''}`, storage * copies).done();
  },
  aws_rds_cluster: (ctx) => {
    const cls = ctx.config.db_cluster_instance_class;
    if (typeof cls !== 'string') return { unpriced: 'Aurora clusters (priced per aws_rds_cluster_instance) are not in the price table' };
    const l = new Lines(ctx).add(`rds.postgres.instance:${cls}`, `Multi-AZ DB cluster: 3 × ${cls} × ${ctx.hoursPerMonth} h`, 3 * ctx.hoursPerMonth);
    const storage = num(ctx.config.allocated_storage, 100);
    l.add('rds.cluster_storage.gb_month', `${storage} GB cluster storage`, storage);
    // io1/io2 clusters provision IOPS (required for them); gp3 clusters without iops run on the baseline.
    const iops = num(ctx.config.iops, 0);
    if (iops > 0) l.add('rds.cluster_iops.iops_month', `${iops.toLocaleString('en-US')} provisioned IOPS`, iops);
    return l.done();
  },
  aws_elasticache_replication_group: (ctx) => {
    const groups = num(ctx.config.num_node_groups, 0);
    const nodes = groups > 0 ? groups * (num(ctx.config.replicas_per_node_group) + 1) : num(ctx.config.num_cache_clusters, 1);
    const type = String(ctx.config.node_type);
    return new Lines(ctx).add(`elasticache.node:${type}`, `${nodes} nodes × ${type} × ${ctx.hoursPerMonth} h`, nodes * ctx.hoursPerMonth).done();
  },
  aws_opensearch_domain: (ctx) => {
    const cluster = first(ctx.config.cluster_config);
    const count = num(cluster.instance_count, 1);
    const type = String(cluster.instance_type);
    const l = new Lines(ctx).add(`opensearch.instance:${type}`, `${count} × ${type} × ${ctx.hoursPerMonth} h`, count * ctx.hoursPerMonth);
    if (cluster.dedicated_master_enabled === true) {
      const masters = num(cluster.dedicated_master_count, 3);
      l.add(`opensearch.instance:${String(cluster.dedicated_master_type)}`, `${masters} dedicated masters × ${ctx.hoursPerMonth} h`, masters * ctx.hoursPerMonth);
    }
    const ebsOptions = first(ctx.config.ebs_options);
    if (ebsOptions.ebs_enabled !== false) {
      const size = num(ebsOptions.volume_size, 10);
      l.add('opensearch.storage.gp3.gb_month', `${count} × ${size} GB gp3`, count * size);
    }
    return l.done();
  },
  aws_lambda_function: (ctx) => {
    const requests = ctx.usage('requestsPerMonth');
    const seconds = ctx.usage('averageDurationMs') / 1000;
    const gb = num(ctx.config.memory_size, 128) / 1024;
    const arch = Array.isArray(ctx.config.architectures) && ctx.config.architectures[0] === 'arm64' ? 'arm' : 'x86';
    const l = usageLine(new Lines(ctx), 'lambda.request', 'requests', requests);
    return l.add(`lambda.${arch}.gb_second`, `${fmt(requests)} × ${seconds} s (assumed) × ${gb} GB`, requests * seconds * gb).done();
  },
  aws_dynamodb_table: (ctx) => {
    const l = new Lines(ctx);
    if (ctx.config.billing_mode === 'PROVISIONED') {
      const gsis = (ctx.config.global_secondary_index as Record<string, unknown>[] | undefined) ?? [];
      const wcu = num(ctx.config.write_capacity) + gsis.reduce((n, g) => n + num(g.write_capacity), 0);
      const rcu = num(ctx.config.read_capacity) + gsis.reduce((n, g) => n + num(g.read_capacity), 0);
      l.add('dynamodb.provisioned.wcu_hour', `${wcu} WCU × ${ctx.hoursPerMonth} h`, wcu * ctx.hoursPerMonth);
      l.add('dynamodb.provisioned.rcu_hour', `${rcu} RCU × ${ctx.hoursPerMonth} h`, rcu * ctx.hoursPerMonth);
    } else {
      usageLine(l, 'dynamodb.ondemand.write_request', 'write request units', ctx.usage('writesPerMonth'));
      usageLine(l, 'dynamodb.ondemand.read_request', 'read request units', ctx.usage('readsPerMonth'));
    }
    const storage = ctx.usage('storageGb');
    usageLine(l, 'dynamodb.storage.gb_month', 'storage, GB', storage);
    if (first(ctx.config.point_in_time_recovery).enabled === true) usageLine(l, 'dynamodb.pitr.gb_month', 'point-in-time recovery, GB', storage);
    return l.done();
  },
  aws_kinesis_stream: (ctx) => {
    const l = new Lines(ctx);
    if (first(ctx.config.stream_mode_details).stream_mode === 'ON_DEMAND') {
      l.add('kinesis.ondemand.stream_hour', `on-demand stream × ${ctx.hoursPerMonth} h`, ctx.hoursPerMonth);
      usageLine(l, 'kinesis.ondemand.ingest_gb', 'data written, GB', ctx.usage('ingestGbPerMonth'));
      usageLine(l, 'kinesis.ondemand.retrieval_gb', 'data read, GB', ctx.usage('retrievalGbPerMonth'));
      return l.done();
    }
    const shards = num(ctx.config.shard_count, 1);
    l.add('kinesis.shard_hour', `${shards} shards × ${ctx.hoursPerMonth} h`, shards * ctx.hoursPerMonth);
    usageLine(l, 'kinesis.put_payload_unit', 'PUT payload units (25 KB)', ctx.usage('putPayloadUnitsPerMonth'));
    if (num(ctx.config.retention_period, 24) > 24) l.add('kinesis.extended_retention.shard_hour', `extended retention: ${shards} shards × ${ctx.hoursPerMonth} h`, shards * ctx.hoursPerMonth);
    return l.done();
  },
  aws_kinesis_stream_consumer: (ctx) => {
    const stream = ctx.resolve(ctx.config.stream_arn);
    const shards = stream ? num(stream.config.shard_count, 1) : 1;
    const l = new Lines(ctx).add('kinesis.efo.consumer_shard_hour', `enhanced fan-out: ${shards} shards × ${ctx.hoursPerMonth} h`, shards * ctx.hoursPerMonth);
    return usageLine(l, 'kinesis.efo.retrieval_gb', 'data read, GB', ctx.usage('gbPerMonth')).done();
  },
  aws_kinesis_firehose_delivery_stream: (ctx) => usageLine(new Lines(ctx), 'firehose.ingest_gb', 'data ingested, GB', ctx.usage('gbPerMonth')).done(),
  aws_api_gateway_rest_api: (ctx) => usageLine(new Lines(ctx), 'apigateway.rest.request', 'requests', ctx.usage('requestsPerMonth')).done(),
  aws_apigatewayv2_api: (ctx) => usageLine(new Lines(ctx), 'apigateway.http.request', 'requests', ctx.usage('requestsPerMonth')).done(),
  aws_wafv2_web_acl: (ctx) => {
    const rules = Array.isArray(ctx.config.rule) ? ctx.config.rule.length : 0;
    const l = new Lines(ctx).add('waf.web_acl_month', 'web ACL', 1).add('waf.rule_month', `${rules} rules`, rules);
    return usageLine(l, 'waf.request', 'requests inspected', ctx.usage('requestsPerMonth')).done();
  },
  aws_shield_protection: () => ({ unpriced: 'covered by the organization\'s Shield Advanced subscription (shield.advanced_month: $3,000 a month, one-year commitment), not a per-resource price' }),
  aws_shield_subscription: (ctx) => new Lines(ctx).add('shield.advanced_month', 'Shield Advanced subscription (per organization)', 1).done(),
  aws_route53_zone: (ctx) => new Lines(ctx).add('route53.zone_month', 'hosted zone', 1).done(),
  aws_route53_record: (ctx) => {
    if (ctx.config.alias !== undefined) return []; // queries to alias records for AWS resources are free
    const geo = ctx.config.geolocation_routing_policy !== undefined || ctx.config.latency_routing_policy !== undefined;
    return usageLine(new Lines(ctx), geo ? 'route53.geo_query' : 'route53.query', geo ? 'geo queries' : 'queries', ctx.usage('queriesPerMonth')).done();
  },
  aws_route53_health_check: (ctx) => {
    const type = String(ctx.config.type ?? '');
    const features = (type.startsWith('HTTPS') ? 1 : 0) + (type.endsWith('STR_MATCH') ? 1 : 0) + (num(ctx.config.request_interval, 30) === 10 ? 1 : 0) + (ctx.config.measure_latency === true ? 1 : 0);
    const l = new Lines(ctx).add('route53.health_check_month', 'health check', 1);
    if (features) l.add('route53.health_check_feature_month', `${features} optional features (HTTPS, string match, fast interval, latency)`, features);
    return l.done();
  },
  aws_cloudwatch_metric_alarm: (ctx) => {
    const queries = (ctx.config.metric_query as Record<string, unknown>[] | undefined) ?? [];
    const metrics = queries.length ? queries.filter((q) => q.metric !== undefined).length : 1;
    return new Lines(ctx).add('cloudwatch.alarm_metric_month', `${metrics} metric${metrics === 1 ? '' : 's'}`, metrics).done();
  },
  aws_cloudwatch_dashboard: (ctx) => new Lines(ctx).add('cloudwatch.dashboard_month', 'dashboard', 1).done(),
  aws_cloudwatch_log_group: (ctx) => {
    const l = usageLine(new Lines(ctx), 'logs.ingest_gb', 'ingested, GB', ctx.usage('ingestGbPerMonth'));
    return usageLine(l, 'logs.storage_gb_month', 'stored, GB', ctx.usage('storedGb')).done();
  },
  aws_secretsmanager_secret: (ctx) => usageLine(new Lines(ctx).add('secretsmanager.secret_month', 'secret', 1), 'secretsmanager.api_call', 'API calls', ctx.usage('apiCallsPerMonth')).done(),
  aws_kms_key: (ctx) => usageLine(new Lines(ctx).add('kms.key_month', 'customer managed key', 1), 'kms.request', 'requests', ctx.usage('requestsPerMonth')).done(),
  aws_sqs_queue: (ctx) => usageLine(new Lines(ctx), ctx.config.fifo_queue === true ? 'sqs.fifo.request' : 'sqs.standard.request', 'requests', ctx.usage('requestsPerMonth')).done(),
  aws_sns_topic: (ctx) => {
    const l = usageLine(new Lines(ctx), 'sns.publish', 'publishes', ctx.usage('publishesPerMonth'));
    usageLine(l, 'sns.email_delivery', 'e-mail deliveries', ctx.usage('emailDeliveriesPerMonth'));
    usageLine(l, 'sns.http_delivery', 'HTTP deliveries', ctx.usage('httpDeliveriesPerMonth'));
    return usageLine(l, 'sns.sms_us', 'SMS (US)', ctx.usage('smsPerMonth')).done();
  },
  aws_ses_domain_identity: (ctx) => usageLine(new Lines(ctx), 'ses.email', 'e-mails sent', ctx.usage('emailsPerMonth')).done(),
  aws_sesv2_email_identity: (ctx) => usageLine(new Lines(ctx), 'ses.email', 'e-mails sent', ctx.usage('emailsPerMonth')).done(),
  aws_s3_bucket: (ctx) => {
    const l = usageLine(new Lines(ctx), 's3.standard.gb_month', 'Standard storage, GB', ctx.usage('storageGb'));
    usageLine(l, 's3.put_request', 'PUT/LIST requests', ctx.usage('putRequestsPerMonth'));
    return usageLine(l, 's3.get_request', 'GET requests', ctx.usage('getRequestsPerMonth')).done();
  },
  aws_s3_bucket_replication_configuration: (ctx) => {
    const gb = ctx.usage('gbPerMonth');
    const l = usageLine(new Lines(ctx), 's3.replication_transfer_gb', 'replicated across regions, GB', gb);
    const rules = (ctx.config.rule as Record<string, unknown>[] | undefined) ?? [];
    const rtc = rules.some((r) => first(first(first(r.destination).replication_time)).status === 'Enabled');
    if (rtc) usageLine(l, 's3.rtc_gb', 'Replication Time Control, GB', gb);
    return l.done();
  },
  aws_cloudfront_distribution: (ctx) => {
    const l = usageLine(new Lines(ctx), 'cloudfront.data_out_gb', 'data out, GB', ctx.usage('dataOutGbPerMonth'));
    return usageLine(l, 'cloudfront.https_request', 'HTTPS requests', ctx.usage('httpsRequestsPerMonth')).done();
  },
  aws_ecr_repository: (ctx) => usageLine(new Lines(ctx), 'ecr.storage_gb_month', 'image storage, GB', ctx.usage('storageGb')).done(),
  aws_dlm_lifecycle_policy: (ctx) => usageLine(new Lines(ctx), 'ebs.snapshot.gb_month', 'snapshot storage, GB', ctx.usage('snapshotGb')).done(),
  aws_scheduler_schedule_group: (ctx) => usageLine(new Lines(ctx), 'scheduler.invocation', 'scheduled invocations', ctx.usage('invocationsPerMonth')).done(),
  aws_pipes_pipe: (ctx) => usageLine(new Lines(ctx), 'pipes.request', 'requests', ctx.usage('requestsPerMonth')).done(),
  aws_service_discovery_http_namespace: (ctx) => new Lines(ctx).add('cloudmap.http_namespace_month', 'HTTP namespace', 1).done(),
};

/**
 * Types with no charge of their own: configuration of a priced resource (policies, listeners,
 * rules, associations), networking plumbing AWS does not bill, and free services (IAM, ACM public
 * certificates). Their cost, where any, is on the resource they configure.
 */
export const FREE_TYPES: ReadonlySet<string> = new Set([
  'aws_acm_certificate', 'aws_acm_certificate_validation',
  'aws_api_gateway_account', 'aws_api_gateway_deployment', 'aws_api_gateway_integration', 'aws_api_gateway_integration_response', 'aws_api_gateway_method',
  'aws_api_gateway_method_response', 'aws_api_gateway_method_settings', 'aws_api_gateway_model', 'aws_api_gateway_request_validator', 'aws_api_gateway_resource',
  'aws_api_gateway_rest_api_policy', 'aws_api_gateway_stage', 'aws_api_gateway_usage_plan', 'aws_api_gateway_usage_plan_key', 'aws_api_gateway_api_key',
  'aws_api_gateway_authorizer', 'aws_api_gateway_gateway_response', 'aws_api_gateway_base_path_mapping', 'aws_api_gateway_domain_name', 'aws_api_gateway_domain_name_access_association',
  'aws_appautoscaling_policy', 'aws_appautoscaling_target', 'aws_autoscaling_policy', 'aws_autoscaling_lifecycle_hook', 'aws_launch_template',
  'aws_cloudfront_origin_access_control', 'aws_cloudfront_cache_policy', 'aws_cloudfront_origin_request_policy', 'aws_cloudfront_response_headers_policy',
  'aws_cloudwatch_log_resource_policy', 'aws_cloudwatch_log_stream', 'aws_cloudwatch_event_rule', 'aws_cloudwatch_event_target', 'aws_cloudwatch_log_subscription_filter',
  'aws_db_parameter_group', 'aws_db_subnet_group', 'aws_rds_cluster_parameter_group', 'aws_default_security_group', 'aws_default_network_acl', 'aws_default_route_table',
  'aws_ecr_lifecycle_policy', 'aws_ecr_replication_configuration', 'aws_ecr_repository_policy', 'aws_ecs_cluster', 'aws_ecs_cluster_capacity_providers', 'aws_ecs_task_definition',
  'aws_eip_association', 'aws_elasticache_subnet_group', 'aws_elasticache_parameter_group', 'aws_flow_log',
  'aws_iam_instance_profile', 'aws_iam_policy', 'aws_iam_role', 'aws_iam_role_policy', 'aws_iam_role_policy_attachment', 'aws_iam_service_linked_role',
  'aws_internet_gateway', 'aws_kms_alias', 'aws_lambda_event_source_mapping', 'aws_lambda_function_event_invoke_config', 'aws_lambda_function_url', 'aws_lambda_invocation',
  'aws_lambda_permission', 'aws_lb_listener', 'aws_lb_listener_rule', 'aws_lb_listener_certificate', 'aws_lb_target_group', 'aws_lb_target_group_attachment',
  'aws_opensearch_domain_policy', 'aws_route', 'aws_route_table', 'aws_route_table_association', 'aws_s3_bucket_cors_configuration', 'aws_s3_bucket_lifecycle_configuration',
  'aws_s3_bucket_notification', 'aws_s3_bucket_ownership_controls', 'aws_s3_bucket_policy', 'aws_s3_bucket_public_access_block', 'aws_s3_bucket_server_side_encryption_configuration',
  'aws_s3_bucket_versioning', 'aws_s3_bucket_logging', 'aws_secretsmanager_secret_version', 'aws_secretsmanager_secret_rotation', 'aws_security_group', 'aws_ses_domain_dkim',
  'aws_ses_domain_identity_verification', 'aws_sns_topic_policy', 'aws_sns_topic_subscription', 'aws_sqs_queue_policy', 'aws_sqs_queue_redrive_policy', 'aws_sqs_queue_redrive_allow_policy',
  'aws_subnet', 'aws_volume_attachment', 'aws_vpc', 'aws_vpc_endpoint_route_table_association', 'aws_vpc_security_group_egress_rule', 'aws_vpc_security_group_ingress_rule',
  'aws_wafv2_web_acl_association', 'aws_wafv2_web_acl_logging_configuration', 'aws_wafv2_ip_set', 'aws_wafv2_regex_pattern_set',
  'aws_scheduler_schedule', 'aws_cloudwatch_event_bus', 'aws_kinesis_resource_policy', 'aws_dynamodb_resource_policy',
]);
