/**
 * The vendor upload path (issue 14): upload-url's pure core, its handler, and the presigned PUT
 * against a real S3 emulator (s3rver): a vendor's URL writes uploads/<its own id>/<file>.
 * s3rver accepts any SigV4 signature (its v4 check is unimplemented), so that the signature pins the
 * key is shown by an independent SigV4 query-signature check below (AWS's documented algorithm,
 * written here with node:crypto): it accepts the URL as issued and rejects it with another vendor's key.
 */
import { createHash, createHmac } from 'node:crypto';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { issueUploadUrl, uploadKeyFor } from '../../../lambdas/onboarding/upload-url/core';
import { createPresignClient, createUploadUrlHandler, presignPut } from '../../../lambdas/onboarding/upload-url/handler';
import { issueVendorToken, REPORT_LINK_AUDIENCE, signToken, VENDOR_UPLOAD_AUDIENCE } from '../../../lambdas/onboarding/shared/tokens';
import { LOCAL_CREDENTIALS, LOCAL_REGION, localS3Client, startS3rver, type LocalServer } from '../../support/local-aws';

process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
const BUCKET = 'onboarding-test-uploads';
const KEY = new TextEncoder().encode('k'.repeat(40));
const OTHER_KEY = new TextEncoder().encode('o'.repeat(40));
const NOW = new Date('2026-12-01T10:00:00Z');

let s3rver: LocalServer;
let s3: S3Client;
beforeAll(async () => {
  s3rver = await startS3rver([BUCKET]);
  s3 = localS3Client(s3rver.endpoint);
});
afterAll(async () => s3rver?.stop());

const rfc3986 = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Verifies a presigned SigV4 URL (query auth, signed header host, UNSIGNED-PAYLOAD) as S3 would. */
function sigV4QueryValid(method: string, presigned: string, secretAccessKey: string): boolean {
  const url = new URL(presigned);
  const q = url.searchParams;
  const [, date, region, service] = /^[^/]+\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request$/.exec(q.get('X-Amz-Credential') ?? '') ?? [];
  if (!date || q.get('X-Amz-SignedHeaders') !== 'host') return false;
  const query = [...q.entries()].filter(([k]) => k !== 'X-Amz-Signature').map(([k, v]) => [rfc3986(k), rfc3986(v)]).sort(([a], [b]) => (a! < b! ? -1 : a! > b! ? 1 : 0));
  const canonical = [method, url.pathname, query.map(([k, v]) => `${k}=${v}`).join('&'), `host:${url.host}\n`, 'host', 'UNSIGNED-PAYLOAD'].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', q.get('X-Amz-Date'), scope, createHash('sha256').update(canonical).digest('hex')].join('\n');
  const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data).digest();
  const signingKey = [date, region!, service!, 'aws4_request'].reduce<Buffer | string>((k, part) => hmac(k, part), `AWS4${secretAccessKey}`);
  return hmac(signingKey, toSign).toString('hex') === q.get('X-Amz-Signature');
}

