/**
 * The worker image's two modes, over the pure cores (core.ts, reader.ts, reports.ts):
 *  - `summarize` (F1, the Fargate service): D5's stream -> per-minute summaries in S1 `summaries/`, checkpoints
 *    per stream shard in the checkpoint table (keys `f1/...`).
 *  - `serve` (the EC2 instance behind the ALB, port 8080): GET /reports/health, GET /reports/summaries/<key>,
 *    POST /reports `{keys, name?}` -> a merged report written to S1 `reports/`.
 * Configuration from the environment: EVENTS_STREAM_ARN, EXPORT_BUCKET, CHECKPOINT_TABLE (summarize); EXPORT_BUCKET,
 * PORT (serve); AWS_REGION. Local servers through the SDK's AWS_ENDPOINT_URL_<SERVICE> variables.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createS3Client, documentClient } from '../../lib/aws';
import { DynamoCheckpointStore, type CheckpointStore } from '../shared/checkpoints';
import { ENV, requireEnv } from '../shared/config';
import { insertedEvents } from '../shared/items';
import { summarize } from './core';
import { StreamReader, type StreamsApi, type StreamsPage } from './reader';
import { mergeSummaries, parseReportRequest, parseSummary, reportKey } from './reports';
import { sdkStreamsApi } from './streams-api';

export const WORKER_ENV = { streamArn: 'EVENTS_STREAM_ARN', port: 'PORT' } as const;
export const DEFAULT_PORT = 8080;

export interface Log {
  info(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** One JSON line per entry on stdout (the awslogs driver ships it to CloudWatch Logs). */
export const jsonLog: Log = {
  info: (message, fields) => process.stdout.write(`${JSON.stringify({ level: 'INFO', message, ...fields })}\n`),
  error: (message, fields) => process.stdout.write(`${JSON.stringify({ level: 'ERROR', message, ...fields })}\n`),
};

/** Writes one page's summaries to S1 (the same page writes the same keys: a replay overwrites). */
export async function writeSummaries(s3: S3Client, bucket: string, records: StreamsPage['records']): Promise<number> {
  const summaries = summarize(insertedEvents(records));
  for (const s of summaries) {
    const { key, ...body } = s;
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(body), ContentType: 'application/json' }));
  }
  return summaries.length;
}

export interface SummarizerDeps {
  readonly api: StreamsApi;
  readonly s3: S3Client;
  readonly bucket: string;
  readonly streamArn: string;
  readonly checkpoints: CheckpointStore;
  readonly idleMs?: number;
  readonly log?: Log;
}

export function createSummarizer(d: SummarizerDeps): StreamReader {
  const log = d.log ?? jsonLog;
  return new StreamReader({
    api: d.api,
    streamArn: d.streamArn,
    checkpoints: d.checkpoints,
    idleMs: d.idleMs,
    handle: async (shardId, records) => {
      const objects = await writeSummaries(d.s3, d.bucket, records);
      log.info('page summarized', { shardId, records: records.length, objects });
    },
    onError: (e) => log.error('pass failed, retrying', { error: e.message }),
  });
}

export interface ReportServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function startReportServer(d: { s3: S3Client; bucket: string; port?: number; host?: string; log?: Log }): Promise<ReportServer> {
  const log = d.log ?? jsonLog;
  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const readSummary = async (key: string) => {
    try {
      const res = await d.s3.send(new GetObjectCommand({ Bucket: d.bucket, Key: key }));
      return parseSummary(key, await res.Body!.transformToString());
    } catch (e) {
      if ((e as Error).name === 'NoSuchKey') return undefined;
      throw e;
    }
  };
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://worker').pathname;
    if (req.method === 'GET' && path === '/reports/health') return send(res, 200, { status: 'ok' });
    if (req.method === 'GET' && path.startsWith('/reports/summaries/')) {
      const key = decodeURIComponent(path.slice('/reports/'.length));
      const check = parseReportRequest({ keys: [key] });
      if (!check.ok) return send(res, 400, { error: 'bad_request', message: check.message.replace('keys[0]', 'path') });
      const summary = await readSummary(key);
      return summary ? send(res, 200, summary) : send(res, 404, { error: 'not_found', message: `no summary ${key}` });
    }
    if (path === '/reports' && req.method === 'POST') {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch (e) {
        return send(res, 400, { error: 'bad_request', message: `body is not JSON (${(e as Error).message})` });
      }
      const request = parseReportRequest(body);
      if (!request.ok) return send(res, 400, { error: 'bad_request', message: request.message });
      const sources: { key: string; summary: ReturnType<typeof parseSummary> }[] = [];
      for (const key of request.value.keys) {
        const summary = await readSummary(key);
        if (!summary) return send(res, 404, { error: 'not_found', message: `no summary ${key}` });
        sources.push({ key, summary });
      }
      const report = mergeSummaries(sources);
      const key = reportKey(request.value);
      await d.s3.send(new PutObjectCommand({ Bucket: d.bucket, Key: key, Body: JSON.stringify(report), ContentType: 'application/json' }));
      log.info('report written', { key, events: report.events });
      return send(res, 201, { key, report });
    }
    return send(res, 404, { error: 'not_found', message: `${req.method} ${path}: routes are GET /reports/health, GET /reports/summaries/<key>, POST /reports` });
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: Error) => {
      log.error('request failed', { error: e.message });
      send(res, 502, { error: 'upstream', message: e.message });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(d.port ?? DEFAULT_PORT, d.host ?? '0.0.0.0', () => resolve());
  });
  const { port, address } = server.address() as AddressInfo;
  return {
    url: `http://${address === '0.0.0.0' ? '127.0.0.1' : address}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface RunningWorker {
  /** serve: the server's URL. */
  readonly url?: string;
  stop(): Promise<void>;
}

export const COMMANDS = ['summarize', 'serve'] as const;

/** Starts a mode from the environment; throws naming a missing variable or an unknown command. */
export async function startWorker(command: string | undefined, env: NodeJS.ProcessEnv, o: { host?: string; log?: Log } = {}): Promise<RunningWorker> {
  if (command === 'summarize') {
    const ddb = new DynamoDBClient({});
    const reader = createSummarizer({
      api: sdkStreamsApi(new DynamoDBStreamsClient({})),
      s3: createS3Client(),
      bucket: requireEnv(env, ENV.exportBucket),
      streamArn: requireEnv(env, WORKER_ENV.streamArn),
      checkpoints: new DynamoCheckpointStore(documentClient(ddb), requireEnv(env, ENV.checkpointTable)),
      log: o.log,
    });
    reader.start();
    return { stop: () => reader.stop() };
  }
  if (command === 'serve') {
    const raw = env[WORKER_ENV.port];
    const port = raw === undefined || raw === '' ? DEFAULT_PORT : Number(raw);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`environment variable ${WORKER_ENV.port} must be a port number (received ${JSON.stringify(raw)})`);
    const server = await startReportServer({ s3: createS3Client(), bucket: requireEnv(env, ENV.exportBucket), port, host: o.host, log: o.log });
    return { url: server.url, stop: () => server.close() };
  }
  throw new Error(`unknown command ${JSON.stringify(command)}: expected one of ${COMMANDS.join(', ')}`);
}
