import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Construct } from 'constructs';
import { AssetType, TerraformAsset, TerraformResource, Token } from 'cdktf';
import { LambdaFunction as LambdaFunctionResource } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaEventSourceMapping } from '@cdktf/provider-aws/lib/lambda-event-source-mapping';
import { LambdaFunctionEventInvokeConfig } from '@cdktf/provider-aws/lib/lambda-function-event-invoke-config';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { LambdaFunctionUrl } from '@cdktf/provider-aws/lib/lambda-function-url';
import { LambdaInvocation } from '@cdktf/provider-aws/lib/lambda-invocation';
import { S3BucketNotification } from '@cdktf/provider-aws/lib/s3-bucket-notification';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { LOG_RETENTION_DAYS, PropRule, validateProps, withDefaults } from '../core/props';
import { nameTags } from '../core/tags';
import { IGrantable } from '../iam/policy';
import { actionsVerb, grantStatement } from '../iam/grant';
import { ServiceRole } from '../iam/role';
import { Bucket } from '../object-store';
import { Queue, grantOnSqsQueue } from '../queue';
import { Table } from '../table';
import { BundleOptions, LambdaBundle, bundleLambdaCached } from './bundle';
import { FUNCTION_DEFAULTS, FUNCTION_SETTINGS, LAMBDA_RUNTIMES, LambdaRuntime, QUEUE_SOURCE_DEFAULTS, STREAM_SOURCE_DEFAULTS } from './defaults';

export { bundleLambda, bundleLambdaCached, bundleCacheDir } from './bundle';
export type { BundleOptions, LambdaBundle } from './bundle';
export { deterministicZip, crc32 } from './zip';
export type { ZipCompression, ZipEntry } from './zip';
export { BUNDLE_DEFAULTS, FUNCTION_DEFAULTS, QUEUE_SOURCE_DEFAULTS, STREAM_SOURCE_DEFAULTS } from './defaults';
export type { LambdaRuntime } from './defaults';

export interface LambdaFunctionProps {
  /** Function name (1-59 characters of [A-Za-z0-9_-]; the role is `<functionName>-role`). */
  readonly functionName: string;
  /**
   * What the function does (console, `description`).
   * @default none
   */
  readonly description?: string;
  /**
   * Entry point (.ts or .js, exporting the handler) bundled with esbuild into a deterministic ZIP
   * at synth time (`bundleLambdaCached`). Absolute, or relative to the working directory.
   * @default none - then zipFile is required
   */
  readonly entry?: string;
  /**
   * Options of the esbuild bundle (with `entry`).
   * @default BUNDLE_DEFAULTS: minified, no source map, stored ZIP, pg-native external
   */
  readonly bundling?: BundleOptions;
  /**
   * A ready-made deployment package (ZIP) instead of `entry`.
   * @default none - then entry is required
   */
  readonly zipFile?: string;
  /**
   * `<file>.<export>` of the handler inside the package.
   * @default 'index.handler'
   */
  readonly handler?: string;
  /**
   * Lambda runtime.
   * @default 'nodejs22.x'
   */
  readonly runtime?: LambdaRuntime;
  /**
   * Instruction set.
   * @default 'arm64'
   */
  readonly architecture?: 'arm64' | 'x86_64';
  /**
   * Memory, MiB (128-10240; CPU grows with it).
   * @default 256
   */
  readonly memorySizeMiB?: number;
  /**
   * Timeout, seconds (1-900).
   * @default 30
   */
  readonly timeoutSeconds?: number;
  /**
   * Environment variables (names: a letter, then letters, digits, _). Values are visible to anyone
   * who can read the function's configuration: pass secret ARNs, never secret values.
   * @default none
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Private subnets the function's network interfaces go into (then `securityGroups` is required).
   * The role gets the EC2 network-interface permissions Lambda needs, scoped to these subnets and groups.
   * @default none - the function runs outside any VPC
   */
  readonly vpcSubnets?: readonly Subnet[];
  /**
   * Security groups of the function's network interfaces (with `vpcSubnets`).
   * @default none
   */
  readonly securityGroups?: readonly SecurityGroup[];
  /** Retention of the function's log group `/aws/lambda/<functionName>`, days (a value CloudWatch accepts). */
  readonly logRetentionDays: number;
  /**
   * Concurrency reserved for (and limiting) the function. Reserving takes it from the account's
   * unreserved pool, which must keep at least 100 (new accounts may have a limit of 10).
   * @default none - the function shares the account's pool
   */
  readonly reservedConcurrency?: number;
  /**
   * X-Ray tracing. 'Active' adds xray:PutTraceSegments and xray:PutTelemetryRecords (on "*": they
   * cannot be scoped) to the role.
   * @default 'Active'
   */
  readonly tracing?: 'Active' | 'PassThrough';
  /**
   * Queue receiving asynchronous invocations (S3, SNS events) that failed every retry
   * (`aws_lambda_function_event_invoke_config`); the role may send to it.
   * @default none - failed asynchronous events are dropped after the retries
   */
  readonly asyncOnFailureQueue?: SqsQueue;
  /**
   * Retries of a failed asynchronous invocation (0-2).
   * @default 2
   */
  readonly asyncRetryAttempts?: number;
  /**
   * Format of the runtime's own log lines.
   * @default 'Text'
   */
  readonly logFormat?: 'Text' | 'JSON';
}

