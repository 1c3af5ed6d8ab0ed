import { Construct } from 'constructs';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { OpensearchDomain } from '@cdktf/provider-aws/lib/opensearch-domain';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { SearchDomain, SearchDomainProps } from '../../modules/search';
import { ServiceRole } from '../../modules/iam/role';
import { PolicyStatement } from '../../modules/iam/policy';
import { synthFixture } from '../helpers';

type Json = { resource: Record<string, Record<string, any>> };
/** Synthesizes constructs in a ReadableStack, so addresses are the ones stacks get. */
const synth = synthFixture;
const parsed = (s: string) => JSON.parse(s) as Json;
const ARN = 'arn:aws:es:us-east-1:123456789012:domain/classifyhub-prod-search';

const vpcAndSubnets = (scope: Construct, count: number) => {
  const vpc = new Vpc(scope, 'vpc', { cidrBlock: '10.0.0.0/16' });
  const subnets = Array.from({ length: count }, (_, i) => new Subnet(scope, `private_subnet_${i + 1}`, { vpcId: vpc.id, cidrBlock: `10.0.${i}.0/24`, availabilityZone: `us-east-1${'abcd'[i]}` }));
  return { vpc, subnets };
};
const search = (scope: Construct, extra: Partial<SearchDomainProps> = {}, subnetCount = 3) =>
  new SearchDomain(scope, 'search', { namePrefix: 'classifyhub-prod', ...vpcAndSubnets(scope, subnetCount), accountId: '123456789012', region: 'us-east-1', logRetentionDays: 30, ...extra });
const role = (scope: Construct, id = 'api_role') => new ServiceRole(scope, id, { roleName: id, assumedBy: 'ecs-tasks.amazonaws.com', description: 'd' });
const domainPolicy = (json: Json) => JSON.parse(json.resource.aws_opensearch_domain_policy.search_domain_policy.access_policies);

