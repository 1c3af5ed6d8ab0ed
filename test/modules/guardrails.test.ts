import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { Construct } from 'constructs';
import { App, Testing } from 'cdktf';
import { invokeAspects } from 'cdktf/lib/synthesize/synthesizer';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketAcl } from '@cdktf/provider-aws/lib/s3-bucket-acl';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { EbsVolume } from '@cdktf/provider-aws/lib/ebs-volume';
import { Instance } from '@cdktf/provider-aws/lib/instance';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { DbParameterGroup } from '@cdktf/provider-aws/lib/db-parameter-group';
import { ElasticacheReplicationGroup } from '@cdktf/provider-aws/lib/elasticache-replication-group';
import { ElasticacheCluster } from '@cdktf/provider-aws/lib/elasticache-cluster';
import { OpensearchDomain } from '@cdktf/provider-aws/lib/opensearch-domain';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { KinesisStream } from '@cdktf/provider-aws/lib/kinesis-stream';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { CloudfrontDistribution, CloudfrontDistributionConfig } from '@cdktf/provider-aws/lib/cloudfront-distribution';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { SecurityGroupRule } from '@cdktf/provider-aws/lib/security-group-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { LambdaFunction, LambdaFunctionConfig } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaEventSourceMapping } from '@cdktf/provider-aws/lib/lambda-event-source-mapping';
import { LambdaFunctionEventInvokeConfig } from '@cdktf/provider-aws/lib/lambda-function-event-invoke-config';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { Wafv2WebAclAssociation } from '@cdktf/provider-aws/lib/wafv2-web-acl-association';
import { ApiGatewayRestApi } from '@cdktf/provider-aws/lib/api-gateway-rest-api';
import { ApiGatewayStage } from '@cdktf/provider-aws/lib/api-gateway-stage';
import { ReadableStack } from '../../modules/core/stack';
import { Bucket } from '../../modules/object-store';
import { Guardrails, GuardrailsError, GuardrailsReport, GuardrailsTier, RULES } from '../../modules/guardrails';
import { loadAllEnvironments, loadEnvironment } from '../../environments/lib/load';
import { addClassifyHubStacks, atStage } from '../../systems/classifyhub/app';
import { IMPLEMENTED_STAGES, StageSlug } from '../../systems/classifyhub/stages';

const ROOT = path.resolve(__dirname, '..', '..');

type Build = (stack: Construct) => void;

/** Synthesizes a ReadableStack fixture and evaluates the given rules (default: the whole pack). */
function evaluateFixture(build: Build, options: { tier?: GuardrailsTier; ruleIds?: string[] } = {}): GuardrailsReport {
  const app = Testing.app();
  const stack = new ReadableStack(app, 'fixture');
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  build(stack);
  const rules = options.ruleIds ? RULES.filter((r) => options.ruleIds!.includes(r.id)) : undefined;
  const guardrails = Guardrails.apply(stack, { tier: options.tier ?? 'prod', ...(rules ? { rules } : {}) });
  Testing.synth(stack);
  return guardrails.report();
}

// ---------------------------------------------------------------- fixtures
const policy = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const role = (s: Construct) => new IamRole(s, 'role', { name: 'r', assumeRolePolicy: policy([{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }]) });
const rolePolicy = (s: Construct, statements: object[]) => new IamRolePolicy(s, 'policy', { role: role(s).name, policy: policy(statements) });
const fn = (s: Construct, id: string, extra: Partial<LambdaFunctionConfig> = {}) =>
  new LambdaFunction(s, id, { functionName: id, role: 'arn:aws:iam::111111111111:role/r', runtime: 'nodejs22.x', handler: 'index.handler', filename: 'f.zip', ...extra });