/** Options of `LambdaFunction.addDynamoDbStreamSource`. */
export interface DynamoDbStreamSourceOptions {
  /**
   * Records per invocation (1-10000).
   * @default 100
   */
  readonly batchSize?: number;
  /**
   * Where a new mapping starts reading.
   * @default 'TRIM_HORIZON' - the oldest record the stream keeps (24 h)
   */
  readonly startingPosition?: 'TRIM_HORIZON' | 'LATEST';
  /**
   * Split a failing batch in two and retry the halves, to isolate a bad record.
   * @default true
   */
  readonly bisectBatchOnError?: boolean;
  /**
   * The handler returns `batchItemFailures` (partial batch response) and only those are retried.
   * @default true
   */
  readonly reportBatchItemFailures?: boolean;
  /**
   * Retries of a failing batch (0-10000, or -1 until the records expire).
   * @default 10000
   */
  readonly maximumRetryAttempts?: number;
  /**
   * Records older than this are sent to `onFailureQueue` instead of the function (60-604800, or -1 for no limit).
   * @default 21600 (6 hours)
   */
  readonly maximumRecordAgeSeconds?: number;
  /**
   * Concurrent batches per shard (1-10).
   * @default 1
   */
  readonly parallelizationFactor?: number;
  /**
   * Seconds to gather records before invoking (0-300).
   * @default 0
   */
  readonly maximumBatchingWindowSeconds?: number;
  /**
   * Queue receiving the description of batches that failed every retry or got too old (shard,
   * sequence numbers); the role may send to it. Strongly recommended.
   * @default none - such batches are dropped
   */
  readonly onFailureQueue?: SqsQueue;
  /**
   * Event filter patterns (objects, rendered as JSON); only matching records invoke the function,
   * e.g. `{ eventName: ['INSERT'] }`.
   * @default none - every record
   */
  readonly filterPatterns?: readonly Readonly<Record<string, unknown>>[];
}

/** Options of `LambdaFunction.addSqsSource`. */
export interface SqsSourceOptions {
  /**
   * Messages per invocation (1-10000; above 10 needs a batching window of at least 1 s).
   * @default 10
   */
  readonly batchSize?: number;
  /**
   * Seconds to gather messages before invoking (0-300).
   * @default 0
   */
  readonly maximumBatchingWindowSeconds?: number;
  /**
   * The handler returns `batchItemFailures` (partial batch response): only those return to the queue.
   * @default true
   */
  readonly reportBatchItemFailures?: boolean;
  /**
   * Most concurrent invocations from this queue (2-1000).
   * @default none - Lambda scales up to the account's concurrency
   */
  readonly maximumConcurrency?: number;
}

/** One function subscribed to a bucket's events by `BucketNotifications`. */
export interface BucketLambdaTarget {
  readonly function: LambdaFunction;
  /** S3 event types, e.g. ['s3:ObjectCreated:*']. */
  readonly events: readonly string[];
  /**
   * Only keys starting with this (e.g. "uploads/").
   * @default none - every key
   */
  readonly filterPrefix?: string;
  /**
   * Only keys ending with this (e.g. ".csv").
   * @default none - every key
   */
  readonly filterSuffix?: string;
  /**
   * Match `filterSuffix` in any letter case. S3 filters are case-sensitive, so the bucket gets one
   * configuration per spelling (".csv", ".csV", … ".CSV": 2^letters of them, at most 8 letters).
   * @default false
   */
  readonly ignoreSuffixCase?: boolean;
}

/** Every upper/lower-case spelling of a suffix (".csv" → 8 spellings), in a stable order. */
export function suffixSpellings(suffix: string): string[] {
  let out = [''];
  for (const ch of suffix) {
    const lower = ch.toLowerCase();
    const upper = ch.toUpperCase();
    out = lower === upper ? out.map((s) => s + ch) : out.flatMap((s) => [s + lower, s + upper]);
  }
  return out;
}

