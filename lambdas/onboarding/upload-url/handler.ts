/**
 * upload-url Lambda behind a function URL: a vendor token in, a presigned PUT for the vendor's
 * own folder out (core.ts). Settings: UPLOADS_BUCKET, VENDOR_TOKEN_KEY_SECRET_ARN,
 * UPLOAD_URL_TTL_SECONDS (default 900).
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { createObservability } from '../../lib/observability';
import { readConfig } from '../shared/config';
import { bodyOf, methodOf, type FunctionUrlEvent, type HttpResponse } from '../shared/http';
import { SigningKeyStore } from '../shared/tokens';
import { issueUploadUrl } from './core';

export interface UploadUrlRuntime {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly keys: Pick<SigningKeyStore, 'get'>;
  readonly expiresInSeconds: number;
  readonly now?: () => Date;
}

export function uploadUrlRuntimeFromEnv(env: NodeJS.ProcessEnv = process.env): UploadUrlRuntime {
  const config = readConfig(env, ['uploadsBucket', 'vendorTokenKeySecretArn']);
  return {
    s3: createPresignClient(env),
    bucket: config.uploadsBucket,
    keys: new SigningKeyStore(new SecretsManagerClient({}), config.vendorTokenKeySecretArn, { initialize: false }),
    expiresInSeconds: config.uploadUrlTtlSeconds,
  };
}

/**
 * The S3 client that signs: no default CRC32 checksum parameters in the URL (the SDK would sign the
 * checksum of an empty body, and the vendor's real file would then be refused).
 */
export function createPresignClient(env: NodeJS.ProcessEnv = process.env): S3Client {
  return new S3Client({ forcePathStyle: env.S3_FORCE_PATH_STYLE === 'true', requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
}

/** A presigned PUT of one key; the signature covers the key, so the URL writes that object only. */
export function presignPut(s3: S3Client, bucket: string, objectKey: string, expiresIn: number): Promise<string> {
  return getSignedUrl(s3, new PutObjectCommand({ Bucket: bucket, Key: objectKey }), { expiresIn });
}

export function createUploadUrlHandler(init: () => UploadUrlRuntime = () => uploadUrlRuntimeFromEnv()) {
  const { logger } = createObservability('upload-url');
  let runtime: UploadUrlRuntime | undefined;
  return async (event: FunctionUrlEvent): Promise<HttpResponse> => {
    runtime ??= init();
    const rt = runtime;
    const res = await issueUploadUrl(
      { method: methodOf(event), authorization: event.headers?.authorization ?? event.headers?.Authorization, body: bodyOf(event) },
      { key: await rt.keys.get(), presignPut: (objectKey, expiresIn) => presignPut(rt.s3, rt.bucket, objectKey, expiresIn), expiresInSeconds: rt.expiresInSeconds, now: rt.now },
    );
    const detail = res.statusCode === 200 ? { key: (JSON.parse(res.body!) as { key: string }).key } : { error: (JSON.parse(res.body ?? '{}') as { error?: string }).error };
    logger.info('upload url', { status: res.statusCode, ...detail });
    return res;
  };
}
