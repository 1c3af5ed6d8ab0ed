import * as path from 'node:path';
import type { Environment } from '../../environments/lib/schema';

/** The Lambda functions of the system, by their folder under lambdas/ingestion/. */
export const INGESTION_FUNCTIONS = ['e1-consumer', 'l1-exporter', 'replicator'] as const;
export type IngestionFunctionName = (typeof INGESTION_FUNCTIONS)[number];

/** What each function is, and where it runs (region 2 runs a second E1 on R1). */
export const FUNCTION_TABLE: Readonly<Record<IngestionFunctionName, { readonly seed: string; readonly description: string; readonly memorySizeMiB: number; readonly timeoutSeconds: number }>> = {
  'e1-consumer': { seed: 'E1', description: 'Kinesis stream -> DynamoDB events table, idempotent on the envelope id (seed 003 E1)', memorySizeMiB: 512, timeoutSeconds: 60 },
  'l1-exporter': { seed: 'L1', description: 'Events table stream -> S1 export objects, in the VPC (seed 003 L1)', memorySizeMiB: 256, timeoutSeconds: 60 },
  replicator: { seed: 'D1-D4 -> R1', description: 'Enhanced fan-out consumer copying the stream to region 2 (R1), with a checkpoint', memorySizeMiB: 512, timeoutSeconds: 60 },
};

export const LAMBDAS_DIR = path.resolve(__dirname, '..', '..', 'lambdas', 'ingestion');
export const TEMPLATES_DIR = path.resolve(__dirname, 'templates');

export function lambdaEntry(fn: IngestionFunctionName): string {
  return path.join(LAMBDAS_DIR, fn, 'index.ts');
}

/** "e1-consumer" -> "e1_consumer". */
export function functionId(fn: IngestionFunctionName): string {
  return fn.replace(/-/g, '_');
}

/** Every AWS name of the system, from the environment; region 2's names end in "-r2". */
export function ingestionNames(env: Pick<Environment, 'name' | 'account'>) {
  const prefix = `ingestion-${env.name}`;
  const regional = (region2: boolean) => {
    const p = region2 ? `${prefix}-r2` : prefix;
    return {
      prefix: p,
      /** Seed K (D1-D4 are its shards) / R1 in region 2. */
      stream: `${p}-events`,
      /** Seed D5. */
      eventsTable: `${p}-events`,
      failureQueue: `${p}-e1-failures`,
      functionName: (fn: IngestionFunctionName) => `${p}-${fn}`,
      keyAlias: `alias/${p}`,
    };
  };
  return {
    prefix,
    stack: prefix,
    primary: regional(false),
    region2: regional(true),
    /** Seed S1 (L1, F1, EC2 write it). */
    exportBucket: `${prefix}-s1-exports-${env.account.id}`,
    /** Seed R2 (every record, Firehose). */
    retentionBucket: `${prefix}-r2-retention-${env.account.id}`,
    /** Seed S2 (region 2: R1's records and S1's objects). */
    replicaBucket: `${prefix}-s2-replica-${env.account.id}`,
    retentionDelivery: `${prefix}-r2-retention`,
    replicaDelivery: `${prefix}-s2-from-r1`,
    checkpointTable: `${prefix}-replicator-checkpoints`,
    replicationRole: `${prefix}-s1-to-s2-replication`,
    apiName: `${prefix}-api`,
    apiRole: `${prefix}-api-kinesis`,
    fanOutConsumer: `${prefix}-replicator`,
    repository: `${prefix}/worker`,
    cluster: prefix,
    summarizerService: 'f1-summarizer',
    summarizerLogGroup: `/ecs/${prefix}/f1-summarizer`,
    instanceGroup: `${prefix}-ec2-reports`,
    lambdaSecurityGroup: `${prefix}-l1`,
    endpointSecurityGroup: `${prefix}-execute-api`,
    webAcl: `${prefix}-alb`,
    metricsNamespace: 'Ingestion',
  } as const;
}

export type IngestionNames = ReturnType<typeof ingestionNames>;
