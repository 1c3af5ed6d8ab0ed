/**
 * The recall stack (seed 000): what each of the seed's sections becomes in Terraform, the
 * priority queues' settings, IAM through module grants, the environment section's validation,
 * and a snapshot of every address with volatile hashes blanked. Functions are bundled from a
 * small fixture entry (main.ts synth and the terraform tier plan the real entries).
 */
import * as path from 'path';
import { App, Testing } from 'cdktf';
import { loadEnvironment } from '../../../environments/lib/load';
import { validateEnvironment, type Environment } from '../../../environments/lib/schema';
import devInput from '../../../environments/dev';
import { RecallStack } from '../../../systems/recall/stack';
import { addRecallStacks } from '../../../systems/recall/app';
import { RECALL_FUNCTIONS } from '../../../systems/recall/names';
import { RECALL_SETTINGS } from '../../../systems/recall/settings';
import { instanceUserData } from '../../../systems/recall/user-data';

type Json = { resource: Record<string, Record<string, any>>; output: Record<string, any> };
const FIXTURE = path.join(__dirname, '..', '..', 'fixtures', 'lambda-function', 'index.ts');
const functionCode = Object.fromEntries(RECALL_FUNCTIONS.map((fn) => [fn, { entry: FIXTURE }]));

function synth(env: Environment): Json {
  const stack = new RecallStack(Testing.app() as App, `recall-${env.name}`, { environment: env, functionCode });
  return JSON.parse(Testing.synth(stack)) as Json;
}

const dev = loadEnvironment('dev');
const prod = loadEnvironment('prod');
const devJson = synth(dev);
const prodJson = synth(prod);
const r = (json: Json, type: string) => json.resource[type] ?? {};
const policyOf = (json: Json, address: string) => JSON.parse(r(json, 'aws_iam_role_policy')[address].policy);

describe('sections 1-2: DNS, public ALBs, WAF, Shield', () => {
  test('recall.<domain> and store.<domain> alias the Recall and Store ALBs; certificates validated in the zone', () => {
    const records = r(devJson, 'aws_route53_record');
    expect(records.recall_dns).toMatchObject({ name: 'recall.dev.classifyhub.example.com', type: 'A', zone_id: 'Z0DEVCLASSIFYHUB000001', alias: { name: '${aws_lb.recall_alb_load_balancer.dns_name}' } });
    expect(records.store_dns).toMatchObject({ name: 'store.dev.classifyhub.example.com', alias: { name: '${aws_lb.store_alb_load_balancer.dns_name}' } });
    const certs = Object.values(r(devJson, 'aws_acm_certificate')).map((c: any) => c.domain_name).sort();
    expect(certs).toEqual(['recall-backend.dev.classifyhub.example.com', 'recall.dev.classifyhub.example.com', 'store-backend.dev.classifyhub.example.com', 'store.dev.classifyhub.example.com']);
  });

  test('two internet-facing ALBs: HTTPS, HTTP->HTTPS redirect, access logs into the logs bucket', () => {
    const lbs = r(devJson, 'aws_lb');
    for (const side of ['recall', 'store']) {
      expect(lbs[`${side}_alb_load_balancer`]).toMatchObject({ internal: false, drop_invalid_header_fields: true, access_logs: { bucket: '${aws_s3_bucket.logs_bucket_bucket.bucket}', prefix: `alb/${side}`, enabled: true } });
      expect(r(devJson, 'aws_lb_listener')[`${side}_alb_http_redirect`].default_action[0]).toMatchObject({ type: 'redirect', redirect: { protocol: 'HTTPS' } });
      expect(r(devJson, 'aws_lb_listener')[`${side}_alb_https_listener`]).toMatchObject({ protocol: 'HTTPS', port: 443 });
    }
    const bucketPolicy = JSON.parse(r(devJson, 'aws_s3_bucket_policy').logs_bucket_policy.policy);
    const sids = bucketPolicy.Statement.map((s: any) => s.Sid);
    expect(sids).toEqual(expect.arrayContaining(['AllowElbAccessLogDeliveryAlbRecall', 'AllowElbAccessLogDeliveryAlbStore', 'AllowFlowLogDeliveryWrite', 'DenyInsecureTransport']));
  });

  test('both public ALBs share one WAF web ACL (managed groups + rate rule); internal ALBs have none', () => {
    const acls = r(devJson, 'aws_wafv2_web_acl');
    expect(Object.keys(acls)).toEqual(['waf_web_acl']);
    expect(acls.waf_web_acl.name).toBe('recall-dev');
    const rules = JSON.stringify(acls.waf_web_acl.rule);
    for (const group of ['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet', 'AWSManagedRulesSQLiRuleSet', 'AWSManagedRulesAmazonIpReputationList']) expect(rules).toContain(group);
    expect(rules).toContain('rate_based_statement');
    const associations = Object.values(r(devJson, 'aws_wafv2_web_acl_association')).map((a: any) => a.resource_arn).sort();
    expect(associations).toEqual(['${aws_lb.recall_alb_load_balancer.arn}', '${aws_lb.store_alb_load_balancer.arn}']);
    expect(Object.values(r(devJson, 'aws_wafv2_web_acl_association')).every((a: any) => a.web_acl_arn === '${aws_wafv2_web_acl.waf_web_acl.arn}')).toBe(true);
  });

  test('Shield Advanced only when the environment opts in', () => {
    expect(devJson.resource.aws_shield_protection).toBeUndefined();
    const optedIn = validateEnvironment({ ...devInput, recall: { ...devInput.recall, shieldAdvanced: true } }, 'dev.ts');
    const json = synth(optedIn);
    expect(Object.values(r(json, 'aws_shield_protection')).map((p: any) => p.resource_arn).sort()).toEqual(['${aws_lb.recall_alb_load_balancer.arn}', '${aws_lb.store_alb_load_balancer.arn}']);
  });
});