describe('SearchDomain', () => {
  test('addresses follow the construct id', () => {
    const json = parsed(synth((s) => search(s)));
    const addresses = Object.entries(json.resource).flatMap(([type, rs]) => Object.keys(rs).map((n) => `${type}.${n}`)).filter((a) => !/vpc\.vpc|private_subnet/.test(a)).sort();
    expect(addresses).toEqual([
      'aws_cloudwatch_log_group.search_application_log_group',
      'aws_cloudwatch_log_group.search_index_slow_log_group',
      'aws_cloudwatch_log_group.search_search_slow_log_group',
      'aws_cloudwatch_log_resource_policy.search_log_resource_policy',
      'aws_opensearch_domain.search_domain',
      'aws_opensearch_domain_policy.search_domain_policy',
      'aws_security_group.search_security_group',
    ]);
  });

  test('encryption, HTTPS with TLS 1.2 PFS, VPC placement, zone awareness, gp3, updates off-peak', () => {
    const out = synth((s) => search(s));
    expect(out).toHaveResourceWithProperties(OpensearchDomain, {
      domain_name: 'classifyhub-prod-search',
      engine_version: 'OpenSearch_2.17',
      encrypt_at_rest: { enabled: true },
      node_to_node_encryption: { enabled: true },
      domain_endpoint_options: { enforce_https: true, tls_security_policy: 'Policy-Min-TLS-1-2-PFS-2023-10' },
      cluster_config: { instance_type: 'r6g.large.search', instance_count: 3, zone_awareness_enabled: true, zone_awareness_config: { availability_zone_count: 3 }, dedicated_master_enabled: false },
      ebs_options: { ebs_enabled: true, volume_type: 'gp3', volume_size: 20 },
      advanced_options: { 'rest.action.multi_allow_explicit_index': 'true' },
      auto_tune_options: { desired_state: 'ENABLED', use_off_peak_window: true, rollback_on_disable: 'NO_ROLLBACK' },
      off_peak_window_options: { enabled: true, off_peak_window: { window_start_time: { hours: 2, minutes: 0 } } },
      software_update_options: { auto_software_update_enabled: true },
    });
    const d = parsed(out).resource.aws_opensearch_domain.search_domain;
    expect(d.vpc_options).toEqual({
      subnet_ids: ['${aws_subnet.private_subnet_1.id}', '${aws_subnet.private_subnet_2.id}', '${aws_subnet.private_subnet_3.id}'],
      security_group_ids: ['${aws_security_group.search_security_group.id}'],
    });
    // The policy is a separate resource so grants can be added after the domain.
    expect(d.access_policies).toBeUndefined();
  });

  test('dedicated masters, two zones, t3 without Auto-Tune, single zone without zone awareness', () => {
    let out = synth((s) => search(s, { dedicatedMasterType: 'm6g.large.search', instanceCount: 4 }, 2));
    expect(out).toHaveResourceWithProperties(OpensearchDomain, {
      cluster_config: { instance_type: 'r6g.large.search', instance_count: 4, zone_awareness_enabled: true, zone_awareness_config: { availability_zone_count: 2 }, dedicated_master_enabled: true, dedicated_master_type: 'm6g.large.search', dedicated_master_count: 3 },
    });
    out = synth((s) => search(s, { instanceType: 't3.small.search' }, 1));
    const d = parsed(out).resource.aws_opensearch_domain.search_domain;
    expect(d.auto_tune_options).toEqual({ desired_state: 'DISABLED', use_off_peak_window: false, rollback_on_disable: 'NO_ROLLBACK' });
    expect(d.cluster_config).toEqual({ instance_type: 't3.small.search', instance_count: 1, zone_awareness_enabled: false, dedicated_master_enabled: false });
  });

  test('three log types to log groups with retention; log resource policy scoped to them and this domain', () => {
    const out = synth((s) => search(s));
    expect(out).toHaveResourceWithProperties(CloudwatchLogGroup, { name: '/classifyhub/prod/search/index-slow-logs', retention_in_days: 30 });
    expect(out).toHaveResourceWithProperties(CloudwatchLogGroup, { name: '/classifyhub/prod/search/search-slow-logs', retention_in_days: 30 });
    expect(out).toHaveResourceWithProperties(CloudwatchLogGroup, { name: '/classifyhub/prod/search/application-logs', retention_in_days: 30 });
    const json = parsed(out);
    const d = json.resource.aws_opensearch_domain.search_domain;
    expect(d.log_publishing_options).toEqual([
      { log_type: 'INDEX_SLOW_LOGS', cloudwatch_log_group_arn: '${aws_cloudwatch_log_group.search_index_slow_log_group.arn}', enabled: true },
      { log_type: 'SEARCH_SLOW_LOGS', cloudwatch_log_group_arn: '${aws_cloudwatch_log_group.search_search_slow_log_group.arn}', enabled: true },
      { log_type: 'ES_APPLICATION_LOGS', cloudwatch_log_group_arn: '${aws_cloudwatch_log_group.search_application_log_group.arn}', enabled: true },
    ]);
    expect(d.depends_on).toEqual(['aws_cloudwatch_log_resource_policy.search_log_resource_policy']);
    const lrp = json.resource.aws_cloudwatch_log_resource_policy.search_log_resource_policy;
    expect(lrp.policy_name).toBe('classifyhub-prod-search-log-publishing');
    expect(JSON.parse(lrp.policy_document).Statement).toEqual([
      {
        Sid: 'OpenSearchLogPublishing',
        Effect: 'Allow',
        Principal: { Service: 'es.amazonaws.com' },
        Action: ['logs:PutLogEvents', 'logs:CreateLogStream'],
        Resource: [
          '${aws_cloudwatch_log_group.search_index_slow_log_group.arn}:*',
          '${aws_cloudwatch_log_group.search_search_slow_log_group.arn}:*',
          '${aws_cloudwatch_log_group.search_application_log_group.arn}:*',
        ],
        Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' }, ArnLike: { 'aws:SourceArn': ARN } },
      },
    ]);
  });

  test('without grants the access policy allows nothing', () => {
    const json = parsed(synth((s) => search(s)));
    expect(json.resource.aws_opensearch_domain_policy.search_domain_policy.domain_name).toBe('${aws_opensearch_domain.search_domain.domain_name}');
    expect(domainPolicy(json)).toEqual({
      Version: '2012-10-17',
      Statement: [{ Sid: 'NoAccessGranted', Effect: 'Deny', Principal: { AWS: '*' }, Action: 'es:ESHttp*', Resource: `${ARN}/*` }],
    });
  });

  test('grants go into the domain access policy (role as principal) and the grantee policy', () => {
    const json = parsed(synth((s) => {
      const d = search(s);
      const api = role(s, 'api_role');
      const worker = role(s, 'worker_role');
      d.grantReadWrite(worker);
      d.grantSearch(api, 'listings-*');
      d.grantSearch(api, 'listings-*'); // repeated grants are ignored
    }));
    expect(domainPolicy(json).Statement).toEqual([
      {
        Sid: 'ReadWriteSearchForWorkerRole', Effect: 'Allow', Principal: { AWS: '${aws_iam_role.worker_role_role.arn}' },
        Action: ['es:ESHttpGet', 'es:ESHttpHead', 'es:ESHttpPost', 'es:ESHttpPut', 'es:ESHttpDelete'], Resource: `${ARN}/*`,
      },
      {
        Sid: 'SearchSearchListingsAllForApiRole', Effect: 'Allow', Principal: { AWS: '${aws_iam_role.api_role_role.arn}' },
        Action: ['es:ESHttpGet', 'es:ESHttpPost'], Resource: `${ARN}/listings-*/_search`,
      },
    ]);
    const apiPolicy = JSON.parse(json.resource.aws_iam_role_policy.api_role_policy.policy);
    expect(apiPolicy.Statement).toEqual([{ Sid: 'SearchSearchListingsAll', Effect: 'Allow', Action: ['es:ESHttpGet', 'es:ESHttpPost'], Resource: `${ARN}/listings-*/_search` }]);
    const workerPolicy = JSON.parse(json.resource.aws_iam_role_policy.worker_role_policy.policy);
    expect(workerPolicy.Statement[0]).toMatchObject({ Sid: 'ReadWriteSearch', Resource: `${ARN}/*` });
  });

  test('a grantee that is not a construct is numbered in the domain policy', () => {
    const received: PolicyStatement[] = [];
    const json = parsed(synth((s) => search(s).grantSearch({ roleArn: 'arn:aws:iam::123456789012:role/external', addToPolicy: (st) => received.push(st) }, 'listings')));
    expect(domainPolicy(json).Statement[0]).toMatchObject({ Sid: 'SearchSearchListingsForGrantee1', Principal: { AWS: 'arn:aws:iam::123456789012:role/external' } });
    expect(received).toEqual([{ sid: 'SearchSearchListings', actions: ['es:ESHttpGet', 'es:ESHttpPost'], resources: [`${ARN}/listings/_search`] }]);
  });

  test('exposes name, deterministic ARN, https endpoint and CloudWatch client id', () => {
    let d!: SearchDomain;
    synth((s) => { d = search(s); });
    expect(d.domainName).toBe('classifyhub-prod-search');
    expect(d.domainArn).toBe(ARN);
    expect(d.clientId).toBe('123456789012');
    expect(d.endpoint).toMatch(/^https:\/\/\$\{TfToken/);
    expect(d.port).toBe(443);
  });

  test('allowFrom: ingress on 443 from the peer and egress on the peer', () => {
    const json = parsed(synth((s) => search(s).allowFrom(new SecurityGroup(s, 'api_security_group', { name: 'api', description: 'api' }), 'API tasks')));
    expect(json.resource.aws_vpc_security_group_ingress_rule.search_from_api_security_group_ingress).toEqual({
      security_group_id: '${aws_security_group.search_security_group.id}',
      referenced_security_group_id: '${aws_security_group.api_security_group.id}',
      ip_protocol: 'tcp', from_port: 443, to_port: 443, description: 'API tasks',
    });
    expect(json.resource.aws_vpc_security_group_egress_rule.search_from_api_security_group_egress).toMatchObject({
      security_group_id: '${aws_security_group.api_security_group.id}',
      referenced_security_group_id: '${aws_security_group.search_security_group.id}',
      from_port: 443, to_port: 443,
    });
  });

  test('validation names the field and the value', () => {
    expect(() => synth((s) => search(s, { domainName: 'classifyhub-production-search' }))).toThrow(/domainName: received "classifyhub-production-search"; expected 3-28 lower-case/);
    expect(() => synth((s) => search(s, {}, 4))).toThrow(/subnets: received 4; expected 1 to 3 subnets/);
    expect(() => synth((s) => search(s, { instanceCount: 4 }))).toThrow(/instanceCount: received 4; expected a whole number >= 1 and a multiple of the zone count \(3\)/);
    expect(() => synth((s) => search(s, { instanceType: 't2.small.search' }))).toThrow(/instanceType: received "t2.small.search"; expected .*not t2/);
    expect(() => synth((s) => search(s, { logRetentionDays: 2 }))).toThrow(/logRetentionDays: received 2/);
    expect(() => synth((s) => search(s, { accountId: '1234' }))).toThrow(/accountId: received "1234"; expected a 12-digit AWS account id/);
    expect(() => synth((s) => search(s, { volumeSizeGiB: 5 }))).toThrow(/volumeSizeGiB: received 5/);
    expect(() => synth((s) => search(s).grantSearch(role(s), 'Listings/all'))).toThrow(/index: received "Listings\/all"/);
  });
});