export interface BucketNotificationsProps {
  /** The bucket whose events invoke the functions. */
  readonly bucket: Bucket;
  /** 12-digit account owning the bucket: the invoke permission names it (aws:SourceAccount), so a bucket of the same name in another account cannot invoke. */
  readonly bucketOwnerAccountId: string;
  /** Functions invoked and the events each receives. */
  readonly lambdaTargets: readonly BucketLambdaTarget[];
}

const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,59}$/;
const ENV_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
/** Variables the Lambda runtime reserves. */
const RESERVED_ENV = new Set(['_HANDLER', '_X_AMZN_TRACE_ID', 'AWS_DEFAULT_REGION', 'AWS_REGION', 'AWS_EXECUTION_ENV', 'AWS_LAMBDA_FUNCTION_NAME', 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_LAMBDA_INITIALIZATION_TYPE', 'AWS_LAMBDA_LOG_GROUP_NAME', 'AWS_LAMBDA_LOG_STREAM_NAME', 'AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR']);
const isWhole = (n: number | undefined, min: number, max: number): boolean => n !== undefined && Number.isInteger(n) && n >= min && n <= max;

/** One stream a function reads (`addDynamoDbStreamSource`); alarms watch its iterator age. */
export interface FunctionStreamSource {
  /** The table whose stream invokes the function. */
  readonly table: Table;
  /** Records older than this go to the on-failure queue (-1: no limit). */
  readonly maximumRecordAgeSeconds: number;
  /** Where failed batches go, if anywhere. */
  readonly onFailureQueue?: SqsQueue;
}

/**
 * A Node.js Lambda function: bundled from its entry with esbuild into a deterministic ZIP
 * (a `TerraformAsset` whose path carries the ZIP's SHA-256), its log group created up front with
 * retention, and an execution role that may write only to that log group (no logs:CreateLogGroup,
 * no "*" resources) plus, in a VPC, the network-interface permissions Lambda needs, scoped to
 * the function's subnets and security groups. Other modules grant access to `fn.role`; event
 * sources are added with `addDynamoDbStreamSource` / `addSqsSource`, S3 events with `BucketNotifications`.
 */
export class LambdaFunction extends Construct {
  readonly function: LambdaFunctionResource;
  readonly role: ServiceRole;
  readonly logGroup: CloudwatchLogGroup;
  readonly functionName: string;
  /** The bundle (with `entry`), for reports and tests. */
  readonly bundle?: LambdaBundle;
  /** Timeout, seconds (event sources check it against their queue). */
  readonly timeoutSeconds: number;
  /** Streams the function reads, in the order added (alarms use them). */
  readonly streamSources: FunctionStreamSource[] = [];
  /** Queues the function consumes, in the order added. */
  readonly queueSources: Queue[] = [];
  /** Where failed asynchronous invocations go (`asyncOnFailureQueue`), if anywhere. */
  readonly asyncOnFailureQueue?: SqsQueue;
  private readonly sources = new Set<string>();
  /** The URL of `addPublicUrl` (a Terraform reference), if it was called. */
  publicUrl?: string;

  constructor(scope: Construct, id: string, props: LambdaFunctionProps) {
    super(scope, id);
    const p = withDefaults(FUNCTION_DEFAULTS, props);
    const env = p.environment ?? {};
    const view = { ...p, vpcSubnets: p.vpcSubnets?.map((s) => s.node.path), securityGroups: p.securityGroups?.map((s) => s.node.path), asyncOnFailureQueue: p.asyncOnFailureQueue?.node.path };
    const rules: PropRule<typeof view>[] = [
      { field: 'functionName', valid: (x) => FUNCTION_NAME.test(x.functionName), expected: '1-59 characters of [A-Za-z0-9_-] (the role "<functionName>-role" must fit 64)' },
      { field: 'entry', valid: (x) => (x.entry === undefined) !== (x.zipFile === undefined), expected: 'exactly one of entry (bundled with esbuild) and zipFile (a ready-made package)' },
      { field: 'handler', valid: (x) => /^[A-Za-z0-9_/.-]+\.[A-Za-z_$][A-Za-z0-9_$]*$/.test(x.handler), expected: 'a handler such as "index.handler" (<file>.<export>)' },
      { field: 'runtime', valid: (x) => (LAMBDA_RUNTIMES as readonly string[]).includes(x.runtime), expected: `one of ${LAMBDA_RUNTIMES.join(', ')}` },
      { field: 'architecture', valid: (x) => ['arm64', 'x86_64'].includes(x.architecture), expected: "'arm64' or 'x86_64'" },
      { field: 'memorySizeMiB', valid: (x) => isWhole(x.memorySizeMiB, FUNCTION_SETTINGS.minMemoryMiB, FUNCTION_SETTINGS.maxMemoryMiB), expected: `a whole number from ${FUNCTION_SETTINGS.minMemoryMiB} to ${FUNCTION_SETTINGS.maxMemoryMiB}` },
      { field: 'timeoutSeconds', valid: (x) => isWhole(x.timeoutSeconds, 1, FUNCTION_SETTINGS.maxTimeoutSeconds), expected: `a whole number from 1 to ${FUNCTION_SETTINGS.maxTimeoutSeconds}` },
      { field: 'environment', valid: () => Object.keys(env).every((k) => ENV_NAME.test(k) && !RESERVED_ENV.has(k)), expected: `variable names of a letter, then letters, digits or _, none reserved by Lambda (not: ${Object.keys(env).filter((k) => !ENV_NAME.test(k) || RESERVED_ENV.has(k)).join(', ')})` },
      { field: 'vpcSubnets', valid: (x) => (x.vpcSubnets === undefined) === (x.securityGroups === undefined), expected: 'vpcSubnets and securityGroups together (or neither)' },
      { field: 'vpcSubnets', valid: (x) => x.vpcSubnets === undefined || (x.vpcSubnets.length >= 1 && x.vpcSubnets.length <= 16), expected: '1 to 16 subnets' },
      { field: 'securityGroups', valid: (x) => x.securityGroups === undefined || (x.securityGroups.length >= 1 && x.securityGroups.length <= 5), expected: '1 to 5 security groups' },
      { field: 'logRetentionDays', valid: (x) => (LOG_RETENTION_DAYS as readonly number[]).includes(x.logRetentionDays), expected: `one of ${LOG_RETENTION_DAYS.join(', ')}` },
      { field: 'reservedConcurrency', valid: (x) => x.reservedConcurrency === undefined || isWhole(x.reservedConcurrency, 1, 10_000), expected: 'a whole number from 1 (0 would disable the function)' },
      { field: 'tracing', valid: (x) => ['Active', 'PassThrough'].includes(x.tracing), expected: "'Active' or 'PassThrough'" },
      { field: 'asyncRetryAttempts', valid: (x) => isWhole(x.asyncRetryAttempts, 0, 2), expected: 'a whole number from 0 to 2' },
      { field: 'logFormat', valid: (x) => ['Text', 'JSON'].includes(x.logFormat), expected: "'Text' or 'JSON'" },
    ];
    validateProps('LambdaFunction', view, rules);
    this.functionName = p.functionName;
    this.timeoutSeconds = p.timeoutSeconds;

    let zipFile: string;
    let sourceCodeHash: string;
    let assetHash: string;
    if (p.entry !== undefined) {
      this.bundle = bundleLambdaCached(p.entry, p.bundling ?? {});
      zipFile = this.bundle.zipPath;
      sourceCodeHash = this.bundle.sha256Base64;
      assetHash = this.bundle.sha256Hex;
    } else {
      const data = readZip(p.zipFile!);
      zipFile = data.path;
      sourceCodeHash = data.sha256Base64;
      assetHash = data.sha256Hex;
    }
    // The asset folder name carries the ZIP's SHA-256, so the path changes exactly when the code does.
    const code = new TerraformAsset(this, 'code', { path: zipFile, type: AssetType.FILE, assetHash: assetHash.slice(0, 32) });

    const logGroupName = `/aws/lambda/${p.functionName}`;
    this.logGroup = new CloudwatchLogGroup(this, 'log_group', {
      name: logGroupName,
      retentionInDays: p.logRetentionDays,
      tags: nameTags(logGroupName),
    });
    this.role = new ServiceRole(this, 'role', {
      roleName: `${p.functionName}-role`,
      assumedBy: FUNCTION_SETTINGS.principal,
      description: `Execution role of the Lambda function ${p.functionName}`,
    });
    this.role.addToPolicy({
      sid: 'WriteOwnLogGroup',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [`${this.logGroup.arn}:*`],
    });
    if (p.vpcSubnets && p.securityGroups) {
      // The function's network interfaces: this account (the subnet's owner), and the subnets' region when
      // their zone is known at synth time. (No Terraform string literals here: the policy stays parseable JSON.)
      const interfaces = `arn:aws:ec2:${regionOf(p.vpcSubnets)}:${p.vpcSubnets[0].ownerId}:network-interface/*`;
      this.role.addToPolicy({
        sid: 'CreateNetworkInterfacesInOwnSubnets',
        actions: ['ec2:CreateNetworkInterface'],
        resources: [interfaces, ...p.vpcSubnets.map((s) => s.arn), ...p.securityGroups.map((g) => g.arn)],
      });
      this.role.addToPolicy({
        sid: 'ManageNetworkInterfaces',
        actions: ['ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
        resources: [interfaces],
      });
      this.role.addToPolicy({
        sid: 'DescribeNetworkUnscopable',
        actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'],
        resources: ['*'],
      });
    }
    if (p.tracing === 'Active') {
      this.role.addToPolicy({ sid: 'WriteTracesUnscopable', actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] });
    }
    this.asyncOnFailureQueue = p.asyncOnFailureQueue;
    if (p.asyncOnFailureQueue) grantOnSqsQueue(this.role, p.asyncOnFailureQueue, p.asyncOnFailureQueue, 'SendAsyncFailuresTo', 'sqs:SendMessage');

    const variables = { ...env, ...(p.bundling?.sourceMap ? { NODE_OPTIONS: '--enable-source-maps' } : {}) };
    this.function = new LambdaFunctionResource(this, 'function', {
      functionName: p.functionName,
      description: p.description,
      role: this.role.roleArn,
      filename: code.path,
      sourceCodeHash,
      handler: p.handler,
      runtime: p.runtime,
      architectures: [p.architecture],
      memorySize: p.memorySizeMiB,
      timeout: p.timeoutSeconds,
      reservedConcurrentExecutions: p.reservedConcurrency,
      environment: Object.keys(variables).length ? { variables } : undefined,
      vpcConfig: p.vpcSubnets && p.securityGroups ? { subnetIds: p.vpcSubnets.map((s) => s.id), securityGroupIds: p.securityGroups.map((g) => g.id) } : undefined,
      tracingConfig: { mode: p.tracing },
      loggingConfig: { logFormat: p.logFormat, logGroup: this.logGroup.name },
      // Lambda checks the network-interface permissions when it creates the function.
      dependsOn: [this.rolePolicy()],
      tags: nameTags(p.functionName),
    });
    if (p.asyncOnFailureQueue || p.asyncRetryAttempts !== FUNCTION_DEFAULTS.asyncRetryAttempts) {
      new LambdaFunctionEventInvokeConfig(this, 'async_invoke_config', {
        functionName: this.function.functionName,
        maximumRetryAttempts: p.asyncRetryAttempts,
        destinationConfig: p.asyncOnFailureQueue ? { onFailure: { destination: p.asyncOnFailureQueue.arn } } : undefined,
        dependsOn: [this.rolePolicy()],
      });
    }
  }

  get functionArn(): string {
    return this.function.arn;
  }

  /**
   * Lets the grantee perform `actions` (e.g. 'lambda:GetFunction') on the function; the statement id
   * is the actions' names followed by the function's construct path.
   */
  grant(grantee: IGrantable, ...actions: string[]): void {
    grantStatement(grantee, { verb: actionsVerb(actions), resource: this, actions, resources: [this.function.arn] });
  }

  /** Lets the grantee invoke the function (sid `Invoke<path>`). */
  grantInvoke(grantee: IGrantable): void {
    grantStatement(grantee, { verb: 'Invoke', resource: this, actions: ['lambda:InvokeFunction'], resources: [this.function.arn] });
  }

  /**
   * Lets an AWS service invoke the function for one source (a resource-based policy statement,
   * `aws_lambda_permission.<scope path>_<id>`): `principal` e.g. "s3.amazonaws.com", limited to
   * `sourceArn` in `sourceAccount`. The permission is created in `scope`, so its address belongs
   * to the construct that wires the source (e.g. `BucketNotifications`).
   */
  grantInvokeToService(scope: Construct, id: string, options: { readonly principal: string; readonly sourceArn: string; readonly sourceAccount: string; readonly statementId: string }): LambdaPermission {
    return new LambdaPermission(scope, id, {
      statementId: options.statementId,
      action: 'lambda:InvokeFunction',
      functionName: this.function.functionName,
      principal: options.principal,
      sourceArn: options.sourceArn,
      sourceAccount: options.sourceAccount,
    });
  }

  /**
   * A public HTTPS endpoint for the function (`aws_lambda_function_url.<id>_url`, auth type NONE) and the
   * resource-based statements Lambda requires for it: lambda:InvokeFunctionUrl for anyone, limited to
   * URL calls of auth type NONE (`aws_lambda_permission.<id>_url_permission`), and, since October 2025,
   * lambda:InvokeFunction (`aws_lambda_permission.<id>_url_invoke_permission`). Provider 5.x cannot add the
   * `lambda:InvokedViaFunctionUrl` condition to the second one, so the function must authenticate every
   * event itself (a direct Invoke gets the same answer as the URL). Callable once; returns the URL.
   */
  addPublicUrl(options: { readonly corsAllowedOrigins?: readonly string[]; readonly corsAllowedMethods?: readonly string[] } = {}): string {
    if (this.publicUrl) throw new Error(`LambdaFunction ${this.node.path}: addPublicUrl was already called`);
    const permissions = [
      new LambdaPermission(this, 'url_permission', {
        statementId: 'AllowPublicFunctionUrl',
        action: 'lambda:InvokeFunctionUrl',
        functionName: this.function.functionName,
        principal: '*',
        functionUrlAuthType: 'NONE',
      }),
      new LambdaPermission(this, 'url_invoke_permission', {
        statementId: 'AllowPublicFunctionUrlInvoke',
        action: 'lambda:InvokeFunction',
        functionName: this.function.functionName,
        principal: '*',
      }),
    ];
    const url = new LambdaFunctionUrl(this, 'url', {
      functionName: this.function.functionName,
      authorizationType: 'NONE',
      cors: options.corsAllowedOrigins?.length
        ? { allowOrigins: [...options.corsAllowedOrigins], allowMethods: [...(options.corsAllowedMethods ?? ['GET'])], allowHeaders: ['authorization', 'content-type'], maxAge: 3600 }
        : undefined,
      dependsOn: permissions,
    });
    this.publicUrl = url.functionUrl;
    return this.publicUrl;
  }

  /**
   * Invokes the function once at apply time with `input` (JSON), and again whenever a value of `triggers`
   * changes (`aws_lambda_invocation.<id>`, e.g. a migration run keyed by the migrations' hash). The apply
   * fails when the function returns an error. The invocation is created in `scope` under `id`.
   */
  invokeOnChange(scope: Construct, id: string, options: { readonly input: string; readonly triggers: Readonly<Record<string, string>>; readonly dependsOn?: readonly TerraformResource[] }): LambdaInvocation {
    validateProps('LambdaFunction.invokeOnChange', options, [
      { field: 'input', valid: (x) => isJsonObject(x.input), expected: 'a JSON object' },
      { field: 'input', valid: (x) => Buffer.byteLength(x.input) <= 6 * 1024 * 1024, expected: 'at most 6 MB (the synchronous invocation payload limit)' },
      { field: 'triggers', valid: (x) => Object.keys(x.triggers).length >= 1, expected: 'at least one trigger value' },
    ]);
    return new LambdaInvocation(scope, id, {
      functionName: this.function.functionName,
      input: options.input,
      triggers: { ...options.triggers },
      dependsOn: [this.rolePolicy(), ...(options.dependsOn ?? [])],
    });
  }

  /**
   * Invokes the function with batches of the table's stream
   * (`aws_lambda_event_source_mapping.<function id>_<table id>_stream_source`) and grants the role
   * the stream reads (and sending to `onFailureQueue`).
   */
  addDynamoDbStreamSource(table: Table, options: DynamoDbStreamSourceOptions = {}): LambdaEventSourceMapping {
    const o = withDefaults(STREAM_SOURCE_DEFAULTS, options);
    const view = { ...o, table: table.node.path, onFailureQueue: o.onFailureQueue?.node.path };
    validateProps('LambdaFunction.addDynamoDbStreamSource', view, [
      { field: 'table', valid: () => table.streamArn !== undefined, expected: 'a table with a stream (Table prop streamViewType)' },
      { field: 'table', valid: () => !this.sources.has(`stream:${table.node.path}`), expected: 'a table not already a source of this function' },
      { field: 'batchSize', valid: (x) => isWhole(x.batchSize, 1, 10_000), expected: 'a whole number from 1 to 10000' },
      { field: 'startingPosition', valid: (x) => ['TRIM_HORIZON', 'LATEST'].includes(x.startingPosition), expected: "'TRIM_HORIZON' or 'LATEST'" },
      { field: 'maximumRetryAttempts', valid: (x) => isWhole(x.maximumRetryAttempts, -1, 10_000), expected: 'a whole number from -1 (until expiry) to 10000' },
      { field: 'maximumRecordAgeSeconds', valid: (x) => x.maximumRecordAgeSeconds === -1 || isWhole(x.maximumRecordAgeSeconds, 60, 604_800), expected: '-1 (no limit) or a whole number from 60 to 604800' },
      { field: 'parallelizationFactor', valid: (x) => isWhole(x.parallelizationFactor, 1, 10), expected: 'a whole number from 1 to 10' },
      { field: 'maximumBatchingWindowSeconds', valid: (x) => isWhole(x.maximumBatchingWindowSeconds, 0, 300), expected: 'a whole number from 0 to 300' },
      { field: 'filterPatterns', valid: (x) => (x.filterPatterns ?? []).length <= 5, expected: 'at most 5 patterns' },
    ]);
    this.sources.add(`stream:${table.node.path}`);
    this.streamSources.push({ table, maximumRecordAgeSeconds: o.maximumRecordAgeSeconds, onFailureQueue: o.onFailureQueue });
    table.grantStreamRead(this.role);
    if (o.onFailureQueue) grantOnSqsQueue(this.role, o.onFailureQueue, o.onFailureQueue, 'SendStreamFailuresTo', 'sqs:SendMessage');
    return new LambdaEventSourceMapping(this, `${table.node.id}_stream_source`, {
      functionName: this.function.arn,
      eventSourceArn: table.streamArn!,
      startingPosition: o.startingPosition,
      batchSize: o.batchSize,
      maximumBatchingWindowInSeconds: o.maximumBatchingWindowSeconds,
      parallelizationFactor: o.parallelizationFactor,
      bisectBatchOnFunctionError: o.bisectBatchOnError,
      maximumRetryAttempts: o.maximumRetryAttempts,
      maximumRecordAgeInSeconds: o.maximumRecordAgeSeconds,
      functionResponseTypes: o.reportBatchItemFailures ? ['ReportBatchItemFailures'] : [],
      destinationConfig: o.onFailureQueue ? { onFailure: { destinationArn: o.onFailureQueue.arn } } : undefined,
      filterCriteria: o.filterPatterns?.length ? { filter: o.filterPatterns.map((pattern) => ({ pattern: JSON.stringify(pattern) })) } : undefined,
      // Lambda checks the stream permissions when it creates the mapping.
      dependsOn: [this.rolePolicy()],
    });
  }

  /**
   * Invokes the function with batches of the queue's messages
   * (`aws_lambda_event_source_mapping.<function id>_<queue id>_queue_source`) and grants the role
   * what Lambda's poller needs: sqs:ReceiveMessage, sqs:DeleteMessage, sqs:GetQueueAttributes on that queue.
   * Refuses a function timeout longer than the queue's visibility timeout.
   */
  addSqsSource(queue: Queue, options: SqsSourceOptions = {}): LambdaEventSourceMapping {
    const o = withDefaults(QUEUE_SOURCE_DEFAULTS, options);
    const visibility = queue.queue.visibilityTimeoutSecondsInput;
    const view = { ...o, queue: queue.node.path, timeoutSeconds: this.timeoutSeconds, visibilityTimeoutSeconds: visibility };
    validateProps('LambdaFunction.addSqsSource', view, [
      { field: 'queue', valid: () => !this.sources.has(`queue:${queue.node.path}`), expected: 'a queue not already a source of this function' },
      { field: 'batchSize', valid: (x) => isWhole(x.batchSize, 1, 10_000), expected: 'a whole number from 1 to 10000' },
      { field: 'maximumBatchingWindowSeconds', valid: (x) => isWhole(x.maximumBatchingWindowSeconds, 0, 300), expected: 'a whole number from 0 to 300' },
      { field: 'batchSize', valid: (x) => x.batchSize <= 10 || x.maximumBatchingWindowSeconds >= 1, expected: 'at most 10 without a batching window (maximumBatchingWindowSeconds >= 1)' },
      { field: 'maximumConcurrency', valid: (x) => x.maximumConcurrency === undefined || isWhole(x.maximumConcurrency, 2, 1000), expected: 'a whole number from 2 to 1000' },
      {
        field: 'timeoutSeconds',
        valid: (x) => x.visibilityTimeoutSeconds === undefined || Token.isUnresolved(x.visibilityTimeoutSeconds) || x.timeoutSeconds <= x.visibilityTimeoutSeconds,
        expected: `at most the queue's visibility timeout (${visibility} s): otherwise a message becomes visible again while the function still works on it`,
      },
    ]);
    this.sources.add(`queue:${queue.node.path}`);
    this.queueSources.push(queue);
    queue.grantPoll(this.role);
    return new LambdaEventSourceMapping(this, `${queue.node.id}_queue_source`, {
      functionName: this.function.arn,
      eventSourceArn: queue.queue.arn,
      batchSize: o.batchSize,
      maximumBatchingWindowInSeconds: o.maximumBatchingWindowSeconds,
      functionResponseTypes: o.reportBatchItemFailures ? ['ReportBatchItemFailures'] : [],
      scalingConfig: o.maximumConcurrency !== undefined ? { maximumConcurrency: o.maximumConcurrency } : undefined,
      dependsOn: [this.rolePolicy()],
    });
  }

  /** The role's inline policy resource (it exists: the constructor always grants the log group). */
  private rolePolicy(): TerraformResource {
    return this.role.node.findChild('policy') as TerraformResource;
  }
}

/**
 * S3 event notifications of one bucket to Lambda functions: one
 * `aws_s3_bucket_notification.<id>_notification` (S3 keeps a single notification configuration
 * per bucket, so every function triggered by the bucket goes here) and one
 * `aws_lambda_permission.<id>_<function id>_permission` per function, limited to this bucket
 * and its owner account.
 */
export class BucketNotifications extends Construct {
  readonly notification: S3BucketNotification;
  readonly permissions: readonly LambdaPermission[];

  constructor(scope: Construct, id: string, props: BucketNotificationsProps) {
    super(scope, id);
    const view = { ...props, bucket: props.bucket.node.path, lambdaTargets: props.lambdaTargets.map((t) => ({ ...t, function: t.function.node.path })) };
    const ids = props.lambdaTargets.map((t) => t.function.node.id);
    validateProps('BucketNotifications', view, [
      { field: 'bucketOwnerAccountId', valid: (x) => Token.isUnresolved(x.bucketOwnerAccountId) || /^\d{12}$/.test(x.bucketOwnerAccountId), expected: 'a 12-digit AWS account id' },
      { field: 'lambdaTargets', valid: (x) => x.lambdaTargets.length >= 1, expected: 'at least one function' },
      { field: 'lambdaTargets', valid: () => new Set(ids).size === ids.length, expected: 'each function once (give one function several event types instead)' },
      { field: 'lambdaTargets', valid: (x) => x.lambdaTargets.every((t) => !t.ignoreSuffixCase || (!!t.filterSuffix && [...t.filterSuffix].filter((c) => c.toLowerCase() !== c.toUpperCase()).length <= 8)), expected: 'ignoreSuffixCase only with a filterSuffix of at most 8 letters' },
      { field: 'lambdaTargets', valid: (x) => x.lambdaTargets.every((t) => t.events.length >= 1 && t.events.every((e) => /^s3:[A-Za-z]+(:[A-Za-z*]+)?$/.test(e))), expected: "event types such as 's3:ObjectCreated:*'" },
    ]);
    const permissions = props.lambdaTargets.map((t) =>
      t.function.grantInvokeToService(this, `${t.function.node.id}_permission`, {
        statementId: 'AllowS3Invoke',
        principal: 's3.amazonaws.com',
        sourceArn: props.bucket.bucketArn,
        sourceAccount: props.bucketOwnerAccountId,
      }),
    );
    this.permissions = permissions;
    this.notification = new S3BucketNotification(this, 'notification', {
      bucket: props.bucket.bucket.id,
      lambdaFunction: props.lambdaTargets.flatMap((t) =>
        t.ignoreSuffixCase && t.filterSuffix
          ? suffixSpellings(t.filterSuffix).map((suffix, i) => ({
              id: i === 0 ? t.function.functionName : `${t.function.functionName}-${i}`,
              lambdaFunctionArn: t.function.functionArn,
              events: [...t.events],
              filterPrefix: t.filterPrefix,
              filterSuffix: suffix,
            }))
          : [{ id: t.function.functionName, lambdaFunctionArn: t.function.functionArn, events: [...t.events], filterPrefix: t.filterPrefix, filterSuffix: t.filterSuffix }],
      ),
      // S3 sends a test event when the configuration is saved: the permissions must exist first.
      dependsOn: permissions,
    });
  }
}

/** Whether `text` is a JSON object (not an array, null or a scalar). */
function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value);
  } catch {
    return false;
  }
}

/** Region of subnets whose zones are literal (us-east-1a -> us-east-1), or "*" when a zone is only known at apply time. */
function regionOf(subnets: readonly Subnet[]): string {
  const regions = new Set(subnets.map((s) => s.availabilityZoneInput).map((z) => (z !== undefined && !Token.isUnresolved(z) && /^[a-z]{2}(-[a-z]+)+-\d+[a-z]$/.test(z) ? z.replace(/[a-z]$/, '') : '*')));
  return regions.size === 1 ? [...regions][0] : '*';
}

function readZip(file: string): { path: string; sha256Hex: string; sha256Base64: string } {
  const absolute = path.resolve(file);
  if (!fs.existsSync(absolute)) throw new Error(`LambdaFunction: zipFile ${JSON.stringify(file)} does not exist (resolved to ${absolute})`);
  const digest = createHash('sha256').update(fs.readFileSync(absolute)).digest();
  return { path: absolute, sha256Hex: digest.toString('hex'), sha256Base64: digest.toString('base64') };
}