describe('sections 2-4: web and backend Auto Scaling groups', () => {
  test('four groups; each side in its own private subnets over every zone; web behind the public ALB, backend behind the internal one', () => {
    const groups = r(devJson, 'aws_autoscaling_group');
    expect(Object.keys(groups).sort()).toEqual(['recall_backend_group', 'recall_web_group', 'store_backend_group', 'store_web_group']);
    expect(groups.recall_web_group.vpc_zone_identifier).toEqual(['${aws_subnet.network_private_recall_subnet_1.id}', '${aws_subnet.network_private_recall_subnet_2.id}']);
    expect(groups.store_web_group.vpc_zone_identifier).toEqual(['${aws_subnet.network_private_store_subnet_1.id}', '${aws_subnet.network_private_store_subnet_2.id}']);
    expect(groups.recall_web_group).toMatchObject({ target_group_arns: ['${aws_lb_target_group.recall_alb_web_target_group.arn}'], health_check_type: 'ELB' });
    expect(groups.store_backend_group).toMatchObject({ target_group_arns: ['${aws_lb_target_group.store_internal_alb_app_target_group.arn}'], health_check_type: 'ELB' });
    const subnets = r(devJson, 'aws_subnet');
    expect([1, 2].map((n) => subnets[`network_private_recall_subnet_${n}`].availability_zone)).toEqual(['us-east-1a', 'us-east-1b']);
    expect(subnets.network_private_recall_subnet_1.cidr_block).toBe('10.44.128.0/24');
    expect(subnets.network_private_store_subnet_1.cidr_block).toBe('10.44.136.0/24');
    expect(r(devJson, 'aws_lb').store_internal_alb_load_balancer).toMatchObject({ internal: true, subnets: ['${aws_subnet.network_private_store_subnet_1.id}', '${aws_subnet.network_private_store_subnet_2.id}'] });
    expect(r(devJson, 'aws_lb_target_group').recall_alb_web_target_group).toMatchObject({ target_type: 'instance', port: 8080 });
  });

  test('launch templates: IMDSv2 required with hop limit 1, detailed monitoring, encrypted root volume; image from ECR pinned by tag', () => {
    for (const lt of Object.values(r(devJson, 'aws_launch_template')) as any[]) {
      expect(lt.metadata_options).toEqual({ http_endpoint: 'enabled', http_tokens: 'required', http_put_response_hop_limit: 1, instance_metadata_tags: 'disabled' });
      expect(lt.monitoring).toEqual({ enabled: true });
      expect(lt.block_device_mappings[0].ebs).toMatchObject({ encrypted: 'true', volume_type: 'gp3' });
      expect(lt.image_id).toBe('ami-0453ec754f44f9a4a');
      expect(lt.user_data).toMatch(/^\$\{base64encode\(/);
    }
    const script = instanceUserData({ region: 'us-east-1', repositoryUrl: '111111111111.dkr.ecr.us-east-1.amazonaws.com/recall-dev/store-web', imageTag: '1.2.3', port: 8080, environment: { PORT: '8080' } });
    expect(script).toContain('IMAGE=$REGISTRY:1.2.3');
    expect(script).not.toContain('"');
    expect(() => instanceUserData({ region: 'us-east-1', repositoryUrl: 'x', imageTag: '1', port: 1, environment: { A: "it's" } })).toThrow('A="it\'s"');
  });

  test('instance refresh: rolling, 50 % healthy, warm-up, auto-rollback; CPU target tracking', () => {
    for (const g of Object.values(r(devJson, 'aws_autoscaling_group')) as any[]) {
      expect(g.instance_refresh).toEqual({ strategy: 'Rolling', preferences: { min_healthy_percentage: 50, instance_warmup: '300', auto_rollback: true, skip_matching: false } });
      expect(g.launch_template.version).toMatch(/latest_version/);
      expect(g.lifecycle).toEqual({ ignore_changes: ['desired_capacity'] });
    }
    const policies = Object.values(r(devJson, 'aws_autoscaling_policy')) as any[];
    expect(policies).toHaveLength(4);
    expect(policies[0]).toMatchObject({ policy_type: 'TargetTrackingScaling', target_tracking_configuration: { predefined_metric_specification: { predefined_metric_type: 'ASGAverageCPUUtilization' }, target_value: 50 } });
  });

  test('web reaches backend only through the internal ALB on 443; backend reaches RDS on 5432', () => {
    const ingress = Object.values(r(devJson, 'aws_vpc_security_group_ingress_rule')) as any[];
    expect(ingress.some((i) => i.security_group_id === '${aws_security_group.recall_internal_alb_security_group.id}' && i.referenced_security_group_id === '${aws_security_group.recall_web_security_group.id}' && i.from_port === 443)).toBe(true);
    expect(ingress.some((i) => i.security_group_id === '${aws_security_group.recall_internal_alb_security_group.id}' && i.cidr_ipv4 === '0.0.0.0/0')).toBe(false);
    expect(ingress.some((i) => i.referenced_security_group_id === '${aws_security_group.store_backend_security_group.id}' && i.from_port === 5432)).toBe(true);
  });
});

describe('sections 5-6: RDS PostgreSQL and the priority queues', () => {
  test('RDS: encrypted, Secrets Manager credentials, Multi-AZ and backups by tier', () => {
    const devDb = Object.values(r(devJson, 'aws_db_instance'))[0] as any;
    const prodDb = Object.values(r(prodJson, 'aws_db_instance'))[0] as any;
    expect(devDb).toMatchObject({ engine: 'postgres', storage_encrypted: true, manage_master_user_password: true, multi_az: false, backup_retention_period: 3, db_name: 'recall' });
    expect(prodDb).toMatchObject({ multi_az: true, backup_retention_period: 30, deletion_protection: true });
  });

  test('queues high/medium/low + DLQs: encrypted, TLS-only, visibility = 6 x the poller timeout', () => {
    const queues = r(devJson, 'aws_sqs_queue');
    const timeout = (r(devJson, 'aws_lambda_function').notification_poller_function as any).timeout;
    expect(timeout).toBe(RECALL_SETTINGS.functions['notification-poller'].timeoutSeconds);
    for (const p of ['high', 'medium', 'low']) {
      expect(queues[`${p}_queue_queue`]).toMatchObject({ name: `recall-dev-notifications-${p}`, sqs_managed_sse_enabled: true, visibility_timeout_seconds: 6 * timeout });
      expect(JSON.parse(queues[`${p}_queue_queue`].redrive_policy).maxReceiveCount).toBe(5);
      expect(queues[`${p}_queue_dead_letter_queue`]).toMatchObject({ name: `recall-dev-notifications-${p}-dlq`, sqs_managed_sse_enabled: true });
      const policy = JSON.parse(r(devJson, 'aws_sqs_queue_policy')[`${p}_queue_queue_policy`].policy);
      expect(policy.Statement).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    }
  });
});

describe('sections 7-8: the poller and the adapters', () => {
  test('the poller runs every minute, reads the three queues, sends through SES and the SMS topic', () => {
    expect(Object.values(r(devJson, 'aws_cloudwatch_event_rule'))[0]).toMatchObject({ schedule_expression: 'rate(1 minute)' });
    const fn = r(devJson, 'aws_lambda_function').notification_poller_function;
    expect(fn.runtime).toBe('nodejs22.x');
    expect(Object.keys(fn.environment.variables)).toEqual(expect.arrayContaining(['HIGH_QUEUE_URL', 'MEDIUM_QUEUE_URL', 'LOW_QUEUE_URL', 'HIGH_DLQ_URL', 'IDEMPOTENCY_TABLE', 'SENDER_EMAIL', 'SMS_TOPIC_ARN', 'PRIORITY_WEIGHTS']));
    expect(fn.environment.variables.PRIORITY_WEIGHTS).toBe('8:3:1');
    const actions = policyOf(devJson, 'notification_poller_role_policy').Statement.flatMap((s: any) => [].concat(s.Action));
    expect(actions).toEqual(expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'ses:SendEmail', 'sns:Publish', 'dynamodb:PutItem']));
  });

  test('the Teams and webhook adapters are subscribed to recall-events and read their own secret only', () => {
    const subs = Object.values(r(devJson, 'aws_sns_topic_subscription')).filter((s: any) => s.protocol === 'lambda').map((s: any) => s.endpoint).sort();
    expect(subs).toEqual(['${aws_lambda_function.teams_adapter_function.arn}', '${aws_lambda_function.webhook_adapter_function.arn}']);
    const teams = policyOf(devJson, 'teams_adapter_role_policy').Statement;
    expect(teams.filter((s: any) => ([] as string[]).concat(s.Action).includes('secretsmanager:GetSecretValue')).map((s: any) => s.Resource)).toEqual(['${aws_secretsmanager_secret.teams_secret_secret.arn}']);
    expect(r(devJson, 'aws_lambda_function').teams_adapter_function.reserved_concurrent_executions).toBe(1);
  });

  test('no IAM statement in the stack allows a scopable action on Resource "*"', () => {
    const unscopable = /^(ec2:(Describe|CreateNetworkInterface|DeleteNetworkInterface|AssignPrivate|UnassignPrivate)|ecr:GetAuthorizationToken|xray:Put)/;
    for (const [address, p] of Object.entries(r(devJson, 'aws_iam_role_policy'))) {
      for (const s of JSON.parse((p as any).policy).Statement) {
        if ([].concat(s.Resource).includes('*' as never)) expect({ address, actions: [].concat(s.Action).filter((a: string) => !unscopable.test(a)) }).toEqual({ address, actions: [] });
      }
    }
  });
});

