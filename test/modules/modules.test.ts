import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { Instance } from '@cdktf/provider-aws/lib/instance';
import { EbsVolume } from '@cdktf/provider-aws/lib/ebs-volume';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { Network } from '../../modules/network';
import { cidrSubnet } from '../../modules/network/cidr';
import { DockerHost } from '../../modules/docker-host';
import { Bucket } from '../../modules/object-store';
import { Queue } from '../../modules/queue';
import { ContainerRepository } from '../../modules/container-registry';
import { Secret } from '../../modules/secret';
import { EmailDomain } from '../../modules/email';
import { Distribution } from '../../modules/cdn';
import { ServiceRole } from '../../modules/iam/role';
import { escapeTerraformTemplate, unescapeTerraformTemplate } from '../../modules/core/template';
import { synthFixture } from '../helpers';

type Json = { resource: Record<string, Record<string, any>> };
/** Synthesizes constructs in a ReadableStack, so addresses are the ones stacks get. */
const synth = synthFixture;
const parsed = (s: string) => JSON.parse(s) as Json;
function policyOf(json: Json, type: string, name?: string): any {
  const byName = json.resource[type];
  const res = name ? byName[name] : Object.values(byName)[0];
  return JSON.parse(res.policy);
}

const network = (scope: Construct) => new Network(scope, 'network', { namePrefix: 't', cidrBlock: '10.1.0.0/16', availabilityZones: ['us-east-1a'], logRetentionDays: 14 });
const role = (scope: Construct) => new ServiceRole(scope, 'role', { roleName: 't-role', assumedBy: 'ec2.amazonaws.com', description: 'test' });

describe('Network', () => {
  test('VPC, first public subnet from the start of the range, flow logs on', () => {
    const out = synth(network);
    expect(out).toHaveResourceWithProperties(Vpc, { cidr_block: '10.1.0.0/16', enable_dns_hostnames: true });
    expect(out).toHaveResourceWithProperties(Subnet, { cidr_block: '10.1.0.0/24', availability_zone: 'us-east-1a', map_public_ip_on_launch: false });
    expect(out).toHaveResourceWithProperties(FlowLog, { traffic_type: 'ALL', log_destination_type: 'cloud-watch-logs' });
  });
  test('cidrSubnet matches Terraform cidrsubnet()', () => {
    expect(cidrSubnet('10.1.0.0/16', 8, 0)).toBe('10.1.0.0/24');
    expect(cidrSubnet('10.1.0.0/16', 4, 3)).toBe('10.1.48.0/20');
    expect(() => cidrSubnet('10.1.0.0/16', 8, 256)).toThrow(/index 256 does not fit/);
  });
  test('rejects a log retention CloudWatch does not accept', () => {
    expect(() => synth((s) => new Network(s, 'n', { namePrefix: 't', cidrBlock: '10.1.0.0/16', availabilityZones: ['a'], logRetentionDays: 10 }))).toThrow(/logRetentionDays: received 10; expected one of 1, 3, 5/);
  });
});

describe('DockerHost', () => {
  const host = (scope: Construct, extra: Record<string, unknown> = {}) =>
    new DockerHost(scope, 'host', {
      namePrefix: 't', subnet: network(scope).publicSubnets[0], amiId: 'ami-0123456789abcdef0', userData: 'echo ${HOME} %{x}',
      containerLogGroupName: '/t/containers', logRetentionDays: 14, backupRetentionDays: 7, deletionProtection: true, ...extra,
    });
  test('IMDSv2, encrypted volumes, separate data volume kept from destroy, SSM not SSH', () => {
    const out = synth((s) => host(s));
    expect(out).toHaveResourceWithProperties(Instance, {
      metadata_options: { http_tokens: 'required', http_endpoint: 'enabled', http_put_response_hop_limit: 2, instance_metadata_tags: 'disabled' },
      root_block_device: expect.objectContaining({ encrypted: true }),
      disable_api_termination: true,
      user_data: 'echo $${HOME} %%{x}',
    });
    expect(parsed(out).resource.aws_instance.host_instance.key_name).toBeUndefined();
    expect(out).toHaveResourceWithProperties(EbsVolume, { encrypted: true, size: 20, lifecycle: { prevent_destroy: true } });
    const ports = Object.values(parsed(out).resource.aws_vpc_security_group_ingress_rule).map((r: any) => r.from_port).sort();
    expect(ports).toEqual([443, 80]);
    expect(JSON.stringify(parsed(out).resource.aws_iam_role_policy_attachment)).toMatch(/AmazonSSMManagedInstanceCore/);
  });
  test('refuses port 22 and oversized user data, naming the value', () => {
    expect(() => synth((s) => host(s, { ingressPorts: [443, 22] }))).toThrow(/ingressPorts: received \[443,22\]; expected no port 22/);
    expect(() => synth((s) => host(s, { userData: 'x'.repeat(20000) }))).toThrow(/userData: received .*expected at most 16384 bytes \(got 20000\)/);
  });
});

