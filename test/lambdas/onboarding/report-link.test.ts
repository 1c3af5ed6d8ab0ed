/**
 * The 7-day error-report link (issue 14): report-link's core and handler, with the redirect followed
 * to a real S3 emulator (s3rver), and the error processor's link maker with its key store
 * (Secrets Manager through aws-sdk-client-mock: no local Secrets Manager exists).
 */
import { GetSecretValueCommand, PutSecretValueCommand, ResourceExistsException, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { mockClient } from 'aws-sdk-client-mock';
import { keyOfPath, makeReportLink, pathOfKey, resolveReportLink } from '../../../lambdas/onboarding/report-link/core';
import { createReportLinkHandler } from '../../../lambdas/onboarding/report-link/handler';
import { reportLinkFromEnv } from '../../../lambdas/onboarding/error-processor/handler';
import { issueVendorToken, SigningKeyStore } from '../../../lambdas/onboarding/shared/tokens';
import { localS3Client, startS3rver, type LocalServer } from '../../support/local-aws';

process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
const BUCKET = 'onboarding-test-reports';
const KEY = new TextEncoder().encode('r'.repeat(48));
const BASE = 'https://abc123.lambda-url.us-east-1.on.aws/';
const REPORT = 'errors/VEND001/upl-1_errors.csv';
const ISSUED = new Date('2026-12-01T10:00:00Z');
const SEVEN_DAYS_MS = 7 * 24 * 3600_000;

let s3rver: LocalServer;
let s3: S3Client;
beforeAll(async () => {
  s3rver = await startS3rver([BUCKET]);
  s3 = localS3Client(s3rver.endpoint);
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: REPORT, Body: 'row_number,error_type\n2,INVALID_PRICE\n' }));
});
afterAll(async () => s3rver?.stop());

/** The link's path and token, as the function URL hands them to the function. */
function parts(link: string): { path: string; token: string } {
  const url = new URL(link);
  return { path: url.pathname, token: url.searchParams.get('t')! };
}

const deps = (now: Date) => ({
  key: KEY,
  presignGet: (objectKey: string, expiresIn: number) => getSignedUrl(s3, new GetObjectCommand({ Bucket: BUCKET, Key: objectKey }), { expiresIn }),
  redirectTtlSeconds: 300,
  now: () => now,
});

async function open(link: string, now: Date, method = 'GET') {
  return resolveReportLink({ method, ...parts(link) }, deps(now));
}

const errorOf = (res: { body?: string }): string => (JSON.parse(res.body!) as { error: string }).error;

describe('report link', () => {
  test('a valid token redirects (302) to a fresh short-lived presigned GET of its report, for the full 7 days', async () => {
    const link = await makeReportLink(KEY, BASE, REPORT, new Date(ISSUED.getTime() + SEVEN_DAYS_MS), ISSUED);
    expect(link.startsWith(`${BASE}errors/VEND001/upl-1_errors.csv?t=`)).toBe(true);
    for (const after of [0, 1, SEVEN_DAYS_MS - 1000]) {
      const res = await open(link, new Date(ISSUED.getTime() + after));
      expect({ after, status: res.statusCode }).toEqual({ after, status: 302 });
      const location = new URL(res.headers.location!);
      expect(location.pathname).toBe(`/${BUCKET}/${REPORT}`);
      expect(location.searchParams.get('X-Amz-Expires')).toBe('300');
      expect(res.headers['cache-control']).toBe('no-store');
    }
    // Followed: the report itself.
    const res = await open(link, new Date());
    const got = await fetch(res.headers.location!);
    expect([got.status, await got.text()]).toEqual([200, 'row_number,error_type\n2,INVALID_PRICE\n']);
  });

  test('expired, tampered, missing and foreign tokens get 403 with a JSON error', async () => {
    const link = await makeReportLink(KEY, BASE, REPORT, new Date(ISSUED.getTime() + SEVEN_DAYS_MS), ISSUED);
    const { path, token } = parts(link);
    const [header, payload, signature] = token.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), sub: 'errors/VEND002/upl-9_errors.csv' })).toString('base64url');
    const other = await makeReportLink(KEY, BASE, 'errors/VEND002/upl-9_errors.csv', new Date(ISSUED.getTime() + SEVEN_DAYS_MS), ISSUED);
    const now = new Date(ISSUED.getTime() + 60_000);
    const cases: Array<[string, { path: string; token?: string }, Date, RegExp]> = [
      ['expired', { path, token }, new Date(ISSUED.getTime() + SEVEN_DAYS_MS + 1000), /^token expired$/],
      ['tampered signature', { path, token: `${header}.${payload}.${signature!.slice(0, -3)}${signature!.endsWith('AAA') ? 'BBB' : 'AAA'}` }, now, /^token signature or format invalid$/],
      ['tampered payload', { path, token: `${header}.${forgedPayload}.${signature}` }, now, /^token signature or format invalid$/],
      ['other key signed it', { path, token: parts(await makeReportLink(new TextEncoder().encode('x'.repeat(48)), BASE, REPORT, new Date(now.getTime() + 1000), now)).token }, now, /^token signature or format invalid$/],
      ['token of another report', { path, token: parts(other).token }, now, /^the token was issued for another report$/],
      ['no token', { path }, now, /no token/],
      ['vendor token as link', { path, token: await issueVendorToken(KEY, REPORT, 3600, now) }, now, /claim "aud"/],
      ['outside errors/', { path: pathOfKey('uploads/VEND001/products.csv'), token: parts(await makeReportLink(KEY, BASE, 'uploads/VEND001/products.csv', new Date(now.getTime() + 1000), now)).token }, now, /does not name an error report/],
      ['traversal', { path: '/errors/VEND001/../../uploads/x.csv', token }, now, /does not name an error report/],
    ];
    for (const [name, req, at, error] of cases) {
      const res = await resolveReportLink({ method: 'GET', ...req }, deps(at));
      expect({ name, status: res.statusCode, type: res.headers['content-type'], location: res.headers.location }).toEqual({ name, status: 403, type: 'application/json', location: undefined });
      expect({ name, error: errorOf(res) }).toEqual({ name, error: expect.stringMatching(error) });
    }
    const post = await open(link, now, 'POST');
    expect([post.statusCode, post.headers.allow]).toEqual([405, 'GET, HEAD']);
  });

  test('paths and keys round-trip, with encoding', () => {
    const key = 'errors/VEND 1/upl-1_errors.csv';
    expect(pathOfKey(key)).toBe('/errors/VEND%201/upl-1_errors.csv');
    expect(keyOfPath(pathOfKey(key))).toBe(key);
    for (const bad of ['errors/x', '/errors//x', '/errors/%2F/x', '/errors/%E0%A4%A/x']) expect({ bad, key: keyOfPath(bad) }).toEqual({ bad, key: undefined });
  });

  test('the handler answers a function URL event; an empty key secret refuses every link', async () => {
    const link = await makeReportLink(KEY, BASE, REPORT, new Date(Date.now() + 60_000));
    const { path, token } = parts(link);
    const event = { rawPath: path, queryStringParameters: { t: token }, requestContext: { http: { method: 'GET' } } };
    const handler = createReportLinkHandler(() => ({ s3, bucket: BUCKET, keys: { get: async () => KEY }, redirectTtlSeconds: 120 }));
    const res = await handler(event);
    expect(res.statusCode).toBe(302);
    expect(new URL(res.headers.location!).searchParams.get('X-Amz-Expires')).toBe('120');
    const empty = createReportLinkHandler(() => ({ s3, bucket: BUCKET, keys: { get: async () => undefined }, redirectTtlSeconds: 120 }));
    expect((await empty(event)).statusCode).toBe(403);
  });
});