describe('sections 9-10: logs bucket, flow logs, alarms, dashboard', () => {
  test('VPC flow logs go to the logs bucket; the bucket is versioned and expires logs', () => {
    expect(Object.values(r(devJson, 'aws_flow_log'))[0]).toMatchObject({ log_destination_type: 's3', log_destination: '${aws_s3_bucket.logs_bucket_bucket.arn}/vpc-flow-logs/' });
    expect(r(devJson, 'aws_s3_bucket_versioning').logs_bucket_versioning.versioning_configuration.status).toBe('Enabled');
    const rules = r(devJson, 'aws_s3_bucket_lifecycle_configuration').logs_bucket_lifecycle.rule.map((x: any) => x.id);
    expect(rules).toEqual(expect.arrayContaining(['expire-alb-recall', 'expire-alb-store', 'expire-vpc-flow-logs']));
  });

  test('alarms: ALB 5xx, ASG in service, RDS, oldest message per priority, DLQ > 0, Lambda errors; all to the on-call topic', () => {
    const alarms = Object.values(r(devJson, 'aws_cloudwatch_metric_alarm')) as any[];
    const names = alarms.map((a) => a.alarm_name);
    for (const expected of [
      'recall-dev-recall-alb-5xx-rate',
      'recall-dev-store-alb-5xx-rate',
      'recall-dev-recall-web-in-service-low',
      'recall-dev-store-backend-in-service-low',
      'recall-dev-postgres-cpu-high',
      'recall-dev-notifications-high-oldest-message-age',
      'recall-dev-notifications-low-dead-letter-messages',
      'recall-dev-notification-poller-error-rate',
      'recall-dev-teams-adapter-error-rate',
    ]) expect(names).toContain(expected);
    const high = alarms.find((a) => a.alarm_name === 'recall-dev-notifications-high-oldest-message-age');
    expect(high.threshold).toBe(60);
    expect(alarms.every((a) => JSON.stringify(a.alarm_actions) === JSON.stringify(['${aws_sns_topic.ops_topic_topic.arn}']) || JSON.stringify(a.alarm_actions).includes('ops_topic'))).toBe(true);
    expect(Object.keys(r(devJson, 'aws_cloudwatch_dashboard'))).toHaveLength(1);
  });
});

