/**
 * A Mermaid architecture diagram of any synthesized stack (cdk.tf.json), whatever the system.
 *
 * Nodes are the services: ALB, ECS services, RDS (primary / read replica),
 * ElastiCache, OpenSearch, S3 buckets, SQS queues, SES, SNS, alarms,
 * CloudFront, Route 53, WAF, API Gateway, Lambda functions, DynamoDB tables,
 * Kinesis streams, Firehose, EventBridge rules, Step Functions and the EC2
 * Docker host with its containers (read from the compose file in its user data).
 * They are grouped by region → VPC → subnet tier (public / private), found
 * from the provider of each resource and the subnets it references.
 *
 * Edges are the data flows, derived from the configuration rather than drawn
 * by hand:
 * - security-group ingress rules between two groups (`backend → database: 5432`)
 *   and from the internet (`user → alb: 443`);
 * - IAM policies of a service's role naming a bucket, queue, SES identity or
 *   table (`worker → queue: consume`);
 * - references: CloudFront origins, Route 53 records (alias / A record, with
 *   the geolocation), read-replica source, SQS redrive, ALB access logs,
 *   alarm actions, Lambda event sources, S3 notifications, SNS subscriptions
 *   (e-mail to people, SQS / Lambda to the node), API Gateway integrations,
 *   EventBridge targets, Firehose sources and destinations, WAF associations;
 * - on the Docker host: container environment variables naming another
 *   container or an AWS resource, `depends_on`, and the gateway's upstreams.
 */
import { parse as parseYaml } from 'yaml';
import { userDataText } from '../../modules/docker-host';
import { filesInUserData } from '../../systems/classifyhub/host/user-data';
import { SYSTEMS } from '../../environments/lib/schema';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Body = { [key: string]: Json };

export interface StackJson {
  resource?: Record<string, Record<string, Body>>;
  provider?: { aws?: Body | Body[] };
}

export type Shape = 'service' | 'database' | 'queue' | 'balancer' | 'edge' | 'person' | 'topic' | 'function' | 'container' | 'store';

export interface DiagramNode {
  id: string;
  label: string;
  shape: Shape;
  /** Group id the node sits in (undefined: top level). */
  group?: string;
}

export interface DiagramGroup {
  id: string;
  label: string;
  parent?: string;
}

export interface DiagramEdge {
  from: string;
  to: string;
  labels: string[];
}

export interface DiagramModel {
  nodes: DiagramNode[];
  groups: DiagramGroup[];
  edges: DiagramEdge[];
}

const REF = /\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z0-9_]+)/g;

/** Every `${type.name.attr` reference in a value, as [type, name, attr]. */
function referencesIn(value: Json | undefined): Array<[string, string, string]> {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
  return [...text.matchAll(REF)].map((m) => [m[1], m[2], m[3]]);
}

const sanitize = (text: string): string => text.replace(/[^A-Za-z0-9_]/g, '_');
const nodeId = (type: string, name: string): string => `${sanitize(type.replace(/^aws_/, ''))}__${sanitize(name)}`;