describe('Bucket', () => {
  test('private, encrypted, versioned, TLS-only, grants scoped to the bucket', () => {
    const out = synth((s) => {
      const b = new Bucket(s, 'images', { bucketName: 'my-images', corsAllowedOrigins: ['https://app.example.com'] });
      b.grantReadWrite(role(s));
    });
    expect(out).toHaveResourceWithProperties(S3Bucket, { bucket: 'my-images', force_destroy: false });
    expect(out).toHaveResourceWithProperties(S3BucketPublicAccessBlock, { block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    const json = parsed(out);
    expect(json.resource.aws_s3_bucket_server_side_encryption_configuration.images_encryption.rule[0].apply_server_side_encryption_by_default.sse_algorithm).toBe('AES256');
    expect(json.resource.aws_s3_bucket_versioning.images_versioning.versioning_configuration.status).toBe('Enabled');
    expect(json.resource.aws_s3_bucket_cors_configuration.images_cors.cors_rule[0].allowed_origins).toEqual(['https://app.example.com']);
    const policy = policyOf(json, 'aws_s3_bucket_policy');
    expect(policy.Statement[0]).toMatchObject({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
    const grants = policyOf(json, 'aws_iam_role_policy');
    expect(grants.Statement.map((s: any) => s.Resource)).toEqual(['${aws_s3_bucket.images_bucket.arn}', '${aws_s3_bucket.images_bucket.arn}/*']);
  });
  test('rejects a wildcard CORS origin', () => {
    expect(() => synth((s) => new Bucket(s, 'b', { bucketName: 'ok-name', corsAllowedOrigins: ['*'] }))).toThrow(/corsAllowedOrigins: received \["\*"\]/);
  });
});

describe('Queue', () => {
  test('queue with DLQ redrive, SSE, send/consume grants on the queue only', () => {
    const out = synth((s) => {
      const q = new Queue(s, 'jobs', { queueName: 'jobs', maxReceiveCount: 3 });
      const r = role(s);
      q.grantSendMessages(r);
      q.grantConsumeMessages(r);
    });
    expect(out).toHaveResourceWithProperties(SqsQueue, { name: 'jobs-dlq', sqs_managed_sse_enabled: true });
    const json = parsed(out);
    expect(JSON.parse(json.resource.aws_sqs_queue.jobs_queue.redrive_policy)).toEqual({ deadLetterTargetArn: '${aws_sqs_queue.jobs_dead_letter_queue.arn}', maxReceiveCount: 3 });
    const grants = policyOf(json, 'aws_iam_role_policy');
    expect(grants.Statement.map((s: any) => s.Resource)).toEqual(['${aws_sqs_queue.jobs_queue.arn}', '${aws_sqs_queue.jobs_queue.arn}']);
    expect(grants.Statement[1].Action).toContain('sqs:DeleteMessage');
  });
  test('validates ranges with the value received', () => {
    expect(() => synth((s) => new Queue(s, 'q', { queueName: 'q', visibilityTimeoutSeconds: 50000 }))).toThrow(/visibilityTimeoutSeconds: received 50000; expected a whole number from 0 to 43200/);
  });
});

describe('ContainerRepository, Secret, EmailDomain', () => {
  test('ECR: immutable tags, scan on push; pull grant scoped to the repository', () => {
    const out = synth((s) => new ContainerRepository(s, 'backend', { repositoryName: 'app/backend' }).grantPull(role(s)));
    expect(out).toHaveResourceWithProperties(EcrRepository, { image_tag_mutability: 'IMMUTABLE', image_scanning_configuration: { scan_on_push: true } });
    const grants = policyOf(parsed(out), 'aws_iam_role_policy');
    expect(grants.Statement[0]).toMatchObject({ Resource: '${aws_ecr_repository.backend_repository.arn}' });
  });
  test('Secret: no value in Terraform; initialize grant includes PutSecretValue on that secret only', () => {
    const out = synth((s) => new Secret(s, 'jwt', { secretName: 'app/jwt', description: 'd' }).grantInitialize(role(s)));
    expect(out).toHaveResourceWithProperties(SecretsmanagerSecret, { name: 'app/jwt', recovery_window_in_days: 7 });
    expect(out).not.toMatch(/aws_secretsmanager_secret_version/);
    const grants = policyOf(parsed(out), 'aws_iam_role_policy');
    expect(grants.Statement[0]).toMatchObject({ Action: expect.arrayContaining(['secretsmanager:PutSecretValue']), Resource: '${aws_secretsmanager_secret.jwt_secret.arn}' });
  });
  test('EmailDomain: DKIM records in the zone; send grant pinned to the From address', () => {
    const json = parsed(synth((s) => new EmailDomain(s, 'mail', { domainName: 'example.com', hostedZoneId: 'Z1' }).grantSend(role(s), 'no-reply@example.com')));
    expect(Object.keys(json.resource.aws_route53_record).sort()).toEqual(['mail_dkim_record_1', 'mail_dkim_record_2', 'mail_dkim_record_3', 'mail_verification_record']);
    expect(policyOf(json, 'aws_iam_role_policy').Statement[0].Condition).toEqual({ StringEquals: { 'ses:FromAddress': 'no-reply@example.com' } });
  });
});

describe('Distribution', () => {
  test('HTTPS only, TLS 1.2+, two origins, bucket policy allows only this distribution', () => {
    const json = parsed(synth((s) => {
      const usEast1 = new AwsProvider(s, 'us', { alias: 'us_east_1', region: 'us-east-1' });
      const bucket = new Bucket(s, 'images', { bucketName: 'img-bucket' });
      new Distribution(s, 'cdn', { namePrefix: 't', domainName: 'cdn.example.com', hostedZoneId: 'Z1', usEast1Provider: usEast1, appOriginDomainName: 'example.com', bucket });
    }));
    const d = json.resource.aws_cloudfront_distribution.cdn_distribution;
    expect(d.viewer_certificate.minimum_protocol_version).toBe('TLSv1.2_2021');
    expect(d.default_cache_behavior.viewer_protocol_policy).toBe('redirect-to-https');
    expect(d.ordered_cache_behavior[0].viewer_protocol_policy).toBe('redirect-to-https');
    expect(d.origin.map((o: any) => o.origin_id)).toEqual(['app', 'images']);
    expect(d.origin[0].custom_origin_config).toMatchObject({ origin_protocol_policy: 'https-only', origin_ssl_protocols: ['TLSv1.2'] });
    expect(json.resource.aws_acm_certificate.cdn_certificate.provider).toBe('aws.us_east_1');
    const policy = policyOf(json, 'aws_s3_bucket_policy');
    expect(policy.Statement[1]).toMatchObject({ Principal: { Service: 'cloudfront.amazonaws.com' }, Resource: '${aws_s3_bucket.images_bucket.arn}/images/*', Condition: { StringEquals: { 'AWS:SourceArn': '${aws_cloudfront_distribution.cdn_distribution.arn}' } } });
  });
  test('rejects an IP address as origin', () => {
    expect(() => synth((s) => {
      const usEast1 = new AwsProvider(s, 'us', { alias: 'us_east_1', region: 'us-east-1' });
      new Distribution(s, 'cdn', { namePrefix: 't', domainName: 'cdn.example.com', hostedZoneId: 'Z1', usEast1Provider: usEast1, appOriginDomainName: '1.2.3.4', bucket: new Bucket(s, 'b', { bucketName: 'img-bucket' }) });
    })).toThrow(/appOriginDomainName: received "1\.2\.3\.4"/);
  });
});

test('ServiceRole without grants has no inline policy; Terraform templates are escaped', () => {
  expect(parsed(synth(role)).resource.aws_iam_role_policy).toBeUndefined();
  expect(unescapeTerraformTemplate(escapeTerraformTemplate('a ${b} %{c} $d'))).toBe('a ${b} %{c} $d');
});

test('without deletion protection: termination allowed, no prevent_destroy; never port 22', () => {
  const out = synth((s) => new DockerHost(s, 'h', { namePrefix: 't', subnet: network(s).publicSubnets[0], amiId: 'ami-0123456789abcdef0', userData: 'x', containerLogGroupName: '/t', logRetentionDays: 7, backupRetentionDays: 1, deletionProtection: false }));
  expect(out).not.toHaveResourceWithProperties(VpcSecurityGroupIngressRule, { from_port: 22 });
  expect(out).toHaveResourceWithProperties(Instance, { disable_api_termination: false });
  expect(out).not.toHaveResourceWithProperties(EbsVolume, { lifecycle: { prevent_destroy: true } });
});

describe('EmailDomain in a second region', () => {
  test('verificationRecord: false leaves out the _amazonses TXT record and keeps the DKIM records', () => {
    const json = parsed(synth((s) => new EmailDomain(s, 'email_domain', { domainName: 'example.com', hostedZoneId: 'Z0123456789ABC', verificationRecord: false })));
    expect(Object.keys(json.resource.aws_route53_record).sort()).toEqual(['email_domain_dkim_record_1', 'email_domain_dkim_record_2', 'email_domain_dkim_record_3']);
  });
});