describe('environment section', () => {
  const bad = (recall: Record<string, unknown>) => () => validateEnvironment({ ...devInput, recall: { ...devInput.recall, ...recall } }, 'environments/dev.ts');

  test('bad fields are named with the value received', () => {
    expect(bad({ cidr: '10.44.0.0/20' })).toThrow(/recall\.cidr.*must be \/16 to \/18.*"10\.44\.0\.0\/20"/s);
    expect(bad({ senderEmail: 'x@example.org' })).toThrow(/recall\.senderEmail.*recall\.dev\.classifyhub\.example\.com.*"x@example\.org"/s);
    expect(bad({ amis: { web: 'ami-xyz', backend: 'ami-0453ec754f44f9a4a' } })).toThrow(/recall\.amis\.web/);
    expect(bad({ images: { recallWeb: 'latest', storeWeb: '1', recallBackend: '1', storeBackend: '1' } })).toThrow(/recall\.images\.recallWeb/);
    expect(bad({ cidr: '10.40.0.0/16' })).toThrow(/overlap/i);
  });

  test('the section is required when systems names recall', () => {
    const { recall: _drop, ...rest } = devInput;
    expect(() => validateEnvironment(rest, 'environments/dev.ts')).toThrow(/required when systems includes "recall"/);
  });

  test('app: only environments that run the system get a stack (recall-<env>)', () => {
    const without = validateEnvironment({ ...devInput, systems: devInput.systems.filter((x) => x !== 'recall'), recall: undefined }, 'environments/dev.ts');
    expect(addRecallStacks(Testing.app() as App, [without])).toEqual([]);
    expect(() => new RecallStack(Testing.app() as App, 'recall-dev', { environment: without, functionCode })).toThrow('environment dev (environments/dev.ts) does not run "recall"');
  });
});

test('snapshot: every address of recall-dev and recall-prod (hashes blanked)', () => {
  const blank = (json: Json) =>
    Object.entries(json.resource)
      .flatMap(([type, byName]) => Object.keys(byName).map((n) => `${type}.${n}`))
      .sort();
  const lambdaCode = Object.fromEntries(Object.entries(r(devJson, 'aws_lambda_function')).map(([k, v]: [string, any]) => [k, { filename: String(v.filename).replace(/[0-9a-f]{32}/g, '<hash>'), source_code_hash: '<hash>' }]));
  expect({ dev: blank(devJson), prodExtra: blank(prodJson).filter((a) => !blank(devJson).includes(a)), lambdaCode }).toMatchSnapshot();
});
