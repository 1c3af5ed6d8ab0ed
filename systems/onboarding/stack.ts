import { Construct } from 'constructs';
import { LocalBackend, TerraformOutput } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { ReadableStack } from '../../modules/core/stack';
import { Guardrails } from '../../modules/guardrails';
import { nameTags } from '../../modules/core/tags';
import { IGrantable, renderPolicy } from '../../modules/iam/policy';
import { Network } from '../../modules/network';
import { Bucket } from '../../modules/object-store';
import { Queue } from '../../modules/queue';
import { Database } from '../../modules/database';
import { Table } from '../../modules/table';
import { BucketNotifications, BundleOptions, LambdaFunction } from '../../modules/function';
import { AlarmTopic, MetricAlarm, queueAlarms } from '../../modules/observability';
import type { Environment } from '../../environments/lib/schema';
import { ENV as LAMBDA_ENV } from '../../lambdas/onboarding/shared/config';
import { ONBOARDING_FUNCTIONS, OnboardingFunctionName, functionId, lambdaEntry, onboardingNames } from './names';
import { ONBOARDING_SETTINGS as S } from './settings';
import { NotificationTopic } from './notification-topic';

/** Where a function's code comes from: its entry (bundled at synth) or a ready-made ZIP. */
export interface FunctionCode {
  readonly entry?: string;
  readonly zipFile?: string;
  readonly bundling?: BundleOptions;
}

export interface OnboardingStackProps {
  /** The validated environment; it must include "onboarding" in `systems`. */
  readonly environment: Environment;
  /**
   * Code of each function.
   * @default lambdas/onboarding/<name>/index.ts, bundled with esbuild
   */
  readonly functionCode?: Partial<Record<OnboardingFunctionName, FunctionCode>>;
}

/**
 * Product onboarding (seed 002) for one environment: vendors upload CSV files to
 * `uploads/<vendor>/` of a private bucket; csv-parser (S3 ObjectCreated, .csv) stages the rows
 * in DynamoDB UploadRecords; product-validator (its stream, INSERT events) writes valid products
 * to RDS PostgreSQL and sends errors to SQS product-validation-errors; error-processor (that
 * queue) writes `errors/<vendor>/...` reports and notifies the vendor through SNS. Everything runs
 * in the system's own VPC (private subnets, NAT, S3/DynamoDB gateway endpoints, a Secrets Manager
 * interface endpoint); alarms go to an ops topic.
 */
export class OnboardingStack extends ReadableStack {
  readonly functions: Readonly<Record<OnboardingFunctionName, LambdaFunction>>;

