/**
 * report-link Lambda behind a function URL: checks the link's token and redirects to a fresh
 * presigned GET (core.ts). Settings: UPLOADS_BUCKET, REPORT_LINK_KEY_SECRET_ARN,
 * REPORT_LINK_REDIRECT_TTL_SECONDS (default 300).
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { createS3Client } from '../../lib/aws';
import { createObservability } from '../../lib/observability';
import { readConfig } from '../shared/config';
import { methodOf, type FunctionUrlEvent, type HttpResponse } from '../shared/http';
import { SigningKeyStore } from '../shared/tokens';
import { resolveReportLink } from './core';

export interface ReportLinkRuntime {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly keys: Pick<SigningKeyStore, 'get'>;
  readonly redirectTtlSeconds: number;
  readonly now?: () => Date;
}

export function reportLinkRuntimeFromEnv(env: NodeJS.ProcessEnv = process.env): ReportLinkRuntime {
  const config = readConfig(env, ['uploadsBucket', 'reportLinkKeySecretArn']);
  return {
    s3: createS3Client(),
    bucket: config.uploadsBucket,
    keys: new SigningKeyStore(new SecretsManagerClient({}), config.reportLinkKeySecretArn, { initialize: false }),
    redirectTtlSeconds: config.reportLinkRedirectTtlSeconds,
  };
}

export function createReportLinkHandler(init: () => ReportLinkRuntime = () => reportLinkRuntimeFromEnv()) {
  const { logger } = createObservability('report-link');
  let runtime: ReportLinkRuntime | undefined;
  return async (event: FunctionUrlEvent): Promise<HttpResponse> => {
    runtime ??= init();
    const rt = runtime;
    const res = await resolveReportLink(
      { method: methodOf(event), path: event.rawPath ?? '', token: event.queryStringParameters?.t },
      {
        key: await rt.keys.get(),
        presignGet: (objectKey, expiresIn) => getSignedUrl(rt.s3, new GetObjectCommand({ Bucket: rt.bucket, Key: objectKey }), { expiresIn }),
        redirectTtlSeconds: rt.redirectTtlSeconds,
        now: rt.now,
      },
    );
    // The path names the report, never the token: log it, and why a link was refused.
    logger.info('report link', { path: event.rawPath, status: res.statusCode, ...(res.statusCode !== 302 && res.body ? { error: (JSON.parse(res.body) as { error: string }).error } : {}) });
    return res;
  };
}
