import { createHash } from 'node:crypto';
import { Construct } from 'constructs';
import { TerraformOutput, TerraformResource } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { ReadableStack } from '../../modules/core/stack';
import { Guardrails } from '../../modules/guardrails';
import { nameTags } from '../../modules/core/tags';
import { Network } from '../../modules/network';
import { Bucket } from '../../modules/object-store';
import { Queue } from '../../modules/queue';
import { Database } from '../../modules/database';
import { Table } from '../../modules/table';
import { BucketLambdaTarget, BucketNotifications, BundleOptions, LambdaFunction } from '../../modules/function';
import { customerManagedKey } from '../../modules/kms';
import { AlarmTopic, functionAlarms, queueAlarms } from '../../modules/observability';
import { Topic } from '../../modules/topic';
import { Secret } from '../../modules/secret';
import { loadMigrations } from '../../lambdas/onboarding/migrations/migrate';
import { CATEGORIES } from '../../lambdas/onboarding/shared/reference';
import { runningSection, type Environment } from '../../environments/lib/schema';
import { ONBOARDING_FUNCTIONS, OnboardingFunctionName, functionId, onboardingNames } from './names';
import { ONBOARDING_SETTINGS as S } from './settings';
import { ONBOARDING_FUNCTION_TABLE, OnboardingResources } from './functions';

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
    super(scope, id, { environment: props.environment }); // declares the environment's S3 state backend
    const env = props.environment;
    const onboarding = runningSection(env, 'onboarding', 'OnboardingStack');
    const names = onboardingNames(env);
    const profile = env.profile;
    const zones = onboarding.availabilityZones ?? env.network.availabilityZones;
    const defaultTags = [{ tags: { Project: 'product-onboarding', Environment: env.name, ManagedBy: 'cdktf', ...env.tags } }];

    // Policy as code, as for ClassifyHub: every rule of modules/guardrails runs at synth; errors stop it.
    Guardrails.apply(this, { tier: env.tier });

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

    // Issue 14: report-link and upload-url never reach the database: their own group, HTTPS out only.
    const httpLambdaSecurityGroup = new SecurityGroup(this, 'http_lambda_security_group', {
      name: names.httpLambdaSecurityGroup,
      description: `Onboarding Lambdas of ${env.name} without database access: no ingress; HTTPS to AWS APIs`,
      vpcId: network.vpc.id,
      tags: nameTags(names.httpLambdaSecurityGroup),
    });
    new VpcSecurityGroupEgressRule(this, 'http_lambda_security_group_https_egress', {
      securityGroupId: httpLambdaSecurityGroup.id,
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
    // The vendors' notifications (seed: product-upload-notifications): encrypted with the AWS managed
    // key alias/aws/sns, so the error processor publishes with sns:Publish alone.
    // Each vendor of the environment hears about its own uploads: a subscription filtered on the
    // vendor_id message attribute the error processor sets (an address also in notificationEmails
    // keeps its unfiltered subscription).
    const allUploads = new Set(onboarding.notificationEmails.map((e) => e.toLowerCase()));
    const notifications = new Topic(this, 'upload_notifications', {
      topicName: names.notificationTopic,
      emailSubscriptions: [
        ...onboarding.notificationEmails,
        ...onboarding.vendors
          .filter((v) => !allUploads.has(v.email.toLowerCase()))
          .map((v) => ({ address: v.email, filterPolicy: { vendor_id: [v.id] } })),
      ],
    });

    // RDS PostgreSQL with its master credentials in Secrets Manager, encrypted with a CMK.
    const { key: secretKey } = customerManagedKey(this, 'database_secret_key', {
      description: `Encrypts the RDS master credentials of ${names.databaseIdentifier} in Secrets Manager`,
      aliasName: names.databaseSecretKeyAlias,
      accountId: env.account.id,
      deletionWindowDays: profile.keyDeletionWindowDays,
    });
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

    // The functions, from the table in functions.ts: code, size, environment, sources, then grants
    // (IAM as seed section 8 lists it; README: the mapping, and what Lambda itself requires).
    // Issue 14: the HS256 keys of the report links and the vendor tokens, encrypted with the same CMK.
    // No value in Terraform: error-processor creates the link key on first use; the vendor key is put by
    // the operator or the vendor portal (docs/onboarding.md, "Vendor uploads").
    const reportLinkKey = new Secret(this, 'report_link_key', {
      secretName: names.reportLinkKeySecret,
      description: `HS256 key of the 7-day error-report links of ${names.prefix} (error-processor signs, report-link verifies)`,
      encryptionKey: secretKey,
    });
    const vendorTokenKey = new Secret(this, 'vendor_token_key', {
      secretName: names.vendorTokenKeySecret,
      description: `HS256 key of the vendor tokens upload-url accepts (${names.prefix})`,
      encryptionKey: secretKey,
    });
    const resources: OnboardingResources = { onboarding, uploads, uploadRecords, idempotency, validationErrors, notifications, database, reportLinkKey, vendorTokenKey };
    const databaseEnv = {
      DB_SECRET_ARN: database.masterSecret.secretArn,
      DB_HOST: database.address,
      DB_PORT: String(database.port),
      DB_NAME: database.databaseName,
      DB_SSL_MODE: 'verify-full',
      NODE_EXTRA_CA_CERTS: S.caBundle,
    };
    const fns = {} as Record<OnboardingFunctionName, LambdaFunction>;
    const bucketTargets: BucketLambdaTarget[] = [];
    for (const spec of ONBOARDING_FUNCTION_TABLE) {
      const code = props.functionCode?.[spec.name] ?? { entry: spec.entry };
      const fn = new LambdaFunction(this, functionId(spec.name), {
        functionName: names.functionName(spec.name),
        description: spec.description,
        entry: code.entry,
        zipFile: code.zipFile,
        bundling: code.bundling,
        memorySizeMiB: spec.memorySizeMiB,
        timeoutSeconds: spec.timeoutSeconds,
        environment: {
          POWERTOOLS_SERVICE_NAME: spec.name,
          POWERTOOLS_METRICS_NAMESPACE: S.metricsNamespace,
          ...(spec.usesDatabase === false ? {} : databaseEnv),
          ...spec.environment(resources, fns),
        },
        vpcSubnets: network.privateSubnets,
        securityGroups: [spec.usesDatabase === false ? httpLambdaSecurityGroup : lambdaSecurityGroup],
        logRetentionDays: profile.logRetentionDays,
        // The seed's IAM section has no X-Ray: tracing 'Active' would add xray:Put* on "*".
        tracing: 'PassThrough',
        asyncOnFailureQueue: spec.asyncOnFailureQueue?.(resources),
      });
      Guardrails.suppress(fn, 'CH-LAMBDA-003', 'seed 002 lists each role\'s permissions (section 8) and X-Ray is not among them; active tracing would add xray:PutTraceSegments and xray:PutTelemetryRecords on "*" (set tracing: \'Active\' to turn it on)');
      if (spec.publicUrl) fn.addPublicUrl();
      fns[spec.name] = fn;
    }
    this.functions = fns;
    for (const spec of ONBOARDING_FUNCTION_TABLE) {
      const fn = fns[spec.name];
      for (const source of spec.sources(resources)) {
        if (source.kind === 'stream') fn.addDynamoDbStreamSource(source.table, source.options);
        else if (source.kind === 'queue') fn.addSqsSource(source.queue, source.options);
        else bucketTargets.push({ function: fn, events: source.events, filterPrefix: source.filterPrefix, filterSuffix: source.filterSuffix, ignoreSuffixCase: source.ignoreSuffixCase });
      }
      spec.grants(fn.role, resources);
    }
    new BucketNotifications(this, 'upload_events', { bucket: uploads, bucketOwnerAccountId: env.account.id, lambdaTargets: bucketTargets });

    // Issue 14: the catalog deploys itself. Terraform invokes catalog-migrator with the migrations (SQL and
    // checksums), the reference categories and this environment's vendors, and again whenever that input
    // changes (its SHA-256 is the trigger); a failed migration fails the apply. It runs after the database,
    // the Secrets Manager endpoint and the security-group rules that let the function reach them.
    const catalogInput = JSON.stringify({
      migrations: loadMigrations().map(({ version, name, file, sql, checksum }) => ({ version, name, file, sql, checksum })),
      categories: CATEGORIES,
      vendors: onboarding.vendors.map(({ id, name, email }) => ({ id, name, email })),
    });
    const reachability = this.node
      .findAll()
      .filter((c): c is TerraformResource => c instanceof TerraformResource && /^aws_vpc_security_group_(ingress|egress)_rule$/.test(c.terraformResourceType));
    fns['catalog-migrator'].invokeOnChange(this, 'catalog_deploy', {
      input: catalogInput,
      triggers: { catalog_sha256: createHash('sha256').update(catalogInput).digest('hex') },
      dependsOn: [database.instance, ...Object.values(network.endpoints), ...reachability],
    });

    // Alarms (seed section 7) to the ops topic: each function's alarm set (in the function's construct:
    // aws_cloudwatch_metric_alarm.<function id>_<alarm>_alarm) and the error queue's.
    const opsTopic = new AlarmTopic(this, 'ops_topic', {
      namePrefix: names.prefix,
      accountId: env.account.id,
      emailSubscriptions: onboarding.opsEmails,
      keyDeletionWindowDays: profile.keyDeletionWindowDays,
    });
    for (const spec of ONBOARDING_FUNCTION_TABLE) {
      const fn = fns[spec.name];
      functionAlarms(this, functionId(spec.name), {
        fn,
        topic: opsTopic,
        namePrefix: fn.functionName,
        displayName: spec.name,
        maxErrorRatePercent: S.alarms.maxErrorRatePercent,
        errorRatePeriodSeconds: S.alarms.errorRatePeriodSeconds,
        maxDurationPercentOfTimeout: S.alarms.maxDurationPercentOfTimeout,
        // The failure queue is the error queue's DLQ, alarmed below ("DLQ messages > 0").
        failureQueues: [],
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
    new TerraformOutput(this, 'upload_url_endpoint', { value: fns['upload-url'].publicUrl!, description: 'Vendors POST {"file_name"} here with "Authorization: Bearer <vendor token>" and get a presigned PUT for uploads/<vendor>/' });
    new TerraformOutput(this, 'report_link_endpoint', { value: fns['report-link'].publicUrl!, description: 'Base of the 7-day error-report links in the notifications' });
    new TerraformOutput(this, 'vendor_token_key_secret_arn', { value: vendorTokenKey.secretArn, description: 'Put the HS256 key vendor tokens are signed with here (at least 32 characters)' });
    new TerraformOutput(this, 'function_names', { value: Object.fromEntries(ONBOARDING_FUNCTIONS.map((fn) => [fn, fns[fn].functionName])) });
  }
}