/** The client upload-url signs with, pointed at s3rver. */
const signer = (): S3Client =>
  new S3Client({ endpoint: s3rver.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED' });

async function request(token: string | undefined, body: unknown, now: Date = NOW) {
  return issueUploadUrl(
    { method: 'POST', authorization: token === undefined ? undefined : `Bearer ${token}`, body: typeof body === 'string' ? body : JSON.stringify(body) },
    { key: KEY, presignPut: (k, ttl) => presignPut(signer(), BUCKET, k, ttl), expiresInSeconds: 900, now: () => now },
  );
}

describe('uploadKeyFor (pure core)', () => {
  test('the key is built from the token vendor only', () => {
    expect(uploadKeyFor('VEND001', { file_name: 'products.csv' })).toEqual({ ok: true, key: 'uploads/VEND001/products.csv' });
    expect(uploadKeyFor('VEND001', { vendor_id: 'VEND001', file_name: 'Spring 2026.CSV' })).toEqual({ ok: true, key: 'uploads/VEND001/Spring 2026.CSV' });
  });

  test('refuses another vendor, and file names that leave the folder', () => {
    expect(uploadKeyFor('VEND001', { vendor_id: 'VEND002', file_name: 'products.csv' })).toEqual({
      ok: false,
      status: 403,
      error: 'vendor_id "VEND002" is not the vendor of the token (VEND001): a vendor uploads to its own folder only',
    });
    for (const name of ['../VEND002/products.csv', 'VEND002/products.csv', '..csv', 'a\u0000.csv', 'products.txt', '', `${'a'.repeat(200)}.csv`, 42]) {
      const res = uploadKeyFor('VEND001', { file_name: name });
      expect({ name, ok: res.ok, status: res.ok ? 200 : res.status }).toEqual({ name, ok: false, status: 400 });
    }
    expect(uploadKeyFor('../x', { file_name: 'a.csv' })).toMatchObject({ ok: false, status: 403 });
  });
});

describe('issueUploadUrl', () => {
  test('a valid vendor token gets a presigned PUT that writes its own folder (s3rver)', async () => {
    const res = await request(await issueVendorToken(KEY, 'VEND001', 3600, NOW), { file_name: 'products.csv' });
    expect(res.statusCode).toBe(200);
    const body = JSON.parse(res.body!) as { method: string; url: string; key: string; expires_at: string };
    expect(body).toMatchObject({ method: 'PUT', key: 'uploads/VEND001/products.csv', expires_at: '2026-12-01T10:15:00.000Z' });
    const url = new URL(body.url);
    expect(url.pathname).toBe(`/${BUCKET}/uploads/VEND001/products.csv`);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    // No signed checksum of an empty body (the vendor's file would be refused).
    expect([...url.searchParams.keys()].filter((k) => k.toLowerCase().includes('checksum'))).toEqual([]);
  });

  test('the URL cannot be pointed at another vendor: the signature covers the key; the signed URL uploads (s3rver)', async () => {
    const res = await request(await issueVendorToken(KEY, 'VEND001', 3600, new Date()), { file_name: 'catalog.csv' }, new Date());
    const { url } = JSON.parse(res.body!) as { url: string };
    const csv = 'sku,product_name\nSKU-1,Cable\n';
    const forged = url.replace('/uploads/VEND001/', '/uploads/VEND002/');
    expect(forged).not.toBe(url);
    expect(sigV4QueryValid('PUT', url, LOCAL_CREDENTIALS.secretAccessKey)).toBe(true);
    expect(sigV4QueryValid('PUT', forged, LOCAL_CREDENTIALS.secretAccessKey)).toBe(false);
    expect(sigV4QueryValid('PUT', url.replace('catalog.csv', 'other.csv'), LOCAL_CREDENTIALS.secretAccessKey)).toBe(false);
    expect(sigV4QueryValid('GET', url, LOCAL_CREDENTIALS.secretAccessKey)).toBe(false);
    const put = await fetch(url, { method: 'PUT', body: csv });
    expect(put.status).toBe(200);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'uploads/' }));
    expect((listed.Contents ?? []).map((o) => o.Key)).toEqual(['uploads/VEND001/catalog.csv']);
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'uploads/VEND001/catalog.csv' }));
    expect(await got.Body!.transformToString()).toBe(csv);
  });

  test('refusals: no token, bad token, expired, wrong audience, another vendor, bad body, wrong method', async () => {
    const token = await issueVendorToken(KEY, 'VEND001', 3600, NOW);
    const cases: Array<[string, Awaited<ReturnType<typeof request>>, number, RegExp]> = [
      ['no token', await request(undefined, { file_name: 'a.csv' }), 401, /missing "Authorization: Bearer <vendor token>" header/],
      ['other key', await request(await issueVendorToken(OTHER_KEY, 'VEND001', 3600, NOW), { file_name: 'a.csv' }), 401, /token signature or format invalid/],
      ['tampered', await request(`${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`, { file_name: 'a.csv' }), 401, /token signature or format invalid/],
      ['expired', await request(token, { file_name: 'a.csv' }, new Date(NOW.getTime() + 3601_000)), 401, /token expired/],
      ['link token', await request(await signToken(KEY, { subject: 'VEND001', audience: REPORT_LINK_AUDIENCE, expiresAt: new Date(NOW.getTime() + 60_000), now: NOW }), { file_name: 'a.csv' }), 401, /claim "aud"/],
      ['other vendor', await request(token, { vendor_id: 'VEND002', file_name: 'a.csv' }), 403, /not the vendor of the token/],
      ['bad json', await request(token, '{file_name:'), 400, /the body must be JSON/],
      ['bad name', await request(token, { file_name: '../VEND002/a.csv' }), 400, /file_name must be a plain file name .*got "\.\.\/VEND002\/a\.csv"/],
    ];
    for (const [name, res, status, error] of cases) {
      expect({ name, status: res.statusCode, contentType: res.headers['content-type'] }).toEqual({ name, status, contentType: 'application/json' });
      expect({ name, error: (JSON.parse(res.body!) as { error: string }).error }).toEqual({ name, error: expect.stringMatching(error) });
    }
    const get = await issueUploadUrl({ method: 'GET', body: '' }, { key: KEY, presignPut: async () => 'x', expiresInSeconds: 900 });
    expect([get.statusCode, get.headers.allow]).toEqual([405, 'POST']);
    const noKey = await issueUploadUrl({ method: 'POST', authorization: `Bearer ${token}`, body: '{}' }, { key: undefined, presignPut: async () => 'x', expiresInSeconds: 900 });
    expect(noKey.statusCode).toBe(401);
    expect(VENDOR_UPLOAD_AUDIENCE).toBe('onboarding-vendor-upload');
  });

  test('the handler reads a function URL event (header, base64 body) and signs with its own client', async () => {
    const handler = createUploadUrlHandler(() => ({ s3: signer(), bucket: BUCKET, keys: { get: async () => KEY }, expiresInSeconds: 600 }));
    const token = await issueVendorToken(KEY, 'VEND001', 600);
    const res = await handler({
      rawPath: '/',
      headers: { authorization: `Bearer ${token}` },
      body: Buffer.from(JSON.stringify({ file_name: 'b.csv' })).toString('base64'),
      isBase64Encoded: true,
      requestContext: { http: { method: 'POST' } },
    });
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body!)).toMatchObject({ key: 'uploads/VEND001/b.csv' });
    // The deployed client: path style only on request, no default checksums in presigned URLs.
    const deployed = createPresignClient({ S3_FORCE_PATH_STYLE: 'true' });
    expect(await deployed.config.requestChecksumCalculation()).toBe('WHEN_REQUIRED');
    expect(deployed.config.forcePathStyle).toBe(true);
  });
});

