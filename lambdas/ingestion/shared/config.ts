/** Environment variables of the ingestion functions (set by systems/ingestion/stack.ts). */
export const ENV = {
  /** D5: the events table E1 writes. */
  eventsTable: 'EVENTS_TABLE',
  /** SQS queue of records E1 cannot parse (the on-failure destination). */
  failureQueueUrl: 'FAILURE_QUEUE_URL',
  /** S1: the bucket L1 (and F1, EC2) write. */
  exportBucket: 'EXPORT_BUCKET',
  /** Replicator: the stream in region 2 (R1), its region, and the checkpoint table. */
  targetStreamName: 'TARGET_STREAM_NAME',
  targetRegion: 'TARGET_REGION',
  checkpointTable: 'CHECKPOINT_TABLE',
} as const;

export function requireEnv(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`environment variable ${name} is not set (received ${JSON.stringify(value)})`);
  return value;
}