const vpc = (s: Construct) => new Vpc(s, 'vpc', { cidrBlock: '10.0.0.0/16' });
const distribution = (s: Construct, extra: Partial<CloudfrontDistributionConfig> = {}) =>
  new CloudfrontDistribution(s, 'cdn', {
    enabled: true,
    origin: [{ originId: 'app', domainName: 'app.example.com', customOriginConfig: { httpPort: 80, httpsPort: 443, originProtocolPolicy: 'https-only', originSslProtocols: ['TLSv1.2'] } }],
    defaultCacheBehavior: { targetOriginId: 'app', viewerProtocolPolicy: 'redirect-to-https', allowedMethods: ['GET', 'HEAD'], cachedMethods: ['GET', 'HEAD'], cachePolicyId: 'x' },
    restrictions: { geoRestriction: { restrictionType: 'none' } },
    viewerCertificate: { acmCertificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/x', sslSupportMethod: 'sni-only', minimumProtocolVersion: 'TLSv1.2_2021' },
    ...extra,
  });
const internetAlb = (s: Construct, sg: SecurityGroup) => new Lb(s, 'alb', { internal: false, securityGroups: [sg.id], subnets: ['subnet-1', 'subnet-2'], dropInvalidHeaderFields: true });
const bucketWith = (s: Construct, parts: { encryption?: boolean; tlsPolicy?: boolean; block?: Partial<Record<'blockPublicAcls' | 'blockPublicPolicy' | 'ignorePublicAcls' | 'restrictPublicBuckets', boolean>> | false }) => {
  const b = new S3Bucket(s, 'bucket', { bucket: 'fixture-bucket' });
  if (parts.encryption) new S3BucketServerSideEncryptionConfigurationA(s, 'sse', { bucket: b.id, rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }] });
  if (parts.tlsPolicy) {
    new S3BucketPolicy(s, 'bucket_policy', { bucket: b.id, policy: policy([{ Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*', Resource: [b.arn, `${b.arn}/*`], Condition: { Bool: { 'aws:SecureTransport': 'false' } } }]) });
  }
  if (parts.block !== false && parts.block !== undefined) {
    new S3BucketPublicAccessBlock(s, 'pab', { bucket: b.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true, ...parts.block });
  }
  return b;
};
const sqsConsumer = (s: Construct, visibility: number, timeout: number) => {
  const q = new SqsQueue(s, 'queue', { name: 'q', visibilityTimeoutSeconds: visibility, sqsManagedSseEnabled: true });
  const f = fn(s, 'consumer', { timeout });
  new LambdaEventSourceMapping(s, 'mapping', { eventSourceArn: q.arn, functionName: f.functionName });
};
const snsTriggered = (s: Construct, extra: Partial<LambdaFunctionConfig>, invokeConfig = false) => {
  const topic = new SnsTopic(s, 'topic', { name: 't', kmsMasterKeyId: 'alias/aws/sns' });
  const f = fn(s, 'handler', extra);
  new SnsTopicSubscription(s, 'subscription', { topicArn: topic.arn, protocol: 'lambda', endpoint: f.arn });
  new LambdaPermission(s, 'permission', { functionName: f.functionName, action: 'lambda:InvokeFunction', principal: 'sns.amazonaws.com', sourceArn: topic.arn });
  if (invokeConfig) new LambdaFunctionEventInvokeConfig(s, 'invoke_config', { functionName: f.functionName, destinationConfig: { onFailure: { destination: 'arn:aws:sqs:us-east-1:111111111111:failed' } } });
};
const streamConsumer = (s: Construct, onFailure: boolean) => {
  const stream = new KinesisStream(s, 'stream', { name: 's', shardCount: 1, encryptionType: 'KMS', kmsKeyId: 'alias/aws/kinesis' });
  const f = fn(s, 'reader');
  new LambdaEventSourceMapping(s, 'mapping', {
    eventSourceArn: stream.arn, functionName: f.functionName, startingPosition: 'LATEST',
    ...(onFailure ? { destinationConfig: { onFailure: { destinationArn: 'arn:aws:sqs:us-east-1:111111111111:failed' } } } : {}),
  });
};
const postgres = (s: Construct, forceSsl: string | undefined, extra: Record<string, unknown> = {}) => {
  const group = new DbParameterGroup(s, 'params', { family: 'postgres15', name: 'p', parameter: forceSsl === undefined ? [] : [{ name: 'rds.force_ssl', value: forceSsl }] });
  return new DbInstance(s, 'db', {
    engine: 'postgres', instanceClass: 'db.t4g.micro', allocatedStorage: 20, parameterGroupName: group.name, storageEncrypted: true,
    backupRetentionPeriod: 7, deletionProtection: true, lifecycle: { preventDestroy: true }, ...extra,
  });
};
const redis = (s: Construct, extra: Record<string, unknown> = {}) =>
  new ElasticacheReplicationGroup(s, 'redis', {
    replicationGroupId: 'r', description: 'r', engine: 'redis', nodeType: 'cache.t4g.micro', numCacheClusters: 1,
    atRestEncryptionEnabled: 'true', transitEncryptionEnabled: true, authToken: 'x'.repeat(32), subnetGroupName: 'private', securityGroupIds: ['sg-1'], ...extra,
  });
const search = (s: Construct, extra: Record<string, unknown> = {}) =>
  new OpensearchDomain(s, 'search', {
    domainName: 's', encryptAtRest: { enabled: true }, nodeToNodeEncryption: { enabled: true },
    domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: 'Policy-Min-TLS-1-2-PFS-2023-10' }, vpcOptions: { subnetIds: ['subnet-1'], securityGroupIds: ['sg-1'] }, ...extra,
  });

interface RuleFixture {
  readonly compliant: Build;
  readonly nonCompliant: Build;
  /** Address the non-compliant fixture must be flagged on. */
  readonly flags: string;
  /** Part of the finding's detail. */
  readonly detail: RegExp;
}

const FIXTURES: Record<string, RuleFixture> = {
  'CH-S3-001': {
    compliant: (s) => bucketWith(s, { encryption: true }),
    nonCompliant: (s) => bucketWith(s, {}),
    flags: 'aws_s3_bucket.bucket', detail: /no server-side encryption/,
  },
  'CH-S3-002': {
    compliant: (s) => bucketWith(s, { tlsPolicy: true }),
    nonCompliant: (s) => {
      const b = bucketWith(s, {});
      new S3BucketPolicy(s, 'bucket_policy', { bucket: b.id, policy: policy([{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 's3:GetObject', Resource: `${b.arn}/*` }]) });
    },
    flags: 'aws_s3_bucket.bucket', detail: /no statement denies s3:\* when aws:SecureTransport is false/,
  },
  'CH-S3-003': {
    compliant: (s) => bucketWith(s, { block: {} }),
    nonCompliant: (s) => bucketWith(s, { block: { blockPublicPolicy: false, restrictPublicBuckets: false } }),
    flags: 'aws_s3_bucket.bucket', detail: /block_public_policy is not true, restrict_public_buckets is not true \(aws_s3_bucket_public_access_block\.pab\)/,
  },
  'CH-S3-004': {
    compliant: (s) => bucketWith(s, { tlsPolicy: true }),
    nonCompliant: (s) => {
      const b = bucketWith(s, {});
      new S3BucketAcl(s, 'acl', { bucket: b.id, acl: 'public-read' });
      new S3BucketPolicy(s, 'bucket_policy', { bucket: b.id, policy: policy([{ Sid: 'Public', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `${b.arn}/*` }]) });
    },
    flags: 'aws_s3_bucket.bucket', detail: /canned ACL public-read; statement Public allows s3:GetObject to everyone without a condition/,
  },
  'CH-EBS-001': {
    compliant: (s) => {
      new EbsVolume(s, 'volume', { availabilityZone: 'us-east-1a', size: 10, encrypted: true });
      new Instance(s, 'instance', { ami: 'ami-1', instanceType: 't3.micro', rootBlockDevice: { encrypted: true }, metadataOptions: { httpTokens: 'required' } });
    },
    nonCompliant: (s) => new Instance(s, 'instance', { ami: 'ami-1', instanceType: 't3.micro', metadataOptions: { httpTokens: 'required' } }),
    flags: 'aws_instance.instance', detail: /root_block_device\.encrypted is not true/,
  },
  'CH-RDS-001': {
    compliant: (s) => postgres(s, '1'),
    nonCompliant: (s) => postgres(s, '1', { storageEncrypted: false }),
    flags: 'aws_db_instance.db', detail: /storage_encrypted is false/,
  },
  'CH-RDS-002': {
    compliant: (s) => {
      const db = postgres(s, '1');
      // A replica inherits the engine, and uses the same parameter group.
      new DbInstance(s, 'replica', { replicateSourceDb: db.identifier, instanceClass: 'db.t4g.micro', parameterGroupName: 'p', storageEncrypted: true });
    },
    nonCompliant: (s) => postgres(s, '0'),
    flags: 'aws_db_instance.db', detail: /aws_db_parameter_group\.params sets rds\.force_ssl = "0"/,
  },
  'CH-RDS-003': {
    compliant: (s) => postgres(s, '1', { publiclyAccessible: false }),
    nonCompliant: (s) => postgres(s, '1', { publiclyAccessible: true }),
    flags: 'aws_db_instance.db', detail: /publicly_accessible is true/,
  },
  'CH-RDS-004': {
    compliant: (s) => postgres(s, '1'),
    nonCompliant: (s) => postgres(s, '1', { backupRetentionPeriod: 0 }),
    flags: 'aws_db_instance.db', detail: /backup_retention_period is 0/,
  },
  'CH-ELASTICACHE-001': {
    compliant: (s) => redis(s),
    nonCompliant: (s) => new ElasticacheCluster(s, 'memcached', { clusterId: 'm', engine: 'memcached', nodeType: 'cache.t4g.micro', numCacheNodes: 1 }),
    flags: 'aws_elasticache_cluster.memcached', detail: /stand-alone "memcached" cluster cannot be encrypted at rest/,
  },
  'CH-ELASTICACHE-002': {
    compliant: (s) => redis(s),
    nonCompliant: (s) => redis(s, { transitEncryptionEnabled: false, authToken: undefined }),
    flags: 'aws_elasticache_replication_group.redis', detail: /transit_encryption_enabled is false/,
  },
  'CH-ELASTICACHE-003': {
    compliant: (s) => redis(s),
    nonCompliant: (s) => redis(s, { authToken: undefined }),
    flags: 'aws_elasticache_replication_group.redis', detail: /neither auth_token nor user_group_ids/,
  },
  'CH-ELASTICACHE-004': {
    compliant: (s) => redis(s),
    nonCompliant: (s) => redis(s, { subnetGroupName: undefined, securityGroupIds: undefined }),
    flags: 'aws_elasticache_replication_group.redis', detail: /subnet_group_name is not set .*; no security_group_ids/,
  },
  'CH-OPENSEARCH-001': {
    compliant: (s) => search(s),
    nonCompliant: (s) => search(s, { encryptAtRest: { enabled: false } }),
    flags: 'aws_opensearch_domain.search', detail: /encrypt_at_rest\.enabled is not true/,
  },
  'CH-OPENSEARCH-002': {
    compliant: (s) => search(s),
    nonCompliant: (s) => search(s, { domainEndpointOptions: { enforceHttps: false, tlsSecurityPolicy: 'Policy-Min-TLS-1-0-2019-07' } }),
    flags: 'aws_opensearch_domain.search', detail: /enforce_https is false; tls_security_policy is "Policy-Min-TLS-1-0-2019-07"/,
  },
  'CH-OPENSEARCH-003': {
    compliant: (s) => search(s),
    nonCompliant: (s) => search(s, { nodeToNodeEncryption: { enabled: false } }),
    flags: 'aws_opensearch_domain.search', detail: /node_to_node_encryption\.enabled is not true/,
  },
  'CH-OPENSEARCH-004': {
    compliant: (s) => search(s),
    nonCompliant: (s) => search(s, { vpcOptions: undefined }),
    flags: 'aws_opensearch_domain.search', detail: /public endpoint/,
  },
  'CH-SQS-001': {
    compliant: (s) => new SqsQueue(s, 'queue', { name: 'q', sqsManagedSseEnabled: true }),
    nonCompliant: (s) => new SqsQueue(s, 'queue', { name: 'q' }),
    flags: 'aws_sqs_queue.queue', detail: /neither sqs_managed_sse_enabled nor kms_master_key_id/,
  },
  'CH-SQS-002': {
    compliant: (s) => sqsConsumer(s, 180, 30),
    nonCompliant: (s) => sqsConsumer(s, 60, 30),
    flags: 'aws_sqs_queue.queue', detail: /visibility_timeout_seconds is 60; aws_lambda_function\.consumer has timeout 30 s, so it needs at least 180/,
  },
  'CH-SQS-003': {
    compliant: (s) => {
      const dlq = new SqsQueue(s, 'dlq', { name: 'dlq', sqsManagedSseEnabled: true });
      new SqsQueue(s, 'queue', { name: 'q', sqsManagedSseEnabled: true, redrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 5 }) });
    },
    nonCompliant: (s) => new SqsQueue(s, 'queue', { name: 'q', sqsManagedSseEnabled: true }),
    flags: 'aws_sqs_queue.queue', detail: /no redrive_policy/,
  },
  'CH-SNS-001': {
    compliant: (s) => new SnsTopic(s, 'topic', { name: 't', kmsMasterKeyId: new KmsKey(s, 'key', { enableKeyRotation: true }).arn }),
    nonCompliant: (s) => new SnsTopic(s, 'topic', { name: 't' }),
    flags: 'aws_sns_topic.topic', detail: /kms_master_key_id is not set/,
  },
  'CH-DYNAMODB-001': {
    compliant: (s) => new DynamodbTable(s, 'table', { name: 't', hashKey: 'pk', billingMode: 'PAY_PER_REQUEST', attribute: [{ name: 'pk', type: 'S' }], serverSideEncryption: { enabled: true } }),
    nonCompliant: (s) => new DynamodbTable(s, 'table', { name: 't', hashKey: 'pk', billingMode: 'PAY_PER_REQUEST', attribute: [{ name: 'pk', type: 'S' }] }),
    flags: 'aws_dynamodb_table.table', detail: /AWS-owned key/,
  },
  'CH-DYNAMODB-002': {
    compliant: (s) => new DynamodbTable(s, 'table', { name: 't', hashKey: 'pk', billingMode: 'PAY_PER_REQUEST', attribute: [{ name: 'pk', type: 'S' }], pointInTimeRecovery: { enabled: true } }),
    nonCompliant: (s) => new DynamodbTable(s, 'table', { name: 't', hashKey: 'pk', billingMode: 'PAY_PER_REQUEST', attribute: [{ name: 'pk', type: 'S' }] }),
    flags: 'aws_dynamodb_table.table', detail: /point_in_time_recovery\.enabled is not true/,
  },
  'CH-KINESIS-001': {
    compliant: (s) => new KinesisStream(s, 'stream', { name: 's', shardCount: 1, encryptionType: 'KMS', kmsKeyId: 'alias/aws/kinesis' }),
    nonCompliant: (s) => new KinesisStream(s, 'stream', { name: 's', shardCount: 1 }),
    flags: 'aws_kinesis_stream.stream', detail: /encryption_type is nothing \(default NONE\)/,
  },
  'CH-SECRETS-001': {
    compliant: (s) => new SecretsmanagerSecret(s, 'secret', { name: 's', kmsKeyId: new KmsKey(s, 'key', { enableKeyRotation: true }).arn }),
    nonCompliant: (s) => new SecretsmanagerSecret(s, 'secret', { name: 's' }),
    flags: 'aws_secretsmanager_secret.secret', detail: /aws\/secretsmanager/,
  },
  'CH-LOGS-001': {
    compliant: (s) => new CloudwatchLogGroup(s, 'logs', { name: 'l', retentionInDays: 14 }),
    nonCompliant: (s) => new CloudwatchLogGroup(s, 'logs', { name: 'l' }),
    flags: 'aws_cloudwatch_log_group.logs', detail: /retention_in_days is nothing: logs never expire/,
  },
  'CH-LOGS-002': {
    compliant: (s) => new CloudwatchLogGroup(s, 'logs', { name: 'l', retentionInDays: 365 }),
    nonCompliant: (s) => new CloudwatchLogGroup(s, 'logs', { name: 'l', retentionInDays: 30 }),
    flags: 'aws_cloudwatch_log_group.logs', detail: /retention_in_days is 30/,
  },
  'CH-LOGS-003': {
    compliant: (s) => new CloudwatchLogGroup(s, 'logs', { name: 'l', retentionInDays: 14, kmsKeyId: new KmsKey(s, 'key', { enableKeyRotation: true }).arn }),
    nonCompliant: (s) => new CloudwatchLogGroup(s, 'logs', { name: 'l', retentionInDays: 14, kmsKeyId: new KmsKey(s, 'key', { enableKeyRotation: true }).keyId }),
    flags: 'aws_cloudwatch_log_group.logs', detail: /CloudWatch Logs needs the key ARN/,
  },
  'CH-KMS-001': {
    compliant: (s) => new KmsKey(s, 'key', { enableKeyRotation: true }),
    nonCompliant: (s) => new KmsKey(s, 'key', {}),
    flags: 'aws_kms_key.key', detail: /enable_key_rotation is not true/,
  },
  'CH-ALB-001': {
    compliant: (s) => {
      new LbListener(s, 'https', { loadBalancerArn: 'arn', port: 443, protocol: 'HTTPS', sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06', certificateArn: 'arn:cert', defaultAction: [{ type: 'forward', targetGroupArn: 'arn:tg' }] });
      new LbListener(s, 'http', { loadBalancerArn: 'arn', port: 80, protocol: 'HTTP', defaultAction: [{ type: 'redirect', redirect: { port: '443', protocol: 'HTTPS', statusCode: 'HTTP_301' } }] });
    },
    nonCompliant: (s) => {
      new LbListener(s, 'https', { loadBalancerArn: 'arn', port: 443, protocol: 'HTTPS', sslPolicy: 'ELBSecurityPolicy-2016-08', certificateArn: 'arn:cert', defaultAction: [{ type: 'forward', targetGroupArn: 'arn:tg' }] });
      new LbListener(s, 'http', { loadBalancerArn: 'arn', port: 80, protocol: 'HTTP', defaultAction: [{ type: 'forward', targetGroupArn: 'arn:tg' }] });
    },
    flags: 'aws_lb_listener.http', detail: /HTTP listener does not redirect every request to HTTPS/,
  },
  'CH-ALB-002': {
    compliant: (s) => new Lb(s, 'alb', { internal: true, subnets: ['a', 'b'], dropInvalidHeaderFields: true }),
    nonCompliant: (s) => new Lb(s, 'alb', { internal: true, subnets: ['a', 'b'] }),
    flags: 'aws_lb.alb', detail: /drop_invalid_header_fields is not true/,
  },
  'CH-ALB-003': {
    compliant: (s) => new Lb(s, 'alb', { internal: true, subnets: ['a', 'b'], accessLogs: { bucket: 'logs', enabled: true } }),
    nonCompliant: (s) => new Lb(s, 'alb', { internal: true, subnets: ['a', 'b'] }),
    flags: 'aws_lb.alb', detail: /access_logs is not enabled/,
  },
  'CH-CLOUDFRONT-001': {
    compliant: (s) => distribution(s),
    nonCompliant: (s) => distribution(s, {
      origin: [{ originId: 'app', domainName: 'app.example.com', customOriginConfig: { httpPort: 80, httpsPort: 443, originProtocolPolicy: 'match-viewer', originSslProtocols: ['TLSv1', 'TLSv1.2'] } }],
      defaultCacheBehavior: { targetOriginId: 'app', viewerProtocolPolicy: 'allow-all', allowedMethods: ['GET', 'HEAD'], cachedMethods: ['GET', 'HEAD'], cachePolicyId: 'x' },
    }),
    flags: 'aws_cloudfront_distribution.cdn', detail: /default_cache_behavior viewer_protocol_policy is "allow-all"; origin app origin_protocol_policy is "match-viewer"; origin app allows TLSv1/,
  },
  'CH-CLOUDFRONT-002': {
    compliant: (s) => distribution(s),
    nonCompliant: (s) => distribution(s, { viewerCertificate: { cloudfrontDefaultCertificate: true } }),
    flags: 'aws_cloudfront_distribution.cdn', detail: /default CloudFront certificate/,
  },
  'CH-SG-001': {
    compliant: (s) => {
      const sg = new SecurityGroup(s, 'sg', { name: 'alb' });
      new VpcSecurityGroupIngressRule(s, 'https', { securityGroupId: sg.id, cidrIpv4: '0.0.0.0/0', ipProtocol: 'tcp', fromPort: 443, toPort: 443 });
      new VpcSecurityGroupIngressRule(s, 'db_from_vpc', { securityGroupId: sg.id, cidrIpv4: '10.0.0.0/16', ipProtocol: 'tcp', fromPort: 5432, toPort: 5432 });
    },
    nonCompliant: (s) => {
      const sg = new SecurityGroup(s, 'sg', { name: 'db', ingress: [{ cidrBlocks: ['0.0.0.0/0'], protocol: '-1', fromPort: 0, toPort: 0 }] });
      new VpcSecurityGroupIngressRule(s, 'postgres', { securityGroupId: sg.id, cidrIpv6: '::/0', ipProtocol: 'tcp', fromPort: 5432, toPort: 5432 });
      new SecurityGroupRule(s, 'ssh', { type: 'ingress', securityGroupId: sg.id, cidrBlocks: ['0.0.0.0/0'], protocol: 'tcp', fromPort: 22, toPort: 22 });
    },
    flags: 'aws_vpc_security_group_ingress_rule.postgres', detail: /opens tcp 5432 from ::\/0/,
  },
  'CH-SG-002': {
    compliant: (s) => {
      const sg = new SecurityGroup(s, 'sg', { name: 'alb' });
      internetAlb(s, sg);
      new VpcSecurityGroupIngressRule(s, 'https', { securityGroupId: sg.id, cidrIpv4: '0.0.0.0/0', ipProtocol: 'tcp', fromPort: 443, toPort: 443 });
    },
    nonCompliant: (s) => {
      const sg = new SecurityGroup(s, 'sg', { name: 'host' });
      new VpcSecurityGroupIngressRule(s, 'https', { securityGroupId: sg.id, cidrIpv4: '0.0.0.0/0', ipProtocol: 'tcp', fromPort: 443, toPort: 443 });
    },
    flags: 'aws_vpc_security_group_ingress_rule.https', detail: /tcp 443 from 0\.0\.0\.0\/0 on aws_security_group\.sg that no internet-facing load balancer uses/,
  },
  'CH-EC2-001': {
    compliant: (s) => new LaunchTemplate(s, 'template', { metadataOptions: { httpTokens: 'required' } }),
    nonCompliant: (s) => new LaunchTemplate(s, 'template', { metadataOptions: { httpTokens: 'optional' } }),
    flags: 'aws_launch_template.template', detail: /http_tokens is "optional"/,
  },
  'CH-EC2-002': {
    compliant: (s) => new Instance(s, 'instance', { ami: 'ami-1', instanceType: 't3.micro', associatePublicIpAddress: false }),
    nonCompliant: (s) => new Eip(s, 'ip', { instance: new Instance(s, 'instance', { ami: 'ami-1', instanceType: 't3.micro' }).id }),
    flags: 'aws_instance.instance', detail: /Elastic IP attached \(aws_eip\.ip\)/,
  },
  'CH-VPC-001': {
    compliant: (s) => new FlowLog(s, 'flow_log', { vpcId: vpc(s).id, trafficType: 'ALL', logDestination: 'arn:aws:s3:::logs', logDestinationType: 's3' }),
    nonCompliant: (s) => vpc(s),
    flags: 'aws_vpc.vpc', detail: /no aws_flow_log/,
  },
  'CH-VPC-002': {
    compliant: (s) => new DefaultSecurityGroup(s, 'default_sg', { vpcId: vpc(s).id }),
    nonCompliant: (s) => new DefaultSecurityGroup(s, 'default_sg', { vpcId: vpc(s).id, egress: [{ cidrBlocks: ['0.0.0.0/0'], protocol: '-1', fromPort: 0, toPort: 0 }] }),
    flags: 'aws_vpc.vpc', detail: /aws_default_security_group\.default_sg has 1 rule/,
  },
  'CH-IAM-001': {
    compliant: (s) => rolePolicy(s, [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: 'arn:aws:sqs:us-east-1:111111111111:q' }]),
    nonCompliant: (s) => {
      rolePolicy(s, [{ Sid: 'Admin', Effect: 'Allow', Action: '*:*', Resource: '*' }]);
      new IamRolePolicyAttachment(s, 'admin', { role: 'r', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' });
    },
    flags: 'aws_iam_role_policy.policy', detail: /statement Admin allows action "\*:\*"/,
  },
  'CH-IAM-002': {
    compliant: (s) => rolePolicy(s, [{ Effect: 'Allow', Action: ['ecr:GetAuthorizationToken', 'ec2:DescribeSubnets'], Resource: '*' }, { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }]),
    nonCompliant: (s) => rolePolicy(s, [{ Sid: 'Read', Effect: 'Allow', Action: ['ecr:GetAuthorizationToken', 's3:GetObject', 'ec2:*'], Resource: '*' }]),
    flags: 'aws_iam_role_policy.policy', detail: /statement Read allows s3:GetObject, ec2:\* on Resource "\*"/,
  },
  'CH-IAM-003': {
    compliant: (s) => rolePolicy(s, [{ Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: 'arn:aws:sqs:us-east-1:111111111111:q' }]),
    nonCompliant: (s) => rolePolicy(s, [{ Effect: 'Allow', Action: ['sqs:*'], Resource: 'arn:aws:sqs:us-east-1:111111111111:q' }]),
    flags: 'aws_iam_role_policy.policy', detail: /statement 1 allows sqs:\*/,
  },
  'CH-STATEFUL-001': {
    compliant: (s) => new DynamodbTable(s, 'table', { name: 't', hashKey: 'pk', billingMode: 'PAY_PER_REQUEST', attribute: [{ name: 'pk', type: 'S' }], deletionProtectionEnabled: true }),
    nonCompliant: (s) => postgres(s, '1', { deletionProtection: false }),
    flags: 'aws_db_instance.db', detail: /deletion_protection is false/,
  },
  'CH-STATEFUL-002': {
    compliant: (s) => new EbsVolume(s, 'volume', { availabilityZone: 'us-east-1a', size: 10, encrypted: true, lifecycle: { preventDestroy: true } }),
    nonCompliant: (s) => new EbsVolume(s, 'volume', { availabilityZone: 'us-east-1a', size: 10, encrypted: true }),
    flags: 'aws_ebs_volume.volume', detail: /lifecycle\.prevent_destroy is not set/,
  },
  'CH-ECR-001': {
    compliant: (s) => new EcrRepository(s, 'repo', { name: 'r', imageScanningConfiguration: { scanOnPush: true } }),
    nonCompliant: (s) => new EcrRepository(s, 'repo', { name: 'r' }),
    flags: 'aws_ecr_repository.repo', detail: /scan_on_push is not true/,
  },
  'CH-ECR-002': {
    compliant: (s) => new EcrRepository(s, 'repo', { name: 'r', imageTagMutability: 'IMMUTABLE' }),
    nonCompliant: (s) => new EcrRepository(s, 'repo', { name: 'r' }),
    flags: 'aws_ecr_repository.repo', detail: /image_tag_mutability is nothing \(default MUTABLE\)/,
  },
  'CH-LAMBDA-001': {
    compliant: (s) => snsTriggered(s, {}, true),
    nonCompliant: (s) => snsTriggered(s, {}),
    flags: 'aws_lambda_function.handler', detail: /invoked asynchronously by aws_lambda_permission\.permission, aws_sns_topic_subscription\.subscription but has no dead_letter_config/,
  },
  'CH-LAMBDA-002': {
    compliant: (s) => streamConsumer(s, true),
    nonCompliant: (s) => streamConsumer(s, false),
    flags: 'aws_lambda_event_source_mapping.mapping', detail: /no destination_config\.on_failure\.destination_arn/,
  },
  'CH-LAMBDA-003': {
    compliant: (s) => fn(s, 'traced', { tracingConfig: { mode: 'Active' } }),
    nonCompliant: (s) => fn(s, 'untraced'),
    flags: 'aws_lambda_function.untraced', detail: /tracing_config\.mode is nothing/,
  },
  'CH-LAMBDA-004': {
    compliant: (s) => fn(s, 'current'),
    nonCompliant: (s) => fn(s, 'outdated', { runtime: 'nodejs20.x' }),
    flags: 'aws_lambda_function.outdated', detail: /runtime "nodejs20\.x" was deprecated on 2026-04-30/,
  },
  'CH-WAF-001': {
    compliant: (s) => {
      const alb = internetAlb(s, new SecurityGroup(s, 'sg', { name: 'alb' }));
      new Lb(s, 'internal_alb', { internal: true, subnets: ['a', 'b'] });
      const api = new ApiGatewayRestApi(s, 'api', { name: 'api' });
      const stage = new ApiGatewayStage(s, 'stage', { restApiId: api.id, deploymentId: 'd', stageName: 'v1' });
      const privateApi = new ApiGatewayRestApi(s, 'private_api', { name: 'p', endpointConfiguration: { types: ['PRIVATE'] } });
      new ApiGatewayStage(s, 'private_stage', { restApiId: privateApi.id, deploymentId: 'd', stageName: 'v1' });
      for (const [id, arn] of [['alb_acl', alb.arn], ['stage_acl', stage.arn]]) new Wafv2WebAclAssociation(s, id, { resourceArn: arn, webAclArn: 'arn:aws:wafv2:us-east-1:111111111111:regional/webacl/x/1' });
      distribution(s, { webAclId: 'arn:aws:wafv2:us-east-1:111111111111:global/webacl/x/1' });
    },
    nonCompliant: (s) => {
      internetAlb(s, new SecurityGroup(s, 'sg', { name: 'alb' }));
      // An association of another resource does not count.
      const other = new Lb(s, 'other_alb', { internal: false, subnets: ['a', 'b'] });
      new Wafv2WebAclAssociation(s, 'acl', { resourceArn: other.arn, webAclArn: `\${alb.arn}-not-this` });
      distribution(s);
    },
    flags: 'aws_lb.alb', detail: /no aws_wafv2_web_acl_association has it as resource_arn/,
  },
};

describe('the rule pack', () => {
  test('ids are unique and well-formed; every rule has a severity, a title, a why and a fix; every rule file is in RULES', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of RULES) {
      expect(r.id).toMatch(/^CH-[A-Z0-9]+-\d{3}$/);
      expect(['error', 'warning']).toContain(r.severity);
      expect(r.resourceTypes.length).toBeGreaterThan(0);
      for (const text of [r.title, r.why, r.fix]) expect(text.length).toBeGreaterThan(10);
    }
    const files = fs.readdirSync(path.join(ROOT, 'modules/guardrails/rules')).filter((f) => f !== 'index.ts');
    expect(files.length).toBe(RULES.length);
  });

  test('the README table lists every rule with its severity', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'modules/guardrails/README.md'), 'utf8');
    for (const r of RULES) expect(readme).toContain(`| ${r.id} | ${r.severity}`);
  });

  test('every rule has a compliant and a non-compliant fixture', () => {
    expect(Object.keys(FIXTURES).sort()).toEqual(RULES.map((r) => r.id).sort());
  });

  describe.each(RULES.map((r) => [r.id, r.severity]))('%s (%s)', (id) => {
    const fixture = FIXTURES[id];
    test('compliant fixture: no finding, at least one compliant resource', () => {
      const report = evaluateFixture(fixture.compliant, { ruleIds: [id] });
      expect([...report.errors, ...report.warnings].map((f) => `${f.address}: ${f.detail}`)).toEqual([]);
      expect(report.counts[id].compliant).toBeGreaterThan(0);
    });
    test('non-compliant fixture: flagged with what is wrong', () => {
      const report = evaluateFixture(fixture.nonCompliant, { ruleIds: [id] });
      const findings = [...report.errors, ...report.warnings];
      const finding = findings.find((f) => f.address === fixture.flags);
      expect(finding).toBeDefined();
      expect(finding!.rule.id).toBe(id);
      expect(finding!.detail).toMatch(fixture.detail);
      expect((finding!.rule.severity === 'error' ? report.errors : report.warnings)).toContain(finding);
    });
  });

  test('cross-resource: S3 rules find the bucket\'s public access block, encryption and policy through references', () => {
    const report = evaluateFixture((s) => new Bucket(s, 'images', { bucketName: 'fixture-images' }), { ruleIds: ['CH-S3-001', 'CH-S3-002', 'CH-S3-003', 'CH-S3-004'] });
    expect(report.errors).toEqual([]);
    expect(Object.values(report.counts).map((c) => c.compliant)).toEqual([1, 1, 1, 1]);
  });

  test('SQS visibility counts the batching window of the event source mapping', () => {
    const report = evaluateFixture((s) => {
      const q = new SqsQueue(s, 'queue', { name: 'q', visibilityTimeoutSeconds: 180, sqsManagedSseEnabled: true });
      new LambdaEventSourceMapping(s, 'mapping', { eventSourceArn: q.arn, functionName: fn(s, 'consumer', { timeout: 30 }).functionName, maximumBatchingWindowInSeconds: 20 });
    }, { ruleIds: ['CH-SQS-002'] });
    expect(report.errors.map((f) => f.detail)).toEqual([expect.stringMatching(/a 20 s batching window, so it needs at least 200/)]);
  });

  test('tier-aware rules only run in their tiers', () => {
    const unprotected = (s: Construct) => postgres(s, '1', { deletionProtection: false, lifecycle: undefined });
    const ids = ['CH-STATEFUL-001', 'CH-STATEFUL-002'];
    expect(evaluateFixture(unprotected, { tier: 'dev', ruleIds: ids }).errors).toEqual([]);
    expect(evaluateFixture(unprotected, { tier: 'staging', ruleIds: ids }).errors.map((f) => f.rule.id)).toEqual(ids);
    const shortLogs = (s: Construct) => new CloudwatchLogGroup(s, 'logs', { name: 'l', retentionInDays: 30 });
    expect(evaluateFixture(shortLogs, { tier: 'staging', ruleIds: ['CH-LOGS-002'] }).rules).toBe(0);
    expect(evaluateFixture(shortLogs, { tier: 'prod', ruleIds: ['CH-LOGS-002'] }).errors).toHaveLength(1);
  });

  test('a policy that is not literal JSON cannot pass the IAM scope rule', () => {
    const report = evaluateFixture((s) => new IamRolePolicy(s, 'policy', { role: 'r', policy: '${jsonencode({Statement = []})}' }), { ruleIds: ['CH-IAM-002'] });
    expect(report.errors[0].detail).toMatch(/policy is not literal JSON/);
  });
});