describe('onboarding:vendor-token (the operator\'s token command)', () => {
  test('issues a token upload-url accepts, for the days asked; refuses bad arguments naming them', async () => {
    const { main } = await import('../../../lambdas/onboarding/upload-url/issue-token');
    const value = 'k'.repeat(40);
    const token = await main(['VEND001', '--days', '7'], { VENDOR_TOKEN_KEY: value });
    const res = await issueUploadUrl({ method: 'POST', authorization: `Bearer ${token}`, body: '{"file_name":"a.csv"}' }, { key: KEY, presignPut: async (k) => `https://signed/${k}`, expiresInSeconds: 900 });
    expect(JSON.parse(res.body!)).toMatchObject({ key: 'uploads/VEND001/a.csv', url: 'https://signed/uploads/VEND001/a.csv' });
    const late = await issueUploadUrl({ method: 'POST', authorization: `Bearer ${token}`, body: '{"file_name":"a.csv"}' }, { key: KEY, presignPut: async (k) => k, expiresInSeconds: 900, now: () => new Date(Date.now() + 7 * 86_400_000 + 60_000) });
    expect(late.statusCode).toBe(401);
    await expect(main(['../x'], { VENDOR_TOKEN_KEY: value })).rejects.toThrow('vendor_id is 1-50 letters, digits, "_" or "-", got "../x"');
    await expect(main(['VEND001', '--days', '0'], { VENDOR_TOKEN_KEY: value })).rejects.toThrow('--days must be a whole number from 1 to 365, got "0"');
    await expect(main(['VEND001'], { VENDOR_TOKEN_KEY: 'short' })).rejects.toThrow('VENDOR_TOKEN_KEY: a signing key needs at least 32 characters, got 5');
    await expect(main(['VEND001'], {})).rejects.toThrow(/set VENDOR_TOKEN_KEY .* or VENDOR_TOKEN_KEY_SECRET_ARN/);
  });
});