describe('signing keys (Secrets Manager mocked)', () => {
  const sm = mockClient(SecretsManagerClient);
  afterEach(() => sm.reset());
  const notFound = () => new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT", $metadata: {} });

  test('the signer creates the key on first use; a racing writer loses and both use the winner', async () => {
    const winner = 'w'.repeat(64);
    sm.on(GetSecretValueCommand).rejectsOnce(notFound()).resolves({ SecretString: winner });
    sm.on(PutSecretValueCommand).rejects(new ResourceExistsException({ message: 'exists', $metadata: {} }));
    const store = new SigningKeyStore(new SecretsManagerClient({ region: 'us-east-1' }), 'arn:secret', { initialize: true });
    expect(new TextDecoder().decode(await store.get())).toBe(winner);
    const put = sm.commandCalls(PutSecretValueCommand)[0]!.args[0].input;
    expect(put.ClientRequestToken).toBe('onboarding-initial-signing-key-v0001');
    expect(put.SecretString!.length).toBeGreaterThanOrEqual(32);
    // Cached: no further reads.
    await store.get();
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  test('a reader does not create it; a short key is refused with its length', async () => {
    sm.on(GetSecretValueCommand).rejects(notFound());
    const reader = new SigningKeyStore(new SecretsManagerClient({ region: 'us-east-1' }), 'arn:secret', { initialize: false });
    expect(await reader.get()).toBeUndefined();
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(0);
    sm.reset();
    sm.on(GetSecretValueCommand).resolves({ SecretString: 'short' });
    await expect(new SigningKeyStore(new SecretsManagerClient({ region: 'us-east-1' }), 'arn:s2').get()).rejects.toThrow('secret arn:s2: a signing key needs at least 32 characters, got 5');
  });

  test('the error processor links through report-link when both settings are set', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: new TextDecoder().decode(KEY) });
    expect(reportLinkFromEnv({})).toBeUndefined();
    expect(() => reportLinkFromEnv({ REPORT_LINK_BASE_URL: BASE })).toThrow('REPORT_LINK_BASE_URL and REPORT_LINK_KEY_SECRET_ARN go together, got only REPORT_LINK_BASE_URL');
    const maker = reportLinkFromEnv({ REPORT_LINK_BASE_URL: BASE, REPORT_LINK_KEY_SECRET_ARN: 'arn:link' })!;
    const expiresAt = new Date(Date.now() + SEVEN_DAYS_MS);
    const link = await maker({ bucket: BUCKET, key: REPORT, uploadId: 'upl-1', vendorId: 'VEND001', expiresAt });
    const res = await resolveReportLink({ method: 'GET', ...parts(link) }, deps(new Date(expiresAt.getTime() - 1000)));
    expect(res.statusCode).toBe(302);
    expect(new URL(res.headers.location!).pathname).toBe(`/${BUCKET}/${REPORT}`);
  });
});