describe('suppressions', () => {
  const openHost = (s: Construct) => {
    const host = new Construct(s, 'host');
    const sg = new SecurityGroup(host, 'sg', { name: 'host' });
    new VpcSecurityGroupIngressRule(host, 'https', { securityGroupId: sg.id, cidrIpv4: '0.0.0.0/0', ipProtocol: 'tcp', fromPort: 443, toPort: 443 });
    return host;
  };

  test('cover the resources under the scope, with the reason in the report and the output', () => {
    const lines: string[] = [];
    const app = Testing.app();
    const stack = new ReadableStack(app, 'fixture');
    new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    const host = openHost(stack);
    Guardrails.suppress(host, 'CH-SG-002', 'the single host is the entry point until a load balancer exists');
    const guardrails = Guardrails.apply(stack, { tier: 'dev', output: { info: (l) => lines.push(l), warn: (l) => lines.push(`WARN ${l}`) } });
    app.synth();
    const report = guardrails.report();
    expect(report.errors).toEqual([]);
    expect(report.suppressed.map((f) => [f.rule.id, f.address, f.suppressedBy?.reason])).toEqual([
      ['CH-SG-002', 'aws_vpc_security_group_ingress_rule.host_https', 'the single host is the entry point until a load balancer exists'],
    ]);
    expect(lines).toContain('  suppressed CH-SG-002 on fixture/host (aws_vpc_security_group_ingress_rule.host_https): the single host is the entry point until a load balancer exists');
  });

  test('need a written reason and a rule id', () => {
    const app = Testing.app();
    const stack = new ReadableStack(app, 'fixture');
    expect(() => Guardrails.suppress(stack, 'CH-SG-002', 'n/a')).toThrow(/Guardrails\.suppress\(fixture, "CH-SG-002"\): a reason of at least 20 characters .* received "n\/a"/);
    expect(() => Guardrails.suppress(stack, 'sg-002', 'a reason that is long enough to count')).toThrow(/rule id must look like CH-S3-001; received "sg-002"/);
  });

  test('an unknown rule id, or one that suppresses nothing, is reported as a warning', () => {
    const report = evaluateFixture((s) => {
      const host = openHost(s);
      Guardrails.suppress(host, 'CH-XX-999', 'a rule that does not exist in the pack');
      Guardrails.suppress(host, 'CH-S3-001', 'there is no bucket under this scope at all');
      Guardrails.suppress(host, 'CH-SG-002', 'the single host is the entry point until a load balancer exists');
    });
    expect(report.suppressionProblems).toEqual([
      'suppression of CH-S3-001 on fixture/host suppresses nothing in tier prod: remove it',
      'suppression of unknown rule CH-XX-999 on fixture/host (known rules: see modules/guardrails/README.md)',
    ]);
  });
});

