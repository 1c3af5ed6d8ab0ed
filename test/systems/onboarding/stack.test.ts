/**
 * Onboarding infrastructure (seed 002): deterministic Lambda bundles, the
 * function and table modules, and the onboarding stack's settings, IAM,
 * event sources, security groups and alarms, compared with the seed.
 * Functions are bundled from a small fixture entry (the real entries are
 * planned by test/terraform.test.ts through main.ts).
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vm from 'vm';
import { App, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { loadEnvironment } from '../../../environments/lib/load';
import type { Environment } from '../../../environments/lib/schema';
import { BucketNotifications, LambdaFunction, bundleLambda, bundleLambdaCached, crc32, deterministicZip } from '../../../modules/function';
import { Table } from '../../../modules/table';
import { Bucket } from '../../../modules/object-store';
import { Queue } from '../../../modules/queue';
import { OnboardingStack } from '../../../systems/onboarding/stack';
import { addOnboardingStacks } from '../../../systems/onboarding/app';
import { ONBOARDING_FUNCTIONS, lambdaEntry } from '../../../systems/onboarding/names';
import { ONBOARDING_SETTINGS } from '../../../systems/onboarding/settings';
import { ENV as LAMBDA_ENV } from '../../../lambdas/onboarding/shared/config';
import { parseCatalogInput } from '../../../lambdas/onboarding/catalog-migrator/core';
import { loadMigrations } from '../../../lambdas/onboarding/migrations/migrate';
import { CATEGORIES } from '../../../lambdas/onboarding/shared/reference';
import { synthFixture } from '../../helpers';

type Json = { resource: Record<string, Record<string, any>>; output: Record<string, any> };
const FIXTURE = path.join(__dirname, '..', '..', 'fixtures', 'lambda-function', 'index.ts');
const fixtureCode = Object.fromEntries(ONBOARDING_FUNCTIONS.map((fn) => [fn, { entry: FIXTURE }]));

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'onboarding-infra-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The entries of a ZIP read back from its central directory. */
function zipEntries(zip: Buffer) {
  const end = zip.length - 22;
  expect(zip.readUInt32LE(end)).toBe(0x06054b50);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries = [];
  for (let i = 0; i < count; i++) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50);
    const nameLength = zip.readUInt16LE(at + 28);
    const local = zip.readUInt32LE(at + 42);
    const size = zip.readUInt32LE(at + 20);
    const localNameLength = zip.readUInt16LE(local + 26);
    const start = local + 30 + localNameLength + zip.readUInt16LE(local + 28);
    entries.push({
      name: zip.toString('utf8', at + 46, at + 46 + nameLength),
      method: zip.readUInt16LE(at + 10),
      dosTime: zip.readUInt16LE(at + 12),
      dosDate: zip.readUInt16LE(at + 14),
      crc: zip.readUInt32LE(at + 16),
      mode: zip.readUInt32LE(at + 38) >>> 16,
      data: zip.subarray(start, start + size),
    });
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return entries;
}

describe('deterministic bundles', () => {
  test('two bundles of the same entry are byte-identical, with fixed times, modes and order', () => {
    const a = bundleLambda(FIXTURE, path.join(tmp, 'a'));
    const b = bundleLambda(FIXTURE, path.join(tmp, 'b'));
    expect(a.zipPath).not.toBe(b.zipPath);
    expect(fs.readFileSync(b.zipPath).equals(fs.readFileSync(a.zipPath))).toBe(true);
    expect(b.sha256Hex).toBe(a.sha256Hex);
    expect(a.sha256Base64).toBe(Buffer.from(a.sha256Hex, 'hex').toString('base64'));
    expect(a.inputs).toEqual(['test/fixtures/lambda-function/greeting.ts', 'test/fixtures/lambda-function/index.ts']);

    const entries = zipEntries(fs.readFileSync(a.zipPath));
    expect(entries.map((e) => e.name)).toEqual(['index.js']);
    for (const e of entries) {
      expect(e).toMatchObject({ method: 0, dosTime: 0, dosDate: (1 << 5) | 1, mode: 0o100644 });
      expect(e.crc).toBe(crc32(e.data));
    }
    // No absolute path of this checkout leaks into the code.
    expect(entries[0].data.toString('utf8')).not.toContain(path.resolve(__dirname, '..', '..', '..'));
  });

  test('the bundled handler runs (CommonJS, local imports inlined)', async () => {
    const bundle = bundleLambda(FIXTURE, path.join(tmp, 'run'));
    const [index] = zipEntries(fs.readFileSync(bundle.zipPath));
    const module = { exports: {} as Record<string, unknown> };
    vm.runInNewContext(index.data.toString('utf8'), { module, exports: module.exports, require });
    const handler = module.exports.handler as (e: { name: string }) => Promise<{ message: string }>;
    await expect(handler({ name: 'vendor' })).resolves.toEqual({ message: 'hello, vendor' });
  });

  test('source maps are opt-in and carry paths relative to the project, no sources', () => {
    const bundle = bundleLambda(FIXTURE, path.join(tmp, 'map'), { sourceMap: true, minify: false });
    const entries = zipEntries(fs.readFileSync(bundle.zipPath));
    expect(entries.map((e) => e.name)).toEqual(['index.js', 'index.js.map']);
    const map = JSON.parse(entries[1].data.toString('utf8'));
    expect([...map.sources].sort()).toEqual(['../../test/fixtures/lambda-function/greeting.ts', '../../test/fixtures/lambda-function/index.ts']);
    expect(map.sourcesContent).toBeUndefined();
  });

  test('the cache reuses a bundle while every input is unchanged and rebuilds when one changes', () => {
    const project = path.join(tmp, 'project');
    fs.mkdirSync(path.join(project, 'fn'), { recursive: true });
    fs.writeFileSync(path.join(project, 'package.json'), '{"name":"p","private":true}\n');
    fs.writeFileSync(path.join(project, 'fn', 'lib.ts'), 'export const answer = 41;\n');
    fs.writeFileSync(path.join(project, 'fn', 'index.ts'), "import { answer } from './lib';\nexport const handler = async () => answer;\n");
    const entry = path.join(project, 'fn', 'index.ts');
    const first = bundleLambdaCached(entry);
    const second = bundleLambdaCached(entry);
    expect([first.cached, second.cached]).toEqual([false, true]);
    expect(second.sha256Hex).toBe(first.sha256Hex);
    expect(first.zipPath.startsWith(path.join(project, 'node_modules', '.cache', 'lambda-bundles'))).toBe(true);

    fs.writeFileSync(path.join(project, 'fn', 'lib.ts'), 'export const answer = 42;\n');
    const third = bundleLambdaCached(entry);
    expect(third.cached).toBe(false);
    expect(third.sha256Hex).not.toBe(first.sha256Hex);
  });

  test('a missing entry or a build error names the entry', () => {
    expect(() => bundleLambda(path.join(__dirname, '..', '..', 'fixtures', 'nope', 'index.ts'), tmp)).toThrow(/bundleLambda: entry ".*fixtures\/nope\/index\.ts" does not exist/);
    const broken = path.join(tmp, 'broken.ts');
    fs.writeFileSync(broken, "import { x } from './missing';\nexport const handler = x;\n");
    expect(() => bundleLambda(broken, tmp, { projectRoot: tmp })).toThrow(/esbuild could not bundle broken\.ts\n {2}- broken\.ts:1: Could not resolve "\.\/missing"/);
  });

  test('zip: CRC-32 check value, refused names', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(() => deterministicZip([{ name: 'a', data: Buffer.from('1') }, { name: 'a', data: Buffer.from('2') }])).toThrow(/entry "a" appears twice/);
    expect(() => deterministicZip([{ name: '../x', data: Buffer.alloc(0) }])).toThrow(/must be a relative path/);
    const order = zipEntries(deterministicZip([{ name: 'b', data: Buffer.from('b') }, { name: 'a', data: Buffer.from('a') }])).map((e) => e.name);
    expect(order).toEqual(['a', 'b']);
  });
});

