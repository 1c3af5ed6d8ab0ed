/** The rule pack: one rule per file, in the order the README table lists them. */
import type { Rule } from '../types';
import { s3Encryption } from './s3-encryption';
import { s3TlsOnly } from './s3-tls-only';
import { s3PublicAccessBlock } from './s3-public-access-block';
import { s3NoPublicGrants } from './s3-no-public-grants';
import { ebsEncryption } from './ebs-encryption';
import { rdsEncryption } from './rds-encryption';
import { rdsForceSsl } from './rds-force-ssl';
import { rdsNotPublic } from './rds-not-public';
import { rdsBackups } from './rds-backups';
import { elasticacheEncryptionAtRest } from './elasticache-encryption-at-rest';
import { elasticacheTransitEncryption } from './elasticache-transit-encryption';
import { elasticacheAuth } from './elasticache-auth';
import { elasticachePrivate } from './elasticache-private';
import { opensearchEncryptionAtRest } from './opensearch-encryption-at-rest';
import { opensearchHttps } from './opensearch-https';
import { opensearchNodeToNode } from './opensearch-node-to-node';
import { opensearchInVpc } from './opensearch-in-vpc';
import { sqsEncryption } from './sqs-encryption';
import { sqsVisibilityTimeout } from './sqs-visibility-timeout';
import { sqsDeadLetterQueue } from './sqs-dead-letter-queue';
import { snsEncryption } from './sns-encryption';
import { dynamodbEncryption } from './dynamodb-encryption';
import { dynamodbPitr } from './dynamodb-pitr';
import { kinesisEncryption } from './kinesis-encryption';
import { secretsKms } from './secrets-kms';
import { logRetention } from './log-retention';
import { logRetentionProd } from './log-retention-prod';
import { logKms } from './log-kms';
import { kmsRotation } from './kms-rotation';
import { albHttps } from './alb-https';
import { albDropInvalidHeaders } from './alb-drop-invalid-headers';
import { albAccessLogs } from './alb-access-logs';
import { cloudfrontHttps } from './cloudfront-https';
import { cloudfrontTls } from './cloudfront-tls';
import { sgWorldIngressPorts } from './sg-world-ingress-ports';
import { sgWorldIngressEntryPoints } from './sg-world-ingress-entry-points';
import { ec2Imdsv2 } from './ec2-imdsv2';
import { ec2NoPublicIp } from './ec2-no-public-ip';
import { vpcFlowLogs } from './vpc-flow-logs';
import { vpcDefaultSecurityGroup } from './vpc-default-security-group';
import { iamNoAdmin } from './iam-no-admin';
import { iamScopedResources } from './iam-scoped-resources';
import { iamServiceWildcards } from './iam-service-wildcards';
import { statefulDeletionProtection } from './stateful-deletion-protection';
import { statefulPreventDestroy } from './stateful-prevent-destroy';
import { ecrScanOnPush } from './ecr-scan-on-push';
import { ecrImmutableTags } from './ecr-immutable-tags';
import { lambdaAsyncFailureDestination } from './lambda-async-failure-destination';
import { lambdaStreamFailureDestination } from './lambda-stream-failure-destination';
import { lambdaTracing } from './lambda-tracing';
import { lambdaRuntimeSupported } from './lambda-runtime-supported';
import { wafEntryPoints } from './waf-entry-points';

export const RULES: readonly Rule[] = [
  s3Encryption,
  s3TlsOnly,
  s3PublicAccessBlock,
  s3NoPublicGrants,
  ebsEncryption,
  rdsEncryption,
  rdsForceSsl,
  rdsNotPublic,
  rdsBackups,
  elasticacheEncryptionAtRest,
  elasticacheTransitEncryption,
  elasticacheAuth,
  elasticachePrivate,
  opensearchEncryptionAtRest,
  opensearchHttps,
  opensearchNodeToNode,
  opensearchInVpc,
  sqsEncryption,
  sqsVisibilityTimeout,
  sqsDeadLetterQueue,
  snsEncryption,
  dynamodbEncryption,
  dynamodbPitr,
  kinesisEncryption,
  secretsKms,
  logRetention,
  logRetentionProd,
  logKms,
  kmsRotation,
  albHttps,
  albDropInvalidHeaders,
  albAccessLogs,
  cloudfrontHttps,
  cloudfrontTls,
  sgWorldIngressPorts,
  sgWorldIngressEntryPoints,
  ec2Imdsv2,
  ec2NoPublicIp,
  vpcFlowLogs,
  vpcDefaultSecurityGroup,
  iamNoAdmin,
  iamScopedResources,
  iamServiceWildcards,
  statefulDeletionProtection,
  statefulPreventDestroy,
  ecrScanOnPush,
  ecrImmutableTags,
  lambdaAsyncFailureDestination,
  lambdaStreamFailureDestination,
  lambdaTracing,
  lambdaRuntimeSupported,
  wafEntryPoints,
];