  constructor(scope: Construct, id: string, props: OnboardingStackProps) {
    super(scope, id);
    const env = props.environment;
    const onboarding = env.onboarding;
    if (!onboarding || !env.systems.includes('onboarding')) {
      throw new Error(`OnboardingStack: environment ${env.name} (${env.file}) does not run "onboarding" (systems: ${JSON.stringify(env.systems)})`);
    }
    const names = onboardingNames(env);
    const profile = env.profile;
    const zones = onboarding.availabilityZones ?? env.network.availabilityZones;
    const defaultTags = [{ tags: { Project: 'product-onboarding', Environment: env.name, ManagedBy: 'cdktf', ...env.tags } }];

    // Policy as code, as for ClassifyHub: every rule of modules/guardrails runs at synth; errors stop it.
    Guardrails.apply(this, { tier: env.tier });

    new LocalBackend(this, { path: `../../../terraform.${id}.tfstate` });
    new AwsProvider(this, 'aws', { region: env.account.region, allowedAccountIds: [env.account.id], defaultTags });

    // Network (seed section 4): private subnets for RDS and the functions, NAT for SQS/SNS,
    // gateway endpoints for S3 and DynamoDB, an interface endpoint for Secrets Manager.
    const network = new Network(this, 'network', {
      namePrefix: names.prefix,
      cidrBlock: onboarding.cidr,
      availabilityZones: zones,
      logRetentionDays: profile.logRetentionDays,
      publicSubnetCount: profile.natLayout === 'per-az' ? zones.length : 1,
      privateSubnetCount: zones.length,
      natGateways: profile.natLayout,
      gatewayEndpoints: ['s3', 'dynamodb'],
      interfaceEndpoints: ['secretsmanager'],
      region: env.account.region,
    });

    // lambda-sg: no ingress; egress 443 to AWS APIs (NAT, endpoints) and 5432 to rds-sg only (allowFrom below).
    const lambdaSecurityGroup = new SecurityGroup(this, 'lambda_security_group', {
      name: names.lambdaSecurityGroup,
      description: `Onboarding Lambdas of ${env.name}: no ingress; HTTPS to AWS APIs, PostgreSQL to the database`,
      vpcId: network.vpc.id,
      tags: nameTags(names.lambdaSecurityGroup),
    });
    new VpcSecurityGroupEgressRule(this, 'lambda_security_group_https_egress', {
      securityGroupId: lambdaSecurityGroup.id,
      description: 'HTTPS to AWS APIs (NAT gateway and VPC endpoints)',
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      cidrIpv4: '0.0.0.0/0',
    });

    // Storage.
    const uploads = new Bucket(this, 'uploads', {
      bucketName: names.uploadsBucket,
      prefixExpirations: [{ prefix: S.bucket.errorsPrefix, days: onboarding.errorReportRetentionDays }],
      preventDestroy: profile.deletionProtection,
    });
    const uploadRecords = new Table(this, 'upload_records', {
      tableName: names.uploadRecordsTable,
      partitionKey: S.table.partitionKey,
      sortKey: S.table.sortKey,
      globalSecondaryIndexes: [S.table.vendorIndex],
      streamViewType: S.table.streamViewType,
      timeToLiveAttribute: S.table.timeToLiveAttribute,
      deletionProtection: profile.deletionProtection,
      preventDestroy: profile.deletionProtection,
    });
    const idempotency = new Table(this, 'idempotency', {
      tableName: names.idempotencyTable,
      partitionKey: S.idempotencyTable.partitionKey,
      timeToLiveAttribute: S.idempotencyTable.timeToLiveAttribute,
      deletionProtection: profile.deletionProtection,
      preventDestroy: profile.deletionProtection,
    });
    const validationErrors = new Queue(this, 'validation_errors', {
      queueName: names.validationErrorsQueue,
      visibilityTimeoutSeconds: S.validationErrorsQueue.visibilityTimeoutSeconds,
      retentionSeconds: S.validationErrorsQueue.retentionSeconds,
      maxReceiveCount: S.validationErrorsQueue.maxReceiveCount,
    });
    const notifications = new NotificationTopic(this, 'upload_notifications', {
      topicName: names.notificationTopic,
      emailSubscriptions: onboarding.notificationEmails,
    });

    // RDS PostgreSQL with its master credentials in Secrets Manager, encrypted with a CMK.
    const secretKey = new KmsKey(this, 'database_secret_key', {
      description: `Encrypts the RDS master credentials of ${names.databaseIdentifier} in Secrets Manager`,
      enableKeyRotation: true,
      deletionWindowInDays: profile.deletionProtection ? 30 : 7,
      policy: renderPolicy([
        { sid: 'EnableAccountAdministration', principals: { AWS: `arn:aws:iam::${env.account.id}:root` }, actions: ['kms:*'], resources: ['*'] },
      ]),
      tags: nameTags(names.databaseSecretKeyAlias.replace(/^alias\//, '')),
    });
    new KmsAlias(this, 'database_secret_key_alias', { name: names.databaseSecretKeyAlias, targetKeyId: secretKey.keyId });
    const database = new Database(this, 'database', {
      namePrefix: names.prefix,
      identifier: names.databaseIdentifier,
      vpc: network.vpc,
      subnets: network.privateSubnets,
      instanceClass: profile.onboardingDatabase.instanceClass,
      multiAz: profile.onboardingDatabase.multiAz,
      databaseName: S.database.databaseName,
      masterUsername: S.database.masterUsername,
      masterSecretKmsKey: secretKey,
      iamAuthentication: false,
      backupRetentionDays: profile.backupRetentionDays,
      deletionProtection: profile.deletionProtection,
      preventDestroy: profile.deletionProtection,
      logRetentionDays: profile.logRetentionDays,
    });
    database.allowFrom(lambdaSecurityGroup, 'PostgreSQL from the onboarding Lambdas');

    // The functions.
    const databaseEnv = {
      DB_SECRET_ARN: database.masterSecret.secretArn,
      DB_HOST: database.address,
      DB_PORT: String(database.port),
      DB_NAME: database.databaseName,
      DB_SSL_MODE: 'verify-full',
      NODE_EXTRA_CA_CERTS: S.caBundle,
    };
    const specific: Record<OnboardingFunctionName, Record<string, string>> = {
      'csv-parser': {
        [LAMBDA_ENV.uploadTable]: uploadRecords.tableName,
        [LAMBDA_ENV.errorsQueueUrl]: validationErrors.queueUrl,
        [LAMBDA_ENV.idempotencyTable]: idempotency.tableName,
        [LAMBDA_ENV.stagingTtlDays]: String(onboarding.stagingRecordTtlDays),
      },
      'product-validator': {
        [LAMBDA_ENV.uploadTable]: uploadRecords.tableName,
        [LAMBDA_ENV.errorsQueueUrl]: validationErrors.queueUrl,
      },
      'error-processor': {
        [LAMBDA_ENV.uploadsBucket]: uploads.bucketName,
        [LAMBDA_ENV.notificationTopicArn]: notifications.topicArn,
        [LAMBDA_ENV.idempotencyTable]: idempotency.tableName,
      },
    };
    const fns = {} as Record<OnboardingFunctionName, LambdaFunction>;
    for (const fn of ONBOARDING_FUNCTIONS) {
      const code = props.functionCode?.[fn] ?? { entry: lambdaEntry(fn) };
      fns[fn] = new LambdaFunction(this, functionId(fn), {
        functionName: names.functionName(fn),
        description: S.functions[fn].description,
        entry: code.entry,
        zipFile: code.zipFile,
        bundling: code.bundling,
        memorySizeMiB: S.functions[fn].memorySizeMiB,
        timeoutSeconds: S.functions[fn].timeoutSeconds,
        environment: {
          POWERTOOLS_SERVICE_NAME: fn,
          POWERTOOLS_METRICS_NAMESPACE: S.metricsNamespace,
          ...databaseEnv,
          ...specific[fn],
        },
        vpcSubnets: network.privateSubnets,
        securityGroups: [lambdaSecurityGroup],
        logRetentionDays: profile.logRetentionDays,
        // The seed's IAM section has no X-Ray: tracing 'Active' would add xray:Put* on "*".
        tracing: 'PassThrough',
        // S3 invokes csv-parser asynchronously: an event that fails every retry goes to the DLQ
        // (seed section 7: "Failed after retries? -> DLQ", reviewed by hand, alarmed).
        asyncOnFailureQueue: fn === 'csv-parser' ? validationErrors.deadLetterQueue : undefined,
      });
    }
    this.functions = fns;
    for (const fn of Object.values(fns)) {
      Guardrails.suppress(fn, 'CH-LAMBDA-003', 'seed 002 lists each role\'s permissions (section 8) and X-Ray is not among them; active tracing would add xray:PutTraceSegments and xray:PutTelemetryRecords on "*" (set tracing: \'Active\' to turn it on)');
    }
    const csvParser = fns['csv-parser'];
    const validator = fns['product-validator'];
    const errorProcessor = fns['error-processor'];

    // IAM, as seed section 8 lists it (README: the mapping, and what Lambda itself requires).
    // csv-parser-role: s3:GetObject (uploads/* only), dynamodb:BatchWriteItem, secretsmanager:GetSecretValue, logs.
    uploads.grantReadObjects(csvParser.role, S.bucket.uploadsPrefix);
    uploadRecords.grantItemActions(csvParser.role, ['dynamodb:BatchWriteItem']);
    grantDatabaseCredentials(csvParser.role, database, secretKey);
    // product-validator-role: dynamodb:GetRecords (stream, with the poller's companions), dynamodb:UpdateItem,
    // sqs:SendMessage, secretsmanager:GetSecretValue, logs.
    validator.addDynamoDbStreamSource(uploadRecords, { ...S.stream, filterPatterns: S.stream.filterPatterns, onFailureQueue: validationErrors.deadLetterQueue });
    uploadRecords.grantItemActions(validator.role, ['dynamodb:UpdateItem']);
    grantSendMessage(validator.role, validationErrors);
    grantDatabaseCredentials(validator.role, database, secretKey);
    // error-processor-role: sqs:ReceiveMessage + sqs:DeleteMessage (with GetQueueAttributes, which the poller needs),
    // s3:PutObject (errors/* only), sns:Publish, secretsmanager:GetSecretValue, logs.
    errorProcessor.addSqsSource(validationErrors, S.errorSource);
    uploads.grantPutObjects(errorProcessor.role, S.bucket.errorsPrefix);
    notifications.grantPublish(errorProcessor.role);
    grantDatabaseCredentials(errorProcessor.role, database, secretKey);
    // Beyond the seed's list, required by the data flow and the Lambda code:
    // - the error report's presigned URL carries the signer's rights: s3:GetObject on errors/* only;
    uploads.grantReadObjects(errorProcessor.role, S.bucket.errorsPrefix);
    // - csv-parser reports unparseable rows and upload-finished events on the error queue;
    grantSendMessage(csvParser.role, validationErrors);
    // - Powertools idempotency records (csv-parser: one parse per S3 object; error-processor: one report per upload).
    for (const fn of [csvParser, errorProcessor]) {
      idempotency.grantItemActions(fn.role, ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
    }

    new BucketNotifications(this, 'upload_events', {
      bucket: uploads,
      bucketOwnerAccountId: env.account.id,
      lambdaTargets: [{ function: csvParser, events: S.bucket.uploadEvents, filterPrefix: S.bucket.uploadsPrefix, filterSuffix: S.bucket.uploadSuffix }],
    });

    // Alarms (seed section 7) to the ops topic.
    const opsTopic = new AlarmTopic(this, 'ops_topic', {
      namePrefix: names.prefix,
      accountId: env.account.id,
      emailSubscriptions: onboarding.opsEmails,
      keyDeletionWindowDays: profile.deletionProtection ? 30 : 7,
    });
    for (const fn of ONBOARDING_FUNCTIONS) {
      const f = fns[fn];
      const dimensions = { FunctionName: f.functionName };
      new MetricAlarm(this, `${functionId(fn)}_error_rate`, {
        alarmName: `${f.functionName}-error-rate`,
        description: `More than ${S.alarms.maxErrorRatePercent} % of ${fn} invocations failed over 5 minutes. Check /aws/lambda/${f.functionName}.`,
        topic: opsTopic,
        expression: {
          expression: '100 * FILL(errors, 0) / invocations',
          label: 'Error rate (%)',
          metrics: {
            errors: { namespace: 'AWS/Lambda', metricName: 'Errors', dimensions, statistic: 'Sum' },
            invocations: { namespace: 'AWS/Lambda', metricName: 'Invocations', dimensions, statistic: 'Sum' },
          },
        },
        threshold: S.alarms.maxErrorRatePercent,
        comparison: 'GreaterThanThreshold',
        periodSeconds: S.alarms.errorRatePeriodSeconds,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
      });
      const maxDurationMs = Math.min(S.alarms.maxDurationMs, f.timeoutSeconds * 1000);
      new MetricAlarm(this, `${functionId(fn)}_duration`, {
        alarmName: `${f.functionName}-duration`,
        description: `An invocation of ${fn} ran ${maxDurationMs / 1000} s${maxDurationMs === f.timeoutSeconds * 1000 ? ' (its timeout)' : ''}: processing is too slow or stuck (database, large upload).`,
        topic: opsTopic,
        metric: { namespace: 'AWS/Lambda', metricName: 'Duration', dimensions, statistic: 'Maximum' },
        threshold: maxDurationMs,
        comparison: 'GreaterThanOrEqualToThreshold',
        periodSeconds: 60,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
      });
    }
    queueAlarms(this, 'validation_errors_alarms', {
      topic: opsTopic,
      namePrefix: `${names.prefix}-validation-errors`,
      queueName: validationErrors.queue.name,
      deadLetterQueueName: validationErrors.deadLetterQueue.name,
    });

    new TerraformOutput(this, 'uploads_bucket_name', { value: uploads.bucketName, description: 'Vendors upload to uploads/<vendor>/<file>.csv' });
    new TerraformOutput(this, 'upload_records_table_name', { value: uploadRecords.tableName });
    new TerraformOutput(this, 'validation_errors_queue_url', { value: validationErrors.queueUrl });
    new TerraformOutput(this, 'notification_topic_arn', { value: notifications.topicArn });
    new TerraformOutput(this, 'database_endpoint', { value: database.endpoint });
    new TerraformOutput(this, 'database_master_secret_arn', { value: database.masterSecret.secretArn, description: 'RDS-managed master credentials (JSON: username, password), KMS-encrypted' });
    new TerraformOutput(this, 'function_names', { value: Object.fromEntries(ONBOARDING_FUNCTIONS.map((fn) => [fn, fns[fn].functionName])) });
  }
}

/**
 * secretsmanager:GetSecretValue on the RDS-managed master secret (seed: "secretsmanager:GetSecretValue"),
 * and kms:Decrypt of its CMK through Secrets Manager, without which the value cannot be read.
 */
function grantDatabaseCredentials(grantee: IGrantable, database: Database, key: KmsKey): void {
  grantee.addToPolicy({ sid: 'ReadDatabaseCredentials', actions: ['secretsmanager:GetSecretValue'], resources: [database.masterSecret.secretArn] });
  grantee.addToPolicy({
    sid: 'DecryptDatabaseCredentials',
    actions: ['kms:Decrypt'],
    resources: [key.arn],
    conditions: { StringLike: { 'kms:ViaService': 'secretsmanager.*.amazonaws.com' } },
  });
}

/** sqs:SendMessage (also authorizes SendMessageBatch) on the queue only: the seed's "sqs:SendMessage". */
function grantSendMessage(grantee: IGrantable, queue: Queue): void {
  grantee.addToPolicy({ sid: 'SendValidationErrors', actions: ['sqs:SendMessage'], resources: [queue.queue.arn] });
}