/** A VPC, two subnets and a security group for module tests. */
function vpcParts(scope: Construct) {
  const vpc = new Vpc(scope, 'vpc', { cidrBlock: '10.9.0.0/16' });
  const subnets = ['a', 'b'].map((z, i) => new Subnet(scope, `subnet_${z}`, { vpcId: vpc.id, cidrBlock: `10.9.${i}.0/24`, availabilityZone: `us-east-1${z}` }));
  const securityGroup = new SecurityGroup(scope, 'sg', { vpcId: vpc.id, name: 'sg' });
  return { vpc, subnets, securityGroup };
}

describe('LambdaFunction and Table modules', () => {
  test('function: asset path carries the ZIP hash, own log group, role limited to it', () => {
    let fn!: LambdaFunction;
    const json = JSON.parse(synthFixture((s) => (fn = new LambdaFunction(s, 'worker', { functionName: 'svc-worker', entry: FIXTURE, logRetentionDays: 30 })))) as Json;
    const f = json.resource.aws_lambda_function.worker_function;
    expect(f).toMatchObject({ function_name: 'svc-worker', runtime: 'nodejs22.x', handler: 'index.handler', architectures: ['arm64'], memory_size: 256, timeout: 30, tracing_config: { mode: 'Active' } });
    expect(f.filename).toBe(`assets/worker_code/${fn.bundle!.sha256Hex.slice(0, 32)}/lambda-function.zip`);
    expect(f.source_code_hash).toBe(fn.bundle!.sha256Base64);
    expect(f.logging_config).toEqual({ log_format: 'Text', log_group: '${aws_cloudwatch_log_group.worker_log_group.name}' });
    expect(f.depends_on).toEqual(['aws_iam_role_policy.worker_role_policy']);
    expect(json.resource.aws_cloudwatch_log_group.worker_log_group).toMatchObject({ name: '/aws/lambda/svc-worker', retention_in_days: 30 });
    expect(json.resource.aws_iam_role.worker_role_role.name).toBe('svc-worker-role');
    const policy = JSON.parse(json.resource.aws_iam_role_policy.worker_role_policy.policy);
    expect(policy.Statement.map((s: any) => [s.Sid, s.Action, s.Resource])).toEqual([
      ['WriteOwnLogGroup', ['logs:CreateLogStream', 'logs:PutLogEvents'], '${aws_cloudwatch_log_group.worker_log_group.arn}:*'],
      ['WriteTracesUnscopable', ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], '*'],
    ]);
    expect(json.resource.aws_lambda_function_event_invoke_config).toBeUndefined();
  });

  test('function: addPublicUrl (URL + both permissions, once) and invokeOnChange (JSON input, triggers, after the role policy)', () => {
    let fn!: LambdaFunction;
    const json = JSON.parse(
      synthFixture((s) => {
        fn = new LambdaFunction(s, 'worker', { functionName: 'svc-worker', entry: FIXTURE, logRetentionDays: 30 });
        expect(fn.addPublicUrl({ corsAllowedOrigins: ['https://vendors.example.com'] })).toBe(fn.publicUrl);
        expect(() => fn.addPublicUrl()).toThrow(/addPublicUrl was already called/);
        fn.invokeOnChange(s, 'setup', { input: '{"a":1}', triggers: { sha: 'abc' } });
        expect(() => fn.invokeOnChange(s, 'bad', { input: '[1', triggers: { sha: 'x' } })).toThrow('input: received "[1"; expected a JSON object');
        expect(() => fn.invokeOnChange(s, 'bad2', { input: '{}', triggers: {} })).toThrow(/triggers: received .*; expected at least one trigger value/);
        expect(() => fn.invokeOnChange(s, 'bad3', { input: '[1]', triggers: { sha: 'x' } })).toThrow('input: received "[1]"; expected a JSON object');
      }),
    ) as Json;
    const r = json.resource;
    expect(r.aws_lambda_function_url.worker_url).toMatchObject({
      authorization_type: 'NONE',
      cors: { allow_origins: ['https://vendors.example.com'], allow_methods: ['GET'] },
      depends_on: ['aws_lambda_permission.worker_url_permission', 'aws_lambda_permission.worker_url_invoke_permission'],
    });
    expect(r.aws_lambda_permission.worker_url_permission).toMatchObject({ action: 'lambda:InvokeFunctionUrl', principal: '*', function_url_auth_type: 'NONE' });
    expect(r.aws_lambda_permission.worker_url_invoke_permission).toMatchObject({ action: 'lambda:InvokeFunction', principal: '*' });
    expect(r.aws_lambda_invocation.setup).toEqual({
      function_name: '${aws_lambda_function.worker_function.function_name}',
      input: '{"a":1}',
      triggers: { sha: 'abc' },
      depends_on: ['aws_iam_role_policy.worker_role_policy'],
    });
  });

  test('function in a VPC: network-interface permissions scoped to its subnets and group', () => {
    const json = JSON.parse(
      synthFixture((s) => {
        const { subnets, securityGroup } = vpcParts(s);
        new LambdaFunction(s, 'fn', { functionName: 'f', entry: FIXTURE, logRetentionDays: 7, vpcSubnets: subnets, securityGroups: [securityGroup], tracing: 'PassThrough' });
      }),
    ) as Json;
    expect(json.resource.aws_lambda_function.fn_function.vpc_config).toEqual({ subnet_ids: ['${aws_subnet.subnet_a.id}', '${aws_subnet.subnet_b.id}'], security_group_ids: ['${aws_security_group.sg.id}'] });
    const statements = JSON.parse(json.resource.aws_iam_role_policy.fn_role_policy.policy).Statement;
    const eni = 'arn:aws:ec2:us-east-1:${aws_subnet.subnet_a.owner_id}:network-interface/*';
    expect(statements.slice(1)).toEqual([
      { Sid: 'CreateNetworkInterfacesInOwnSubnets', Effect: 'Allow', Action: 'ec2:CreateNetworkInterface', Resource: [eni, '${aws_subnet.subnet_a.arn}', '${aws_subnet.subnet_b.arn}', '${aws_security_group.sg.arn}'] },
      { Sid: 'ManageNetworkInterfaces', Effect: 'Allow', Action: ['ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'], Resource: eni },
      { Sid: 'DescribeNetworkUnscopable', Effect: 'Allow', Action: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'], Resource: '*' },
    ]);
  });

  test('function props errors name the field and the value', () => {
    const make = (props: Record<string, unknown>) => () => synthFixture((s) => new LambdaFunction(s, 'f', { functionName: 'f', entry: FIXTURE, logRetentionDays: 7, ...props } as any));
    expect(make({ timeoutSeconds: 901 })).toThrow(/timeoutSeconds: received 901; expected a whole number from 1 to 900/);
    expect(make({ memorySizeMiB: 100 })).toThrow(/memorySizeMiB: received 100; expected a whole number from 128 to 10240/);
    expect(make({ zipFile: '/x.zip' })).toThrow(/entry: received ".*index\.ts"; expected exactly one of entry .* and zipFile/);
    expect(make({ environment: { AWS_REGION: 'x', 'bad-name': 'y' } })).toThrow(/environment: received .*; expected .*not: AWS_REGION, bad-name/);
    expect(make({ logRetentionDays: 10 })).toThrow(/logRetentionDays: received 10; expected one of 1, 3, 5/);
    expect(make({ functionName: 'x'.repeat(60) })).toThrow(/functionName: received "x{60}"; expected 1-59 characters/);
  });

  test('SQS source refuses a timeout longer than the visibility timeout; the poller gets exactly its three actions', () => {
    const build = (timeoutSeconds: number) => (s: Construct) => {
      const queue = new Queue(s, 'jobs', { queueName: 'jobs', visibilityTimeoutSeconds: 60 });
      new LambdaFunction(s, 'fn', { functionName: 'f', entry: FIXTURE, logRetentionDays: 7, timeoutSeconds }).addSqsSource(queue, { batchSize: 10, maximumBatchingWindowSeconds: 30 });
    };
    expect(() => synthFixture(build(61))).toThrow(/timeoutSeconds: received 61; expected at most the queue's visibility timeout \(60 s\)/);
    const json = JSON.parse(synthFixture(build(60))) as Json;
    expect(json.resource.aws_lambda_event_source_mapping.fn_jobs_queue_source).toMatchObject({
      event_source_arn: '${aws_sqs_queue.jobs_queue.arn}',
      batch_size: 10,
      maximum_batching_window_in_seconds: 30,
      function_response_types: ['ReportBatchItemFailures'],
      depends_on: ['aws_iam_role_policy.fn_role_policy'],
    });
    const poll = JSON.parse(json.resource.aws_iam_role_policy.fn_role_policy.policy).Statement.find((s: any) => s.Sid === 'PollJobs');
    expect(poll).toMatchObject({ Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'], Resource: '${aws_sqs_queue.jobs_queue.arn}' });
  });

  test('table: on-demand, PITR, stream, TTL, GSI, deletion protection; grants of exact actions; KMS variant', () => {
    const json = JSON.parse(
      synthFixture((s) => {
        const key = new KmsKey(s, 'key', {});
        const t = new Table(s, 'records', {
          tableName: 'records',
          partitionKey: { name: 'pk', type: 'S' },
          sortKey: { name: 'sk', type: 'S' },
          globalSecondaryIndexes: [{ indexName: 'ByOwner', partitionKey: { name: 'owner', type: 'S' } }],
          streamViewType: 'NEW_IMAGE',
          timeToLiveAttribute: 'expires_at',
          deletionProtection: true,
          encryptionKey: key,
        });
        const fn = new LambdaFunction(s, 'fn', { functionName: 'f', entry: FIXTURE, logRetentionDays: 7, tracing: 'PassThrough' });
        t.grantItemActions(fn.role, ['dynamodb:Query']);
        fn.addDynamoDbStreamSource(t, { filterPatterns: [{ eventName: ['INSERT'] }] });
      }),
    ) as Json;
    expect(json.resource.aws_dynamodb_table.records_table).toMatchObject({
      billing_mode: 'PAY_PER_REQUEST',
      hash_key: 'pk',
      range_key: 'sk',
      attribute: [{ name: 'pk', type: 'S' }, { name: 'sk', type: 'S' }, { name: 'owner', type: 'S' }],
      global_secondary_index: [{ name: 'ByOwner', hash_key: 'owner', projection_type: 'ALL' }],
      stream_enabled: true,
      stream_view_type: 'NEW_IMAGE',
      ttl: { enabled: true, attribute_name: 'expires_at' },
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true, kms_key_arn: '${aws_kms_key.key.arn}' },
      deletion_protection_enabled: true,
    });
    const statements = JSON.parse(json.resource.aws_iam_role_policy.fn_role_policy.policy).Statement;
    expect(statements.find((s: any) => s.Sid === 'QueryRecords').Resource).toEqual(['${aws_dynamodb_table.records_table.arn}', '${aws_dynamodb_table.records_table.arn}/index/*']);
    expect(statements.find((s: any) => s.Sid === 'QueryRecordsKey')).toMatchObject({ Action: ['kms:Decrypt', 'kms:DescribeKey'], Condition: { StringLike: { 'kms:ViaService': 'dynamodb.*.amazonaws.com' } } });
    expect(statements.find((s: any) => s.Sid === 'ReadStreamRecordsKey')).toMatchObject({ Action: 'kms:Decrypt' });
    expect(json.resource.aws_lambda_event_source_mapping.fn_records_stream_source.filter_criteria).toEqual({ filter: [{ pattern: '{"eventName":["INSERT"]}' }] });
  });

  test('table props errors name the field and the value', () => {
    const make = (props: Record<string, unknown>) => () => synthFixture((s) => new Table(s, 't', { tableName: 'tbl', partitionKey: { name: 'pk', type: 'S' }, deletionProtection: false, ...props } as any));
    expect(make({ tableName: 'x' })).toThrow(/tableName: received "x"; expected 3-255 characters/);
    expect(make({ globalSecondaryIndexes: [{ indexName: 'ix', partitionKey: { name: 'pk', type: 'N' } }] })).toThrow(/globalSecondaryIndexes: .*one type per key attribute \(clashing: pk \(S and N\)\)/);
    expect(make({ timeToLiveAttribute: 'pk' })).toThrow(/timeToLiveAttribute: received "pk"; expected an attribute name .* not a key/);
    expect(make({ streamViewType: 'NEW' })).toThrow(/streamViewType: received "NEW"; expected one of NEW_IMAGE/);
    expect(() => synthFixture((s) => new Table(s, 't', { tableName: 'tbl', partitionKey: { name: 'pk', type: 'S' }, deletionProtection: false }).grantStreamRead({ addToPolicy: () => undefined }))).toThrow(/grantStreamRead needs a stream/);
  });

  test('bucket notifications: one configuration per bucket, permission limited to the bucket and its account', () => {
    const json = JSON.parse(
      synthFixture((s) => {
        const bucket = new Bucket(s, 'uploads', { bucketName: 'uploads-bucket' });
        const fn = new LambdaFunction(s, 'parser', { functionName: 'parser', entry: FIXTURE, logRetentionDays: 7 });
        new BucketNotifications(s, 'events', { bucket, bucketOwnerAccountId: '123456789012', lambdaTargets: [{ function: fn, events: ['s3:ObjectCreated:*'], filterPrefix: 'in/', filterSuffix: '.csv' }] });
      }),
    ) as Json;
    expect(json.resource.aws_lambda_permission.events_parser_permission).toMatchObject({ principal: 's3.amazonaws.com', source_arn: '${aws_s3_bucket.uploads_bucket.arn}', source_account: '123456789012', action: 'lambda:InvokeFunction' });
    expect(json.resource.aws_s3_bucket_notification.events_notification).toMatchObject({
      bucket: '${aws_s3_bucket.uploads_bucket.id}',
      lambda_function: [{ events: ['s3:ObjectCreated:*'], filter_prefix: 'in/', filter_suffix: '.csv', lambda_function_arn: '${aws_lambda_function.parser_function.arn}' }],
      depends_on: ['aws_lambda_permission.events_parser_permission'],
    });
  });
});

// ---------------------------------------------------------------------------
// The onboarding stack
// ---------------------------------------------------------------------------

function synthOnboarding(env: Environment | string): Json {
  const environment = typeof env === 'string' ? loadEnvironment(env) : env;
  const stack = new OnboardingStack(Testing.app() as App, `onboarding-${environment.name}`, { environment, functionCode: fixtureCode });
  return JSON.parse(Testing.synth(stack)) as Json;
}
const policyOf = (json: Json, fn: string) => JSON.parse(json.resource.aws_iam_role_policy[`${fn}_role_policy`].policy).Statement as any[];

describe('onboarding stack (dev)', () => {
  const json = synthOnboarding('dev');
  const r = json.resource;

  test('uploads bucket: versioned, AES-256, private, TLS only, error reports expire', () => {
    expect(r.aws_s3_bucket.uploads_bucket.bucket).toBe('onboarding-dev-product-uploads-111111111111');
    expect(r.aws_s3_bucket_versioning.uploads_versioning.versioning_configuration.status).toBe('Enabled');
    expect(r.aws_s3_bucket_server_side_encryption_configuration.uploads_encryption.rule[0].apply_server_side_encryption_by_default.sse_algorithm).toBe('AES256');
    expect(r.aws_s3_bucket_public_access_block.uploads_public_access_block).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    expect(JSON.parse(r.aws_s3_bucket_policy.uploads_policy.policy).Statement[0]).toMatchObject({ Sid: 'DenyInsecureTransport', Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
    expect(r.aws_s3_bucket_lifecycle_configuration.uploads_lifecycle.rule.find((x: any) => x.id === 'expire-errors')).toEqual({ id: 'expire-errors', status: 'Enabled', filter: [{ prefix: 'errors/' }], expiration: [{ days: 30 }] });
  });

  test('csv-parser runs on ObjectCreated under uploads/ with the .csv suffix in any case (one configuration per spelling)', () => {
    const configs = r.aws_s3_bucket_notification.upload_events_notification.lambda_function;
    expect(configs.map((c: any) => c.filter_suffix)).toEqual(['.csv', '.csV', '.cSv', '.cSV', '.Csv', '.CsV', '.CSv', '.CSV']);
    expect(configs.map((c: any) => c.id)).toEqual(['onboarding-dev-csv-parser', ...[1, 2, 3, 4, 5, 6, 7].map((i) => `onboarding-dev-csv-parser-${i}`)]);
    for (const c of configs) {
      expect(c).toMatchObject({ events: ['s3:ObjectCreated:*'], filter_prefix: 'uploads/', lambda_function_arn: '${aws_lambda_function.csv_parser_function.arn}' });
    }
    expect(r.aws_lambda_permission.upload_events_csv_parser_permission).toMatchObject({ source_account: '111111111111', source_arn: '${aws_s3_bucket.uploads_bucket.arn}' });
    // S3 events that fail every retry land in the DLQ (seed: "Failed after retries? -> DLQ").
    expect(r.aws_lambda_function_event_invoke_config.csv_parser_async_invoke_config).toMatchObject({
      maximum_retry_attempts: 2,
      destination_config: { on_failure: { destination: '${aws_sqs_queue.validation_errors_dead_letter_queue.arn}' } },
    });
  });

  test('UploadRecords: keys, VendorIndex, on-demand, stream NEW_IMAGE, PITR, TTL, no deletion protection in dev', () => {
    expect(r.aws_dynamodb_table.upload_records_table).toMatchObject({
      name: 'onboarding-dev-UploadRecords',
      hash_key: 'upload_id',
      range_key: 'record_id',
      billing_mode: 'PAY_PER_REQUEST',
      global_secondary_index: [{ name: 'VendorIndex', hash_key: 'vendor_id', projection_type: 'ALL' }],
      stream_enabled: true,
      stream_view_type: 'NEW_IMAGE',
      point_in_time_recovery: { enabled: true },
      ttl: { enabled: true, attribute_name: 'expires_at' },
      server_side_encryption: { enabled: true },
      deletion_protection_enabled: false,
    });
    expect(r.aws_dynamodb_table.upload_records_table.lifecycle).toBeUndefined();
  });

  test('product-validator on the stream: batch 1000 (issue 14), bisect, partial batch responses, DLQ on failure, record age, INSERT only', () => {
    expect(r.aws_lambda_event_source_mapping.product_validator_upload_records_stream_source).toMatchObject({
      event_source_arn: '${aws_dynamodb_table.upload_records_table.stream_arn}',
      batch_size: 1000,
      bisect_batch_on_function_error: true,
      function_response_types: ['ReportBatchItemFailures'],
      destination_config: { on_failure: { destination_arn: '${aws_sqs_queue.validation_errors_dead_letter_queue.arn}' } },
      maximum_record_age_in_seconds: 21600,
      maximum_retry_attempts: 10000,
      starting_position: 'TRIM_HORIZON',
      filter_criteria: { filter: [{ pattern: '{"eventName":["INSERT"]}' }] },
    });
  });

  test('product-validation-errors: visibility 5 min, 4 days, DLQ after 3 receives; error-processor batches 10 in 30 s', () => {
    const q = r.aws_sqs_queue.validation_errors_queue;
    expect(q).toMatchObject({ name: 'onboarding-dev-product-validation-errors', visibility_timeout_seconds: 300, message_retention_seconds: 345600, sqs_managed_sse_enabled: true });
    expect(JSON.parse(q.redrive_policy)).toEqual({ deadLetterTargetArn: '${aws_sqs_queue.validation_errors_dead_letter_queue.arn}', maxReceiveCount: 3 });
    expect(r.aws_sqs_queue.validation_errors_dead_letter_queue.name).toBe('onboarding-dev-product-validation-errors-dlq');
    expect(r.aws_lambda_event_source_mapping.error_processor_validation_errors_queue_source).toMatchObject({ batch_size: 10, maximum_batching_window_in_seconds: 30, function_response_types: ['ReportBatchItemFailures'] });
  });

  test('functions: Node 22, seed memory and timeouts, in the private subnets with lambda-sg, log groups with retention', () => {
    const expected = { csv_parser: [512, 300], product_validator: [512, 300], error_processor: [256, 45] };
    for (const [id, [memory, timeout]] of Object.entries(expected)) {
      const fn = r.aws_lambda_function[`${id}_function`];
      expect(fn).toMatchObject({ runtime: 'nodejs22.x', memory_size: memory, timeout, handler: 'index.handler', tracing_config: { mode: 'PassThrough' } });
      expect(fn.vpc_config).toEqual({ subnet_ids: ['${aws_subnet.network_private_subnet_1.id}', '${aws_subnet.network_private_subnet_2.id}'], security_group_ids: ['${aws_security_group.lambda_security_group.id}'] });
      expect(r.aws_cloudwatch_log_group[`${id}_log_group`]).toMatchObject({ name: `/aws/lambda/${fn.function_name}`, retention_in_days: 14 });
    }
  });

  test('environment variables follow the Lambda code\'s contract (lambdas/onboarding/shared/config.ts)', () => {
    const vars = (id: string) => r.aws_lambda_function[`${id}_function`].environment.variables;
    expect(vars('csv_parser')).toMatchObject({ [LAMBDA_ENV.uploadTable]: 'onboarding-dev-UploadRecords', [LAMBDA_ENV.errorsQueueUrl]: '${aws_sqs_queue.validation_errors_queue.url}', [LAMBDA_ENV.idempotencyTable]: 'onboarding-dev-idempotency', [LAMBDA_ENV.stagingTtlDays]: '7' });
    expect(vars('product_validator')).toMatchObject({ [LAMBDA_ENV.uploadTable]: 'onboarding-dev-UploadRecords', [LAMBDA_ENV.errorsQueueUrl]: '${aws_sqs_queue.validation_errors_queue.url}' });
    expect(vars('error_processor')).toMatchObject({ [LAMBDA_ENV.uploadsBucket]: '${aws_s3_bucket.uploads_bucket.bucket}', [LAMBDA_ENV.notificationTopicArn]: '${aws_sns_topic.upload_notifications_topic.arn}' });
    for (const id of ['csv_parser', 'product_validator', 'error_processor']) {
      expect(vars(id)).toMatchObject({ DB_SECRET_ARN: '${aws_db_instance.database_instance.master_user_secret[0].secret_arn}', DB_HOST: '${aws_db_instance.database_instance.address}', DB_NAME: 'ecommerce_platform', DB_SSL_MODE: 'verify-full' });
    }
  });

  test('IAM per function: the seed\'s list on specific resources, plus what Lambda itself needs', () => {
    const common = ['WriteOwnLogGroup', 'CreateNetworkInterfacesInOwnSubnets', 'ManageNetworkInterfaces', 'DescribeNetworkUnscopable'];
    const actions = (fn: string) => Object.fromEntries(policyOf(json, fn).filter((s) => !common.includes(s.Sid)).map((s) => [s.Sid, [s.Action, s.Resource]]));
    const secret = '${aws_db_instance.database_instance.master_user_secret[0].secret_arn}';
    const key = '${aws_kms_key.database_secret_key.arn}';
    // database.masterSecret.grantReadValue: GetSecretValue only (the seed's), and kms:Decrypt of its CMK.
    const credentials = { ReadValueDatabaseMasterSecret: ['secretsmanager:GetSecretValue', secret], ReadValueDatabaseMasterSecretKey: ['kms:Decrypt', key] };
    const idempotency = { DeleteItemGetItemPutItemUpdateItemIdempotency: [['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], '${aws_dynamodb_table.idempotency_table.arn}'] };
    expect(actions('csv_parser')).toEqual({
      SendAsyncFailuresToValidationErrorsDeadLetterQueue: ['sqs:SendMessage', '${aws_sqs_queue.validation_errors_dead_letter_queue.arn}'],
      ReadUploadsUploads: ['s3:GetObject', '${aws_s3_bucket.uploads_bucket.arn}/uploads/*'],
      BatchWriteItemUploadRecords: ['dynamodb:BatchWriteItem', '${aws_dynamodb_table.upload_records_table.arn}'],
      ...credentials,
      SendMessageValidationErrors: ['sqs:SendMessage', '${aws_sqs_queue.validation_errors_queue.arn}'],
      // A retry after a partial staging write reads which rows exist (issue 14).
      BatchGetItemUploadRecords: ['dynamodb:BatchGetItem', '${aws_dynamodb_table.upload_records_table.arn}'],
      ...idempotency,
    });
    expect(actions('product_validator')).toEqual({
      ReadStreamUploadRecords: [['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'], '${aws_dynamodb_table.upload_records_table.stream_arn}'],
      ListStreamsUploadRecordsUnscopable: ['dynamodb:ListStreams', '*'],
      SendStreamFailuresToValidationErrorsDeadLetterQueue: ['sqs:SendMessage', '${aws_sqs_queue.validation_errors_dead_letter_queue.arn}'],
      UpdateItemUploadRecords: ['dynamodb:UpdateItem', '${aws_dynamodb_table.upload_records_table.arn}'],
      SendMessageValidationErrors: ['sqs:SendMessage', '${aws_sqs_queue.validation_errors_queue.arn}'],
      ...credentials,
    });
    expect(actions('error_processor')).toEqual({
      PollValidationErrors: [['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'], '${aws_sqs_queue.validation_errors_queue.arn}'],
      PutUploadsErrors: ['s3:PutObject', '${aws_s3_bucket.uploads_bucket.arn}/errors/*'],
      PublishUploadNotifications: ['sns:Publish', '${aws_sns_topic.upload_notifications_topic.arn}'],
      ...credentials,
      ReadUploadsErrors: ['s3:GetObject', '${aws_s3_bucket.uploads_bucket.arn}/errors/*'],
      ...idempotency,
      // Issue 14: signs the reports' 7-day links (creating the key on first use).
      InitializeReportLinkKey: [['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret', 'secretsmanager:PutSecretValue'], '${aws_secretsmanager_secret.report_link_key_secret.arn}'],
      InitializeReportLinkKeyKey: [['kms:Decrypt', 'kms:GenerateDataKey'], key],
    });
    // No wildcard resource except the describe/list calls IAM cannot scope.
    for (const fn of ['csv_parser', 'product_validator', 'error_processor']) {
      expect(policyOf(json, fn).filter((s) => s.Resource === '*').every((s) => /Unscopable$/.test(s.Sid))).toBe(true);
      expect(JSON.stringify(policyOf(json, fn))).not.toMatch(/"(logs|rds|s3|sqs|dynamodb):\*"/);
    }
  });

  test('lambda-sg -> rds-sg on 5432 only; lambda-sg has no ingress; HTTPS out for AWS APIs', () => {
    const ingress = Object.entries(r.aws_vpc_security_group_ingress_rule).filter(([, x]) => x.security_group_id !== '${aws_security_group.network_endpoint_security_group.id}');
    expect(ingress).toEqual([
      ['database_from_lambda_security_group_ingress', expect.objectContaining({ security_group_id: '${aws_security_group.database_security_group.id}', referenced_security_group_id: '${aws_security_group.lambda_security_group.id}', ip_protocol: 'tcp', from_port: 5432, to_port: 5432 })],
    ]);
    const egress = Object.values(r.aws_vpc_security_group_egress_rule).filter((x: any) => x.security_group_id === '${aws_security_group.lambda_security_group.id}');
    expect(egress).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ referenced_security_group_id: '${aws_security_group.database_security_group.id}', from_port: 5432, to_port: 5432 }),
        expect.objectContaining({ cidr_ipv4: '0.0.0.0/0', from_port: 443, to_port: 443 }),
      ]),
    );
    expect(egress).toHaveLength(2);
  });

  test('RDS PostgreSQL: private subnets, encrypted, single-AZ in dev, master password in Secrets Manager with a rotating CMK', () => {
    expect(r.aws_db_instance.database_instance).toMatchObject({
      engine: 'postgres',
      identifier: 'onboarding-dev-db',
      db_name: 'ecommerce_platform',
      username: 'postgres',
      storage_encrypted: true,
      publicly_accessible: false,
      multi_az: false,
      manage_master_user_password: true,
      master_user_secret_kms_key_id: '${aws_kms_key.database_secret_key.arn}',
    });
    expect(r.aws_db_subnet_group.database_subnet_group.subnet_ids).toEqual(['${aws_subnet.network_private_subnet_1.id}', '${aws_subnet.network_private_subnet_2.id}']);
    expect(r.aws_kms_key.database_secret_key.enable_key_rotation).toBe(true);
  });

  test('VPC: its own range, private subnets, NAT, S3/DynamoDB gateway and Secrets Manager interface endpoints', () => {
    expect(r.aws_vpc.network_vpc.cidr_block).toBe('10.40.0.0/16');
    expect(Object.keys(r.aws_nat_gateway)).toEqual(['network_nat_gateway_1']);
    expect(r.aws_vpc_endpoint.network_s3_endpoint).toMatchObject({ vpc_endpoint_type: 'Gateway', service_name: 'com.amazonaws.us-east-1.s3' });
    expect(r.aws_vpc_endpoint.network_dynamodb_endpoint).toMatchObject({ vpc_endpoint_type: 'Gateway', service_name: 'com.amazonaws.us-east-1.dynamodb' });
    expect(r.aws_vpc_endpoint.network_secretsmanager_endpoint).toMatchObject({ vpc_endpoint_type: 'Interface', private_dns_enabled: true });
  });

  test('SNS: upload notifications to the environment\'s addresses; alarms to the ops topic', () => {
    expect(r.aws_sns_topic.upload_notifications_topic).toMatchObject({ name: 'onboarding-dev-product-upload-notifications', kms_master_key_id: 'alias/aws/sns' });
    const subscriptions = Object.values(r.aws_sns_topic_subscription);
    const uploadSubs = subscriptions.filter((x: any) => x.topic_arn === '${aws_sns_topic.upload_notifications_topic.arn}');
    expect(uploadSubs.map((x: any) => x.endpoint)).toEqual(['onboarding-dev@classifyhub.example.com', 'uploads@techgear.example.com']);
    // Support hears about every upload; each vendor of the environment only about its own (filter on vendor_id).
    expect((uploadSubs[0] as any).filter_policy).toBeUndefined();
    expect(JSON.parse((uploadSubs[1] as any).filter_policy)).toEqual({ vendor_id: ['VEND001'] });
    expect(subscriptions.filter((x: any) => x.topic_arn === '${aws_sns_topic.ops_topic_topic.arn}').map((x: any) => x.endpoint)).toEqual(['oncall-dev@classifyhub.example.com']);

    const alarms = r.aws_cloudwatch_metric_alarm;
    for (const a of Object.values(alarms) as any[]) expect(a.alarm_actions).toEqual(['${aws_sns_topic.ops_topic_topic.arn}']);
    for (const id of ['csv_parser', 'product_validator', 'error_processor']) {
      const rate = alarms[`${id}_error_rate_alarm`];
      expect(rate).toMatchObject({ threshold: 10, comparison_operator: 'GreaterThanThreshold' });
      expect(rate.metric_query.find((q: any) => q.id === 'result').expression).toBe('100 * FILL(errors, 0) / invocations');
    }
    // functionAlarms: the longest invocation of a minute at 80 % of the timeout (300 s -> 240 s, 45 s -> 36 s).
    expect(alarms.csv_parser_duration_alarm).toMatchObject({ metric_name: 'Duration', statistic: 'Maximum', threshold: 240000, comparison_operator: 'GreaterThanOrEqualToThreshold' });
    expect(alarms.product_validator_duration_alarm.threshold).toBe(240000);
    expect(alarms.error_processor_duration_alarm.threshold).toBe(36000);
    for (const id of ['csv_parser', 'product_validator', 'error_processor']) {
      expect(alarms[`${id}_throttles_alarm`]).toMatchObject({ metric_name: 'Throttles', statistic: 'Sum', threshold: 0, comparison_operator: 'GreaterThanThreshold', period: 300 });
    }
    // Only the stream consumer has an iterator-age alarm: half its 6-hour record age, at most an hour.
    expect(Object.keys(alarms).filter((k) => k.endsWith('_iterator_age_alarm'))).toEqual(['product_validator_iterator_age_alarm']);
    expect(alarms.product_validator_iterator_age_alarm).toMatchObject({ metric_name: 'IteratorAge', statistic: 'Maximum', threshold: 3_600_000 });
    // The functions' failure queue is the error queue's DLQ, alarmed once (below), not per function.
    expect(Object.keys(alarms).filter((k) => k.includes('failure_queue'))).toEqual([]);
    expect(alarms.validation_errors_alarms_dead_letter_messages_alarm).toMatchObject({
      metric_name: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: '${aws_sqs_queue.validation_errors_dead_letter_queue.name}' },
      threshold: 0,
      comparison_operator: 'GreaterThanThreshold',
    });
  });

  test('addresses are a public contract: the reviewed list', () => {
    const addresses = Object.entries(r).flatMap(([type, byName]) => Object.keys(byName).map((n) => `${type}.${n}`)).sort();
    expect(addresses).toMatchSnapshot();
  });
});

describe('onboarding stack: vendors in the loop, the catalog deploys itself (issue 14)', () => {
  const json = synthOnboarding('dev');
  const r = json.resource;
  const common = ['WriteOwnLogGroup', 'CreateNetworkInterfacesInOwnSubnets', 'ManageNetworkInterfaces', 'DescribeNetworkUnscopable'];
  const actions = (fn: string) => Object.fromEntries(policyOf(json, fn).filter((x) => !common.includes(x.Sid)).map((x) => [x.Sid, [x.Action, x.Resource]]));
  const linkSecret = '${aws_secretsmanager_secret.report_link_key_secret.arn}';
  const vendorSecret = '${aws_secretsmanager_secret.vendor_token_key_secret.arn}';
  const cmk = '${aws_kms_key.database_secret_key.arn}';

  test('report-link and upload-url: public function URLs (the functions check a token), both permissions Lambda requires', () => {
    for (const id of ['report_link', 'upload_url']) {
      expect(r.aws_lambda_function_url[`${id}_url`]).toMatchObject({ authorization_type: 'NONE', function_name: `\${aws_lambda_function.${id}_function.function_name}` });
      expect(r.aws_lambda_permission[`${id}_url_permission`]).toMatchObject({ action: 'lambda:InvokeFunctionUrl', principal: '*', function_url_auth_type: 'NONE' });
      expect(r.aws_lambda_permission[`${id}_url_invoke_permission`]).toMatchObject({ action: 'lambda:InvokeFunction', principal: '*' });
      // No database: no DB_* variables, no credentials grant.
      expect(Object.keys(r.aws_lambda_function[`${id}_function`].environment.variables).filter((k) => k.startsWith('DB_'))).toEqual([]);
    }
    expect(Object.keys(r.aws_lambda_function_url)).toEqual(['report_link_url', 'upload_url_url']);
    const httpEgress = Object.values(r.aws_vpc_security_group_egress_rule).filter((x: any) => x.security_group_id === '${aws_security_group.http_lambda_security_group.id}');
    expect(httpEgress).toEqual([expect.objectContaining({ cidr_ipv4: '0.0.0.0/0', ip_protocol: 'tcp', from_port: 443, to_port: 443 })]);
    expect(Object.values(r.aws_vpc_security_group_ingress_rule).filter((x: any) => x.security_group_id === '${aws_security_group.http_lambda_security_group.id}')).toEqual([]);
    expect(json.output.upload_url_endpoint.value).toBe('${aws_lambda_function_url.upload_url_url.function_url}');
    expect(json.output.report_link_endpoint.value).toBe('${aws_lambda_function_url.report_link_url.function_url}');
  });

  test('the keys: two secrets without a value in Terraform, encrypted with the CMK', () => {
    expect(r.aws_secretsmanager_secret.report_link_key_secret).toMatchObject({ name: 'onboarding-dev/report-link-key', kms_key_id: cmk });
    expect(r.aws_secretsmanager_secret.vendor_token_key_secret).toMatchObject({ name: 'onboarding-dev/vendor-token-key', kms_key_id: cmk });
    expect(r.aws_secretsmanager_secret_version).toBeUndefined();
  });

  test('IAM: the presigned URLs carry the signer\'s rights, so each signer gets its prefix only; each key only where it is used', () => {
    const read = (verb: string, arn: string) => ({ [`${verb}`]: ['secretsmanager:GetSecretValue', arn] });
    expect(actions('report_link')).toEqual({
      ReadUploadsErrors: ['s3:GetObject', '${aws_s3_bucket.uploads_bucket.arn}/errors/*'],
      ...read('ReadValueReportLinkKey', linkSecret),
      ReadValueReportLinkKeyKey: ['kms:Decrypt', cmk],
    });
    expect(actions('upload_url')).toEqual({
      PutUploadsUploads: ['s3:PutObject', '${aws_s3_bucket.uploads_bucket.arn}/uploads/*'],
      ...read('ReadValueVendorTokenKey', vendorSecret),
      ReadValueVendorTokenKeyKey: ['kms:Decrypt', cmk],
    });
    expect(actions('catalog_migrator')).toEqual({
      ReadValueDatabaseMasterSecret: ['secretsmanager:GetSecretValue', '${aws_db_instance.database_instance.master_user_secret[0].secret_arn}'],
      ReadValueDatabaseMasterSecretKey: ['kms:Decrypt', cmk],
    });
    // error-processor signs the links and creates the key on first use.
    expect(actions('error_processor')).toMatchObject({
      InitializeReportLinkKey: [['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret', 'secretsmanager:PutSecretValue'], linkSecret],
      InitializeReportLinkKeyKey: [['kms:Decrypt', 'kms:GenerateDataKey'], cmk],
    });
    const forbidden: Record<string, RegExp> = { csv_parser: /_key_secret/, product_validator: /_key_secret/, catalog_migrator: /_key_secret/, report_link: /vendor_token_key/, upload_url: /report_link_key/, error_processor: /vendor_token_key/ };
    for (const [fn, secret] of Object.entries(forbidden)) {
      expect({ fn, policy: r.aws_iam_role_policy[`${fn}_role_policy`].policy }).toEqual({ fn, policy: expect.not.stringMatching(secret) });
    }
  });

  test('the notification links through report-link (token valid 7 days); links and uploads expire as settings say', () => {
    const vars = (id: string) => r.aws_lambda_function[`${id}_function`].environment.variables;
    expect(vars('error_processor')).toMatchObject({
      [LAMBDA_ENV.reportLinkBaseUrl]: '${aws_lambda_function_url.report_link_url.function_url}',
      [LAMBDA_ENV.reportLinkKeySecretArn]: linkSecret,
      [LAMBDA_ENV.errorReportUrlTtlSeconds]: '604800',
    });
    expect(vars('report_link')).toMatchObject({ [LAMBDA_ENV.uploadsBucket]: '${aws_s3_bucket.uploads_bucket.bucket}', [LAMBDA_ENV.reportLinkKeySecretArn]: linkSecret, [LAMBDA_ENV.reportLinkRedirectTtlSeconds]: '300' });
    expect(vars('upload_url')).toMatchObject({ [LAMBDA_ENV.uploadsBucket]: '${aws_s3_bucket.uploads_bucket.bucket}', [LAMBDA_ENV.vendorTokenKeySecretArn]: vendorSecret, [LAMBDA_ENV.uploadUrlTtlSeconds]: '900' });
  });

  test('every new function: Node 22, in the VPC, a duration alarm at 80 % of its timeout', () => {
    const expected = { report_link: [10, 8000], upload_url: [10, 8000], catalog_migrator: [300, 240000] };
    for (const [id, [timeout, threshold]] of Object.entries(expected)) {
      expect(r.aws_lambda_function[`${id}_function`]).toMatchObject({ runtime: 'nodejs22.x', timeout, memory_size: 256 });
      // Only the functions that use the database are in lambda-sg (5432 to rds-sg); the HTTP ones have HTTPS out only.
      const group = id === 'catalog_migrator' ? 'lambda_security_group' : 'http_lambda_security_group';
      expect(r.aws_lambda_function[`${id}_function`].vpc_config.security_group_ids).toEqual([`\${aws_security_group.${group}.id}`]);
      expect(r.aws_cloudwatch_metric_alarm[`${id}_duration_alarm`]).toMatchObject({ metric_name: 'Duration', threshold });
    }
  });

  test('catalog-migrator is invoked with the migrations, categories and vendors, again whenever they change', () => {
    const invocation = r.aws_lambda_invocation.catalog_deploy;
    expect(invocation.function_name).toBe('${aws_lambda_function.catalog_migrator_function.function_name}');
    const input = parseCatalogInput(JSON.parse(invocation.input));
    expect(input.migrations.map((m) => m.file)).toEqual(loadMigrations().map((m) => m.file));
    expect(input.categories).toEqual(CATEGORIES);
    expect(input.vendors).toEqual([{ id: 'VEND001', name: 'TechGear Supplies', email: 'uploads@techgear.example.com' }]);
    expect(invocation.triggers).toEqual({ catalog_sha256: createHash('sha256').update(invocation.input).digest('hex') });
    // After the database, the Secrets Manager endpoint and the rules that let the function reach them.
    expect(invocation.depends_on).toEqual(
      expect.arrayContaining([
        'aws_iam_role_policy.catalog_migrator_role_policy',
        'aws_db_instance.database_instance',
        'aws_vpc_endpoint.network_secretsmanager_endpoint',
        'aws_vpc_security_group_ingress_rule.database_from_lambda_security_group_ingress',
        'aws_vpc_security_group_egress_rule.database_from_lambda_security_group_egress',
        'aws_vpc_security_group_ingress_rule.network_endpoint_security_group_https_from_vpc',
        'aws_vpc_security_group_egress_rule.lambda_security_group_https_egress',
      ]),
    );
    // A new vendor in the environment changes the trigger (a re-run); the same environment gives the same one.
    const dev = loadEnvironment('dev');
    const more: Environment = { ...dev, onboarding: { ...dev.onboarding!, vendors: [...dev.onboarding!.vendors, { id: 'VEND002', name: 'Fabric & Co', email: 'feeds@fabric.example.com' }] } };
    const changed = synthOnboarding(more).resource.aws_lambda_invocation.catalog_deploy;
    expect(changed.triggers.catalog_sha256).not.toBe(invocation.triggers.catalog_sha256);
    expect(synthOnboarding('dev').resource.aws_lambda_invocation.catalog_deploy.triggers).toEqual(invocation.triggers);
  });
});

describe('onboarding stack per tier', () => {
  test('prod: Multi-AZ RDS, deletion protection, a NAT gateway per zone, three zones, longer log retention', () => {
    const r = synthOnboarding('prod').resource;
    expect(r.aws_db_instance.database_instance).toMatchObject({ multi_az: true, deletion_protection: true, instance_class: 'db.r6g.large' });
    expect(r.aws_dynamodb_table.upload_records_table).toMatchObject({ deletion_protection_enabled: true, lifecycle: { prevent_destroy: true } });
    expect(Object.keys(r.aws_nat_gateway)).toHaveLength(3);
    expect(Object.keys(r.aws_subnet).filter((s) => s.includes('private'))).toHaveLength(3);
    expect(r.aws_cloudwatch_log_group.csv_parser_log_group.retention_in_days).toBe(365);
    expect(r.aws_s3_bucket_lifecycle_configuration.uploads_lifecycle.rule.find((x: any) => x.id === 'expire-errors').expiration).toEqual([{ days: 90 }]);
  });

  test('only environments whose systems include "onboarding" get the stack', () => {
    const dev = loadEnvironment('dev');
    const off: Environment = { ...dev, systems: ['classifyhub'], onboarding: undefined };
    const stacks = addOnboardingStacks(Testing.app() as App, [off, loadEnvironment('staging')]);
    expect(stacks.map((s) => s.node.id)).toEqual(['onboarding-staging']);
    expect(() => new OnboardingStack(Testing.app() as App, 'x', { environment: off })).toThrow(/does not run "onboarding"/);
  });

  test('the real functions are wired from lambdas/onboarding/<name>/index.ts', () => {
    const root = path.resolve(__dirname, '..', '..', '..');
    expect(ONBOARDING_FUNCTIONS.map((fn) => path.relative(root, lambdaEntry(fn)))).toEqual([
      'lambdas/onboarding/csv-parser/index.ts',
      'lambdas/onboarding/product-validator/index.ts',
      'lambdas/onboarding/error-processor/index.ts',
      'lambdas/onboarding/report-link/index.ts',
      'lambdas/onboarding/upload-url/index.ts',
      'lambdas/onboarding/catalog-migrator/index.ts',
    ]);
    for (const fn of ONBOARDING_FUNCTIONS) expect(fs.existsSync(lambdaEntry(fn))).toBe(true);
    expect(ONBOARDING_SETTINGS.functions['error-processor'].timeoutSeconds * 6 + ONBOARDING_SETTINGS.errorSource.maximumBatchingWindowSeconds).toBeLessThanOrEqual(ONBOARDING_SETTINGS.validationErrorsQueue.visibilityTimeoutSeconds);
  });
});