/** Label-safe text for Mermaid (`"` and `<>` would break the syntax). */
const label = (text: string): string => text.replace(/"/g, "'").replace(/[<>]/g, '');

interface Resource {
  type: string;
  name: string;
  body: Body;
  address: string;
}

class ModelBuilder {
  readonly nodes = new Map<string, DiagramNode>();
  readonly groups = new Map<string, DiagramGroup>();
  private readonly edges = new Map<string, DiagramEdge>();
  private readonly resources = new Map<string, Resource>();
  private readonly regions = new Map<string, string>();
  /** Resource address → node id, for resources drawn as (or folded into) a node. */
  private readonly nodeOf = new Map<string, string>();

  constructor(stack: StackJson) {
    for (const [type, byName] of Object.entries(stack.resource ?? {})) {
      for (const [name, body] of Object.entries(byName)) this.resources.set(`${type}.${name}`, { type, name, body, address: `${type}.${name}` });
    }
    for (const block of [stack.provider?.aws ?? []].flat()) {
      this.regions.set(typeof block.alias === 'string' ? `aws.${block.alias}` : 'aws', typeof block.region === 'string' ? block.region : 'us-east-1');
    }
  }

  private ofType(type: string): Resource[] {
    return [...this.resources.values()].filter((r) => r.type === type).sort((a, b) => a.name.localeCompare(b.name));
  }

  private get(type: string, name: string): Resource | undefined {
    return this.resources.get(`${type}.${name}`);
  }

  private regionOf(r: Resource): string {
    const provider = typeof r.body.provider === 'string' ? r.body.provider : 'aws';
    return this.regions.get(provider) ?? this.regions.get('aws') ?? 'us-east-1';
  }

  private group(id: string, groupLabel: string, parent?: string): string {
    if (!this.groups.has(id)) this.groups.set(id, { id, label: groupLabel, parent });
    return id;
  }

  private regionGroup(r: Resource): string {
    const region = this.regionOf(r);
    return this.group(`region_${sanitize(region)}`, `Region ${region}`);
  }

  /** Subnets a resource sits in: referenced directly or through a DB / cache subnet group. */
  private subnetsOf(r: Resource): Resource[] {
    const out: Resource[] = [];
    for (const [type, name] of referencesIn(r.body)) {
      const ref = this.get(type, name);
      if (!ref) continue;
      if (type === 'aws_subnet') out.push(ref);
      if (type === 'aws_db_subnet_group' || type === 'aws_elasticache_subnet_group') out.push(...this.subnetsOf(ref));
    }
    // A read replica inherits its primary's subnets.
    const source = r.type === 'aws_db_instance' ? referencesIn(r.body.replicate_source_db).find(([t]) => t === 'aws_db_instance') : undefined;
    if (source && out.length === 0) {
      const primary = this.get(source[0], source[1]);
      if (primary) out.push(...this.subnetsOf(primary));
    }
    return out;
  }

  /** The group of a resource: region → VPC → subnet tier when it sits in subnets, else the region. */
  private placement(r: Resource): string {
    const region = this.regionGroup(r);
    const subnet = this.subnetsOf(r)[0];
    if (!subnet) return region;
    const vpcRef = referencesIn(subnet.body.vpc_id).find(([t]) => t === 'aws_vpc');
    const vpc = vpcRef ? this.get(vpcRef[0], vpcRef[1]) : undefined;
    const vpcGroup = this.group(`vpc_${sanitize(vpc?.name ?? 'default')}`, `VPC ${typeof vpc?.body.cidr_block === 'string' ? vpc.body.cidr_block : ''}`.trim(), region);
    const name = `${subnet.name} ${JSON.stringify(subnet.body.tags ?? '')}`.toLowerCase();
    const tier = name.includes('public') ? 'public' : name.includes('private') ? 'private' : 'other';
    return this.group(`${vpcGroup}_${tier}`, tier === 'other' ? 'subnets' : `${tier} subnets`, vpcGroup);
  }

  private addNode(r: Resource, text: string, shape: Shape, group?: string): string {
    const id = nodeId(r.type, r.name);
    this.nodes.set(id, { id, label: label(text), shape, group: group ?? this.placement(r) });
    this.nodeOf.set(r.address, id);
    return id;
  }

  edge(from: string | undefined, to: string | undefined, text?: string): void {
    if (!from || !to || from === to) return;
    const key = `${from}->${to}`;
    const existing = this.edges.get(key) ?? { from, to, labels: [] };
    if (text && !existing.labels.includes(text)) existing.labels.push(text);
    this.edges.set(key, existing);
  }

  private nodeFor(type: string, name: string): string | undefined {
    return this.nodeOf.get(`${type}.${name}`);
  }

  build(): DiagramModel {
    const user = 'user';
    this.nodes.set(user, { id: user, label: 'Users', shape: 'person' });

    // --- nodes -------------------------------------------------------------
    for (const r of this.ofType('aws_cloudfront_distribution')) this.addNode(r, 'CloudFront', 'edge', this.group('global', 'Global'));
    const dnsRecords = this.ofType('aws_route53_record').filter((r) => this.isAppRecord(r));
    let dns: string | undefined;
    if (dnsRecords.length > 0) {
      dns = 'route53';
      const names = [...new Set(dnsRecords.map((r) => String(r.body.name)))];
      const geo = dnsRecords.some((r) => r.body.geolocation_routing_policy);
      this.nodes.set(dns, { id: dns, label: label(`Route 53 ${names.join(', ')}${geo ? ' (geolocation)' : ''}`), shape: 'edge', group: this.group('global', 'Global') });
    }
    for (const r of this.ofType('aws_lb')) this.addNode(r, `ALB ${this.shortName(String(r.body.name ?? r.name), r).replace(/^alb$/, '')}`.trim(), 'balancer');
    for (const r of this.ofType('aws_ecs_service')) this.addNode(r, `ECS ${this.shortName(String(r.body.name ?? r.name), r)}`, 'service');
    for (const r of this.ofType('aws_db_instance')) {
      const replica = r.body.replicate_source_db !== undefined;
      this.addNode(r, `RDS ${String(r.body.engine ?? 'postgres')} ${replica ? 'read replica' : 'primary'}`, 'database');
    }
    // A Multi-AZ DB cluster (db_cluster_instance_class set): one writer and two readable standbys.
    for (const r of this.ofType('aws_rds_cluster')) this.addNode(r, r.body.db_cluster_instance_class !== undefined ? `RDS ${String(r.body.engine ?? 'postgres')} Multi-AZ DB cluster` : `Aurora ${String(r.body.engine ?? '')}`.trim(), 'database');
    for (const r of this.ofType('aws_elasticache_replication_group')) this.addNode(r, `ElastiCache ${String(r.body.engine ?? 'redis')}`, 'database');
    for (const r of this.ofType('aws_opensearch_domain')) this.addNode(r, 'OpenSearch', 'database');
    for (const r of this.ofType('aws_s3_bucket')) this.addNode(r, `S3 ${this.shortName(String(r.body.bucket ?? r.name), r)}`, 'store');
    for (const r of this.ofType('aws_sqs_queue')) this.addNode(r, `SQS ${this.shortName(String(r.body.name ?? r.name), r)}`, 'queue');
    for (const r of this.ofType('aws_ses_domain_identity')) this.addNode(r, 'SES', 'service');
    for (const r of this.ofType('aws_sns_topic')) this.addNode(r, `SNS ${this.shortName(String(r.body.name ?? r.name), r)}`, 'topic');
    for (const r of this.ofType('aws_dynamodb_table')) this.addNode(r, `DynamoDB ${this.shortName(String(r.body.name ?? r.name), r)}`, 'database');
    for (const r of this.ofType('aws_lambda_function')) this.addNode(r, `Lambda ${this.shortName(String(r.body.function_name ?? r.name), r)}`, 'function');
    for (const r of this.ofType('aws_wafv2_web_acl')) this.addNode(r, `WAF ${this.shortName(String(r.body.name ?? r.name), r)}`, 'edge', this.regionGroup(r));
    for (const r of [...this.ofType('aws_api_gateway_rest_api'), ...this.ofType('aws_apigatewayv2_api')]) {
      this.addNode(r, `API Gateway ${this.shortName(String(r.body.name ?? r.name), r)}`, 'balancer', this.regionGroup(r));
    }
    for (const r of this.ofType('aws_kinesis_stream')) this.addNode(r, `Kinesis ${this.shortName(String(r.body.name ?? r.name), r)}`, 'queue');
    for (const r of this.ofType('aws_kinesis_firehose_delivery_stream')) this.addNode(r, `Firehose ${this.shortName(String(r.body.name ?? r.name), r)}`, 'queue');
    for (const r of this.ofType('aws_cloudwatch_event_rule')) this.addNode(r, `EventBridge ${this.shortName(String(r.body.name ?? r.name), r)}`, 'topic');
    for (const r of this.ofType('aws_sfn_state_machine')) this.addNode(r, `Step Functions ${this.shortName(String(r.body.name ?? r.name), r)}`, 'service');
    for (const r of this.ofType('aws_sesv2_email_identity')) this.addNode(r, 'SES', 'service');
    const alarms = new Map<string, Resource[]>();
    for (const r of this.ofType('aws_cloudwatch_metric_alarm')) {
      const region = this.regionGroup(r);
      alarms.set(region, [...(alarms.get(region) ?? []), r]);
    }
    for (const [region, list] of alarms) {
      const id = `alarms_${region}`;
      this.nodes.set(id, { id, label: `CloudWatch alarms (${list.length})`, shape: 'service', group: region });
      for (const r of list) this.nodeOf.set(r.address, id);
    }
    for (const r of this.ofType('aws_instance')) this.addHost(r);

    // --- edges -------------------------------------------------------------
    this.securityGroupEdges(user);
    this.iamEdges();
    for (const r of this.ofType('aws_cloudfront_distribution')) {
      const cdn = this.nodeFor(r.type, r.name);
      this.edge(user, cdn, 'HTTPS');
      for (const origin of [r.body.origin ?? []].flat() as Body[]) {
        const refs = referencesIn(origin.domain_name);
        if (refs.length > 0) for (const [t, n] of refs) this.edge(cdn, this.nodeFor(t, n), `origin ${String(origin.origin_id ?? '')}`.trim());
        else if (dns) this.edge(cdn, dns, `origin ${String(origin.origin_id ?? '')} (${String(origin.domain_name)})`);
      }
    }
    if (dns) {
      this.edge(user, dns, 'DNS');
      for (const r of dnsRecords) {
        const geo = r.body.geolocation_routing_policy as Body | undefined;
        const where = geo ? String(geo.continent ?? (geo.country === '*' ? 'default' : geo.country ?? '')) : String(r.body.type ?? 'A');
        for (const [t, n] of referencesIn([r.body.alias ?? null, r.body.records ?? null])) {
          if (t === 'aws_cloudfront_distribution') continue;
          this.edge(dns, this.nodeFor(t, n) ?? this.eipTarget(t, n), where);
        }
      }
    }
    for (const r of this.ofType('aws_db_instance')) {
      for (const [t, n] of referencesIn(r.body.replicate_source_db)) this.edge(this.nodeFor(t, n), this.nodeFor(r.type, r.name), 'replication');
    }
    for (const r of this.ofType('aws_sqs_queue')) {
      for (const [t, n] of referencesIn(r.body.redrive_policy)) this.edge(this.nodeFor(r.type, r.name), this.nodeFor(t, n), 'dead letters');
    }
    for (const r of this.ofType('aws_lb')) {
      for (const [t, n] of referencesIn(r.body.access_logs)) this.edge(this.nodeFor(r.type, r.name), this.nodeFor(t, n), 'access logs');
    }
    for (const r of this.ofType('aws_cloudwatch_metric_alarm')) {
      for (const [t, n] of referencesIn(r.body.alarm_actions)) this.edge(this.nodeFor(r.type, r.name), this.nodeFor(t, n), 'alarm');
    }
    for (const r of this.ofType('aws_sns_topic_subscription')) {
      const topic = referencesIn(r.body.topic_arn)[0];
      if (!topic) continue;
      // SQS and Lambda subscribers are nodes of the stack; e-mail and the rest are people.
      const subscriber = referencesIn(r.body.endpoint).map(([t, n]) => this.nodeFor(t, n)).find((id) => id !== undefined);
      if (subscriber) {
        this.edge(this.nodeFor(topic[0], topic[1]), subscriber, String(r.body.protocol ?? ''));
        continue;
      }
      const id = 'oncall';
      if (!this.nodes.has(id)) this.nodes.set(id, { id, label: 'On-call engineers', shape: 'person' });
      this.edge(this.nodeFor(topic[0], topic[1]), id, String(r.body.protocol ?? ''));
    }
    for (const r of this.ofType('aws_lambda_event_source_mapping')) {
      const fn = referencesIn(r.body.function_name).find(([t]) => t === 'aws_lambda_function');
      for (const [t, n] of referencesIn(r.body.event_source_arn)) this.edge(this.nodeFor(t, n), fn && this.nodeFor(fn[0], fn[1]), 'events');
    }
    for (const r of this.ofType('aws_s3_bucket_notification')) {
      const bucket = referencesIn(r.body.bucket).find(([t]) => t === 'aws_s3_bucket');
      for (const [key, attribute] of [['lambda_function', 'lambda_function_arn'], ['queue', 'queue_arn'], ['topic', 'topic_arn']] as const) {
        for (const target of [r.body[key] ?? []].flat() as Body[]) {
          for (const [t, n] of referencesIn(target[attribute])) this.edge(bucket && this.nodeFor(bucket[0], bucket[1]), this.nodeFor(t, n), 'object events');
        }
      }
    }
    // API Gateway → backend integrations; users call the API.
    for (const r of [...this.ofType('aws_api_gateway_integration'), ...this.ofType('aws_apigatewayv2_integration')]) {
      const api = referencesIn(r.body.rest_api_id ?? r.body.api_id ?? null).find(([t]) => t === 'aws_api_gateway_rest_api' || t === 'aws_apigatewayv2_api');
      const apiNode = api && this.nodeFor(api[0], api[1]);
      for (const [t, n] of referencesIn([r.body.uri ?? null, r.body.integration_uri ?? null])) this.edge(apiNode, this.nodeFor(t, n), 'invoke');
    }
    for (const r of [...this.ofType('aws_api_gateway_rest_api'), ...this.ofType('aws_apigatewayv2_api')]) this.edge(user, this.nodeFor(r.type, r.name), 'HTTPS');
    for (const r of this.ofType('aws_wafv2_web_acl_association')) {
      const acl = referencesIn(r.body.web_acl_arn).find(([t]) => t === 'aws_wafv2_web_acl');
      for (const [t, n] of referencesIn(r.body.resource_arn)) this.edge(acl && this.nodeFor(acl[0], acl[1]), this.nodeFor(t, n) ?? this.stageApi(t, n), 'filters');
    }
    for (const r of this.ofType('aws_cloudwatch_event_target')) {
      const rule = referencesIn(r.body.rule).find(([t]) => t === 'aws_cloudwatch_event_rule');
      for (const [t, n] of referencesIn(r.body.arn)) this.edge(rule && this.nodeFor(rule[0], rule[1]), this.nodeFor(t, n), 'target');
    }
    for (const r of this.ofType('aws_kinesis_firehose_delivery_stream')) {
      const firehose = this.nodeFor(r.type, r.name);
      for (const [t, n] of referencesIn(r.body.kinesis_source_configuration)) if (t === 'aws_kinesis_stream') this.edge(this.nodeFor(t, n), firehose, 'source');
      for (const [t, n] of referencesIn([r.body.extended_s3_configuration ?? null, r.body.s3_configuration ?? null])) if (t === 'aws_s3_bucket') this.edge(firehose, this.nodeFor(t, n), 'deliver');
    }

    // Only groups that hold something, parents before children.
    const used = new Set<string>();
    for (const node of this.nodes.values()) {
      for (let g = node.group; g; g = this.groups.get(g)?.parent) used.add(g);
    }
    const rank = (g: DiagramGroup): number => {
      if (g.id === 'global') return -1;
      const order = [...this.regions.values()];
      const i = order.findIndex((region) => g.id === `region_${sanitize(region)}`);
      return i < 0 ? order.length : i;
    };
    return {
      nodes: [...this.nodes.values()],
      groups: [...this.groups.values()].filter((g) => used.has(g.id)).sort((a, b) => rank(a) - rank(b) || a.id.localeCompare(b.id)),
      edges: [...this.edges.values()].sort((a, b) => `${a.from}>${a.to}`.localeCompare(`${b.from}>${b.to}`)),
    };
  }

  /** "classifyhub-dev-euw1-notifications-dlq" → "notifications-dlq" (drops the system-environment prefix, region code and account id). */
  private shortName(full: string, r: Resource): string {
    const prefix = new RegExp(`^(${SYSTEMS.join('|')})-[a-z0-9]+-((use1|usw2|euw1|apse1|[a-z]{2}[a-z]*\\d)-)?`);
    const short = full.replace(prefix, '').replace(/-\d{12}$/, '');
    return short || r.name;
  }

  /** A WAF association names an API Gateway stage: the API it belongs to. */
  private stageApi(type: string, name: string): string | undefined {
    if (type !== 'aws_api_gateway_stage' && type !== 'aws_apigatewayv2_stage') return undefined;
    const stage = this.get(type, name);
    const api = referencesIn(stage?.body.rest_api_id ?? stage?.body.api_id ?? null).find(([t]) => t === 'aws_api_gateway_rest_api' || t === 'aws_apigatewayv2_api');
    return api && this.nodeFor(api[0], api[1]);
  }

  /** Route 53 records that carry traffic to the app (alias to a load balancer or CDN, or an A record to an EIP). */
  private isAppRecord(r: Resource): boolean {
    const refs = referencesIn([r.body.alias ?? null, r.body.records ?? null]);
    return refs.some(([t]) => t === 'aws_lb' || t === 'aws_eip' || t === 'aws_cloudfront_distribution');
  }

  /** An EIP stands for the instance it is associated with. */
  private eipTarget(type: string, name: string): string | undefined {
    if (type !== 'aws_eip') return undefined;
    const eip = this.get(type, name);
    const direct = referencesIn(eip?.body.instance).find(([t]) => t === 'aws_instance');
    if (direct) return this.nodeFor(direct[0], direct[1]);
    for (const assoc of this.ofType('aws_eip_association')) {
      if (!referencesIn(assoc.body.allocation_id).some(([t, n]) => t === type && n === name)) continue;
      const instance = referencesIn(assoc.body.instance_id).find(([t]) => t === 'aws_instance');
      if (instance) return this.nodeFor(instance[0], instance[1]);
    }
    return undefined;
  }

  /** Nodes that use a security group (ALB, services, databases, host, ...). */
  private ownersOf(securityGroup: string): string[] {
    const owners: string[] = [];
    for (const r of this.resources.values()) {
      const id = this.nodeOf.get(r.address);
      if (!id || r.type === 'aws_cloudwatch_metric_alarm') continue;
      if (referencesIn(r.body).some(([t, n]) => t === 'aws_security_group' && n === securityGroup)) owners.push(id);
    }
    return [...new Set(owners)];
  }

  private securityGroupEdges(user: string): void {
    for (const rule of this.ofType('aws_vpc_security_group_ingress_rule')) {
      const target = referencesIn(rule.body.security_group_id).find(([t]) => t === 'aws_security_group');
      if (!target) continue;
      const port = rule.body.from_port === rule.body.to_port ? String(rule.body.from_port ?? '') : `${String(rule.body.from_port)}-${String(rule.body.to_port)}`;
      const peer = referencesIn(rule.body.referenced_security_group_id).find(([t]) => t === 'aws_security_group');
      const to = this.ownersOf(target[1]);
      if (peer) {
        for (const from of this.ownersOf(peer[1])) for (const t of to) this.edge(from, this.hostEntry(t, port), `:${port}`);
      } else if (rule.body.cidr_ipv4 === '0.0.0.0/0' && (port === '443' || /^HTTPS\b/.test(String(rule.body.description ?? '')))) {
        // 443, and other HTTPS ports said so by the rule (ClassifyHub's API and search on their own ports, stages 3-6).
        for (const t of to) this.edge(user, this.hostEntry(t, port), `HTTPS :${port}`);
      }
    }
  }

  /** Traffic to the Docker host on a published port goes to the container that publishes it. */
  private hostEntry(nodeIdValue: string, port: string): string {
    return this.publishedPorts.get(`${nodeIdValue}:${port}`) ?? nodeIdValue;
  }

  private readonly publishedPorts = new Map<string, string>();

  /** Roles of a compute node: ECS task role, instance profile role, Lambda role. */
  private rolesOf(r: Resource): string[] {
    const roles: string[] = [];
    const fromRefs = (value: Json | undefined) => referencesIn(value).filter(([t]) => t === 'aws_iam_role').map(([, n]) => n);
    if (r.type === 'aws_ecs_service') {
      for (const [t, n] of referencesIn(r.body.task_definition)) {
        const td = this.get(t, n);
        if (td) roles.push(...fromRefs(td.body.task_role_arn));
      }
    } else if (r.type === 'aws_instance') {
      for (const [t, n] of referencesIn(r.body.iam_instance_profile)) {
        const profile = this.get(t, n);
        if (profile) roles.push(...fromRefs(profile.body.role));
      }
    } else if (r.type === 'aws_lambda_function') {
      roles.push(...fromRefs(r.body.role));
    }
    return roles;
  }

  /** Edges from what a service's role may do on buckets, queues, SES identities and tables. */
  private iamEdges(): void {
    const computeTypes = ['aws_ecs_service', 'aws_instance', 'aws_lambda_function'];
    for (const r of [...this.resources.values()].filter((x) => computeTypes.includes(x.type))) {
      const from = this.nodeOf.get(r.address);
      for (const role of this.rolesOf(r)) {
        const policies = this.ofType('aws_iam_role_policy').filter((p) => referencesIn(p.body.role).some(([t, n]) => t === 'aws_iam_role' && n === role));
        for (const policy of policies) {
          let document: { Statement?: Array<{ Action?: string | string[]; Resource?: string | string[]; Effect?: string }> };
          try {
            document = JSON.parse(String(policy.body.policy)) as typeof document;
          } catch {
            continue;
          }
          for (const statement of document.Statement ?? []) {
            if (statement.Effect === 'Deny') continue;
            const actions = [statement.Action ?? []].flat();
            for (const [t, n] of referencesIn([statement.Resource ?? []].flat())) {
              const target = this.nodeFor(t, n);
              if (!target || !IAM_TARGET_TYPES.includes(t)) continue;
              const containers = this.containersFor(from!, t, n);
              if (containers.length === 1) this.edge(containers[0], target, verb(actions));
              else if (containers.length > 1) for (const c of containers) this.edge(c, target); // who sends and who consumes is not in the configuration
              else this.edge(from, target, verb(actions));
            }
          }
        }
      }
    }
  }

  /** On the Docker host, the containers whose environment names the resource (empty: not on a host, or none does). */
  private containersFor(hostNode: string, type: string, name: string): string[] {
    const containers = this.containerEnv.get(hostNode);
    const r = this.get(type, name);
    if (!containers || !r) return [];
    if (type === 'aws_ses_domain_identity') {
      const domain = String(r.body.domain ?? '');
      return [...containers.entries()].filter(([, env]) => env.some((e) => /^[A-Z_]*(SES|SENDER|FROM)[A-Z_]*=/.test(e) && e.endsWith(`@${domain}`))).map(([id]) => id);
    }
    const needle = String(r.body.bucket ?? r.body.name ?? '');
    if (!needle) return [];
    return [...containers.entries()].filter(([, env]) => env.some((v) => v.includes(needle))).map(([id]) => id);
  }

  /** Host node id → container node id → environment values. */
  private readonly containerEnv = new Map<string, Map<string, string[]>>();

  /** The EC2 Docker host as a group holding its containers, from the compose file in the user data. */
  private addHost(r: Resource): void {
    const placement = this.placement(r);
    const hostGroup = this.group(nodeId(r.type, r.name), 'EC2 Docker host', placement);
    const id = `${hostGroup}_host`;
    this.nodeOf.set(r.address, hostGroup);
    let compose: { services?: Record<string, { environment?: Record<string, string> | string[]; depends_on?: string[] | Record<string, unknown>; ports?: Array<string | { published?: string | number }> }> } | undefined;
    let gatewayConf = '';
    try {
      const files = filesInUserData(userDataText(r.body));
      const composeFile = [...files.entries()].find(([file]) => file.endsWith('docker-compose.yml'));
      compose = composeFile ? (parseYaml(composeFile[1]) as typeof compose) : undefined;
      gatewayConf = [...files.entries()].filter(([file]) => file.endsWith('nginx.conf')).map(([, text]) => text).join('\n');
    } catch {
      compose = undefined;
    }
    const services = Object.entries(compose?.services ?? {});
    if (services.length === 0) {
      this.nodes.set(id, { id, label: 'EC2 instance', shape: 'service', group: hostGroup });
      return;
    }
    const envs = new Map<string, string[]>();
    const ids = new Map<string, string>();
    for (const [name, service] of services) {
      const cid = `${hostGroup}_${sanitize(name)}`;
      ids.set(name, cid);
      this.nodes.set(cid, { id: cid, label: label(name), shape: ['postgres', 'postgres-replica', 'redis', 'search'].includes(name) ? 'database' : 'container', group: hostGroup });
      // KEY=value strings, so a flow can be told by the variable's name when the value alone is ambiguous.
      const env = Array.isArray(service.environment) ? service.environment.map(String) : Object.entries(service.environment ?? {}).map(([k, v]) => `${k}=${String(v)}`);
      envs.set(cid, env);
      for (const port of service.ports ?? []) {
        const published = typeof port === 'string' ? port.split(':').slice(-2)[0] : String(port.published ?? '');
        if (published) this.publishedPorts.set(`${hostGroup}:${published}`, cid);
      }
    }
    this.containerEnv.set(hostGroup, envs);
    for (const [name, service] of services) {
      const from = ids.get(name)!;
      for (const [other, to] of ids) {
        if (other === name) continue;
        const host = new RegExp(`(^|[/@])${other.replace(/[-.]/g, '\\$&')}(:\\d+|/|$)`);
        if ((envs.get(from) ?? []).map((e) => e.slice(e.indexOf('=') + 1)).some((v) => v === other || host.test(v))) this.edge(from, to);
      }
      const deps = Array.isArray(service.depends_on) ? service.depends_on : Object.keys(service.depends_on ?? {});
      for (const dep of deps) this.edge(from, ids.get(dep));
      if (gatewayConf && (service.ports ?? []).length > 0) {
        for (const [other, to] of ids) {
          if (new RegExp(`(https?://|server\\s+)${other.replace(/[-.]/g, '\\$&')}[:;/]`).test(gatewayConf)) this.edge(from, to);
        }
      }
    }
    const replica = ids.get('postgres-replica');
    const primary = ids.get('postgres');
    if (replica && primary) {
      // The replica connects to the primary to stream from it: drawn as the replication flow.
      this.edges.delete(`${replica}->${primary}`);
      this.edge(primary, replica, 'replication');
    }
  }
}

/** Resource types an IAM statement of a compute role draws an edge to. */
const IAM_TARGET_TYPES = [
  'aws_s3_bucket',
  'aws_sqs_queue',
  'aws_ses_domain_identity',
  'aws_sesv2_email_identity',
  'aws_dynamodb_table',
  'aws_sns_topic',
  'aws_kinesis_stream',
  'aws_kinesis_firehose_delivery_stream',
  'aws_sfn_state_machine',
];

/** A short verb for a set of IAM actions. */
function verb(actions: string[]): string {
  const has = (re: RegExp) => actions.some((a) => re.test(a));
  if (has(/^sqs:ReceiveMessage$|^sqs:DeleteMessage$/)) return 'consume';
  if (has(/^sqs:SendMessage/)) return 'send';
  if (has(/^ses:Send/)) return 'send e-mail';
  if (has(/^sns:Publish/)) return 'publish';
  if (has(/^(kinesis|firehose):Put/)) return 'put records';
  if (has(/^kinesis:(GetRecords|SubscribeToShard)/)) return 'read';
  if (has(/^states:StartExecution/)) return 'start';
  if (has(/^s3:PutObject|^dynamodb:(PutItem|UpdateItem|BatchWriteItem)/)) return 'read/write';
  if (has(/^s3:GetObject|^s3:ListBucket|^dynamodb:(GetItem|Query|Scan)/)) return 'read';
  return actions[0] ?? '';
}

/** The diagram model of a synthesized stack. */
export function buildDiagram(stack: StackJson): DiagramModel {
  return new ModelBuilder(stack).build();
}

const SHAPES: Record<Shape, [string, string]> = {
  service: ['[', ']'],
  container: ['(', ')'],
  database: ['[(', ')]'],
  store: ['[(', ')]'],
  queue: ['[[', ']]'],
  topic: ['[[', ']]'],
  balancer: ['{{', '}}'],
  edge: ['[/', '/]'],
  person: ['([', '])'],
  function: ['>', ']'],
};

/** Renders the model as a Mermaid `flowchart` (deterministic order). */
export function renderMermaid(model: DiagramModel, options: { direction?: 'LR' | 'TB' } = {}): string {
  const lines = [`flowchart ${options.direction ?? 'LR'}`];
  const nodeLine = (n: DiagramNode, indent: string) => `${indent}${n.id}${SHAPES[n.shape][0]}"${n.label}"${SHAPES[n.shape][1]}`;
  const byGroup = (group: string | undefined) => model.nodes.filter((n) => n.group === group).sort((a, b) => a.id.localeCompare(b.id));
  // Top level in model order (global, the stack's own region, then the further regions); nested groups by id.
  const children = (parent: string | undefined) => {
    const list = model.groups.filter((g) => g.parent === parent);
    return parent === undefined ? list : list.sort((a, b) => a.id.localeCompare(b.id));
  };
  const emit = (group: DiagramGroup, depth: number) => {
    const indent = '  '.repeat(depth);
    lines.push(`${indent}subgraph ${group.id}["${label(group.label)}"]`);
    for (const n of byGroup(group.id)) lines.push(nodeLine(n, `${indent}  `));
    for (const child of children(group.id)) emit(child, depth + 1);
    lines.push(`${indent}end`);
  };
  for (const n of byGroup(undefined)) lines.push(nodeLine(n, '  '));
  for (const g of children(undefined)) emit(g, 1);
  for (const e of model.edges) lines.push(`  ${e.from} -->${e.labels.length ? `|"${label(e.labels.join(', '))}"|` : ''} ${e.to}`);
  return `${lines.join('\n')}\n`;
}

/**
 * Structural check of a Mermaid flowchart as this module writes it: a
 * `flowchart` header, balanced `subgraph` / `end`, unique ids (nodes and
 * subgraphs), no reserved id, every edge endpoint declared. Returns the
 * problems (empty when the diagram is well-formed).
 */
export function checkMermaid(text: string): string[] {
  const problems: string[] = [];
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  if (!/^flowchart (LR|TB|TD|RL|BT)$/.test(lines[0] ?? '')) problems.push(`first line must be "flowchart <direction>", got ${JSON.stringify(lines[0])}`);
  const declared = new Map<string, number>();
  const edges: Array<[string, string, number]> = [];
  let depth = 0;
  lines.slice(1).forEach((line, i) => {
    const n = i + 2;
    let m: RegExpMatchArray | null;
    if ((m = line.match(/^subgraph ([A-Za-z0-9_]+)\["[^"]*"\]$/))) {
      depth += 1;
      if (declared.has(m[1])) problems.push(`line ${n}: id ${m[1]} declared twice`);
      declared.set(m[1], n);
    } else if (line === 'end') {
      depth -= 1;
      if (depth < 0) problems.push(`line ${n}: "end" without subgraph`);
    } else if ((m = line.match(/^([A-Za-z0-9_]+) -->(?:\|"[^"]*"\|)? ([A-Za-z0-9_]+)$/))) {
      edges.push([m[1], m[2], n]);
    } else if ((m = line.match(/^([A-Za-z0-9_]+)(\[\(|\(\[|\[\[|\{\{|\[\/|\[|\(|>)"[^"]*"(\)\]|\]\)|\]\]|\}\}|\/\]|\]|\))$/))) {
      if (declared.has(m[1])) problems.push(`line ${n}: id ${m[1]} declared twice`);
      declared.set(m[1], n);
    } else {
      problems.push(`line ${n}: not a node, edge, subgraph or end: ${line}`);
    }
  });
  if (depth !== 0) problems.push(`${depth} subgraph(s) not closed`);
  for (const id of declared.keys()) if (['end', 'subgraph', 'graph', 'flowchart'].includes(id.toLowerCase())) problems.push(`reserved word used as id: ${id}`);
  for (const [from, to, n] of edges) {
    if (!declared.has(from)) problems.push(`line ${n}: edge from undeclared ${from}`);
    if (!declared.has(to)) problems.push(`line ${n}: edge to undeclared ${to}`);
  }
  return problems;
}