describe('synth', () => {
  test('an error fails app.synth with every stack\'s errors (stack, address, rule, why, fix); warnings only print', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'guardrails-'));
    try {
      const app = new App({ outdir, skipBackendValidation: true });
      const warnings: string[] = [];
      for (const name of ['one', 'two']) {
        const stack = new ReadableStack(app, name);
        new AwsProvider(stack, 'aws', { region: 'us-east-1' });
        new SecretsmanagerSecret(stack, 'secret', { name: 's' }); // warning
        if (name === 'two') {
          const sg = new SecurityGroup(stack, 'db_sg', { name: 'db' });
          new VpcSecurityGroupIngressRule(stack, 'postgres', { securityGroupId: sg.id, cidrIpv4: '0.0.0.0/0', ipProtocol: 'tcp', fromPort: 5432, toPort: 5432 });
        }
        Guardrails.apply(stack, { tier: 'dev', output: { info: () => undefined, warn: (l) => warnings.push(l) } });
      }
      let error: unknown;
      try {
        app.synth();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(GuardrailsError);
      const message = (error as Error).message;
      expect(message).toMatch(/^guardrails: 2 errors in 1 stack; synth stopped/);
      expect(message).toContain('  two  aws_vpc_security_group_ingress_rule.postgres  CH-SG-001 (error)\n    why: No ingress from 0.0.0.0/0 or ::/0 except TCP 80/443: opens tcp 5432 from 0.0.0.0/0\n    fix: allow the port from a security group');
      expect(message).toMatch(/two {2}aws_vpc_security_group_ingress_rule\.postgres {2}CH-SG-002/);
      expect(message).not.toMatch(/CH-SECRETS-001/);
      expect(warnings.filter((w) => w.startsWith('  warning CH-SECRETS-001'))).toHaveLength(2);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe('every environment and every stage', () => {
  const dev = loadEnvironment('dev');
  const targets: Array<[string, ReturnType<typeof loadEnvironment>]> = [
    ...loadAllEnvironments().filter((e) => e.systems.includes('classifyhub')).map((e): [string, typeof e] => [`environment ${e.name}`, e]),
    // dev's own stage is already covered by the environment.
    ...IMPLEMENTED_STAGES.filter((s) => s.slug !== dev.classifyhub.stage).map((s): [string, typeof dev] => [`stage ${s.slug}`, atStage(dev, s.slug as StageSlug)]),
  ];
  test.each(targets)('%s: zero errors; only the Docker host is suppressed', (_label, env) => {
    const app = Testing.app();
    const [stack] = addClassifyHubStacks(app as App, [env]);
    invokeAspects(stack); // what synth does before validation; report() reads the synthesized configuration
    const report = Guardrails.of(stack)!.report();
    expect(report.tier).toBe(env.tier);
    expect(report.errors.map((f) => `${f.rule.id} ${f.address}: ${f.detail}`)).toEqual([]);
    expect(report.suppressionProblems).toEqual([]);
    // Stages 3-6 also open the direct entry ports (API 8443, search 9443; the gateway replaces them at 7): CH-SG-001 is
    // suppressed on exactly those rules, nothing else.
    const host = stack.node.tryFindChild('docker_host');
    const direct = (host?.node.children ?? []).map((c) => c.node.id).filter((id) => /^ingress_\d+$/.test(id) && !['ingress_80', 'ingress_443'].includes(id));
    expect([...new Set(report.suppressed.map((f) => `${f.rule.id} ${f.suppressedBy!.path}`))].sort()).toEqual(
      host ? [`CH-EC2-002 ${stack.node.id}/docker_host`, ...direct.map((id) => `CH-SG-001 ${stack.node.id}/docker_host/${id}`), `CH-SG-002 ${stack.node.id}/docker_host`].sort() : [],
    );
  });
});

describe('npm run synth with a deliberately unsafe change', () => {
  let dir: string;
  beforeAll(() => {
    // A copy of the project (sources only; node_modules linked) where modules can be made unsafe.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unsafe-'));
    for (const entry of fs.readdirSync(ROOT)) {
      if (entry === 'node_modules' || entry === '.git' || entry.startsWith('cdktf.out') || entry === 'test') continue;
      fs.cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
    }
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
    // Staging only: it has buckets and the Docker host, and one stack keeps the test fast.
    for (const env of ['dev.ts', 'prod.ts']) fs.rmSync(path.join(dir, 'environments', env));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const synth = (outdir: string) => spawnSync(process.execPath, [require.resolve('tsx/cli'), path.join(dir, 'main.ts')], {
    cwd: dir, encoding: 'utf8', env: { ...process.env, CLASSIFYHUB_ENVIRONMENTS_DIR: path.join(dir, 'environments'), CDKTF_OUTDIR: outdir },
  });
  /** Applies a text edit to a file of the copy; fails loudly if the code it edits has changed. */
  const edit = (file: string, from: string, to: string) => {
    const full = path.join(dir, file);
    const text = fs.readFileSync(full, 'utf8');
    expect(text).toContain(from);
    fs.writeFileSync(full, text.replace(from, to));
  };

  test('a public bucket and 0.0.0.0/0 on 5432 fail synth with the list, and cdktf.out stays as it was', () => {
    // An earlier synth's output, which a failed synth must leave alone.
    const outdir = path.join(dir, 'cdktf.out');
    const earlier = path.join(outdir, 'stacks/classifyhub-staging/cdk.tf.json');
    fs.mkdirSync(path.dirname(earlier), { recursive: true });
    fs.writeFileSync(earlier, '{"earlier": true}');

    edit('modules/object-store/index.ts', 'blockPublicPolicy: true,', 'blockPublicPolicy: false,');
    // The Docker host's suppression of CH-SG-002 must not hide a database port open to the world.
    edit('systems/classifyhub/stack.ts', 'ingressPorts: [443, 80, ', 'ingressPorts: [443, 80, 5432, ');
    const result = synth(outdir);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/guardrails classifyhub-staging \(tier staging\): \d+ rules on \d+ resources: 3 errors/);
    // (Other systems' stacks in the environment may add their own errors to the list.)
    expect(result.stderr).toMatch(/^guardrails: \d+ errors in \d+ stacks?; synth stopped/m);
    expect(result.stderr).toContain('  classifyhub-staging  aws_s3_bucket.images_bucket_bucket  CH-S3-003 (error)\n    why: S3 bucket blocks all public access: block_public_policy is not true (aws_s3_bucket_public_access_block.images_bucket_public_access_block)\n    fix: ');
    expect(result.stderr).toMatch(/classifyhub-staging {2}aws_s3_bucket\.alb_access_logs_bucket_bucket {2}CH-S3-003 \(error\)/);
    expect(result.stderr).toMatch(/classifyhub-staging {2}aws_vpc_security_group_ingress_rule\.docker_host_ingress_5432 {2}CH-SG-001 \(error\)\n {4}why: No ingress from 0\.0\.0\.0\/0 or ::\/0 except TCP 80\/443: opens tcp 5432 from 0\.0\.0\.0\/0/);

    expect(fs.readFileSync(earlier, 'utf8')).toBe('{"earlier": true}');
    expect(fs.readdirSync(outdir)).toEqual(['stacks']);
    expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});
