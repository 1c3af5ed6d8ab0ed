/**
 * Signed tokens of the onboarding system (jose, HS256), and their keys in Secrets Manager.
 *
 * Two keys, two audiences, never mixed:
 * - the report-link key: the error processor signs a token naming one error report
 *   (`sub` = its S3 key, `aud` = REPORT_LINK_AUDIENCE, `exp` = 7 days); the report-link function
 *   checks it and redirects to a fresh short-lived presigned GET;
 * - the vendor key: whoever authenticates vendors (the vendor portal, or an operator with
 *   `issueVendorToken`) signs a token naming one vendor (`sub` = vendor_id, `aud` =
 *   VENDOR_UPLOAD_AUDIENCE); the upload-url function turns it into a presigned PUT under
 *   uploads/<that vendor>/ only.
 *
 * A key is the UTF-8 bytes of the secret's string value (at least MIN_KEY_CHARS characters).
 */
import { randomBytes } from 'node:crypto';
import { GetSecretValueCommand, PutSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';

export const REPORT_LINK_AUDIENCE = 'onboarding-report-link';
export const VENDOR_UPLOAD_AUDIENCE = 'onboarding-vendor-upload';
/** 32 characters = 256 bits of base64url: HS256's key size. */
export const MIN_KEY_CHARS = 32;
/** Fixed request token of the first value, so two cold starts racing to create it create one. */
const INITIAL_VERSION_TOKEN = 'onboarding-initial-signing-key-v0001';
const KEY_CACHE_MS = 3600_000;

/** The key bytes of a secret value; refuses one too short to be an HS256 key. */
export function keyFromSecretValue(value: string, where: string): Uint8Array {
  if (value.length < MIN_KEY_CHARS) throw new Error(`${where}: a signing key needs at least ${MIN_KEY_CHARS} characters, got ${value.length}`);
  return new TextEncoder().encode(value);
}

/** A fresh random key value (48 bytes, base64url: 64 characters). */
export const newKeyValue = (): string => randomBytes(48).toString('base64url');

const isNotFound = (e: unknown): boolean => (e as { name?: string }).name === 'ResourceNotFoundException';
const isExists = (e: unknown): boolean => (e as { name?: string }).name === 'ResourceExistsException';

/**
 * Reads a signing key from Secrets Manager (cached for an hour). A secret without a value yet
 * gives `undefined`, or, with `initialize`, gets a random value first (PutSecretValue with a fixed
 * request token: of two racing writers, one value wins and both read it back).
 */
export class SigningKeyStore {
  private cached?: { key: Uint8Array; at: number };

  constructor(
    private readonly client: SecretsManagerClient,
    private readonly secretArn: string,
    private readonly options: { readonly initialize: boolean; readonly now?: () => number } = { initialize: false },
  ) {}

  async get(): Promise<Uint8Array | undefined> {
    const now = (this.options.now ?? Date.now)();
    if (this.cached && now - this.cached.at < KEY_CACHE_MS) return this.cached.key;
    let value = await this.read();
    if (value === undefined && this.options.initialize) {
      try {
        await this.client.send(new PutSecretValueCommand({ SecretId: this.secretArn, ClientRequestToken: INITIAL_VERSION_TOKEN, SecretString: newKeyValue() }));
      } catch (e) {
        if (!isExists(e)) throw e;
      }
      value = await this.read();
    }
    if (value === undefined) return undefined;
    const key = keyFromSecretValue(value, `secret ${this.secretArn}`);
    this.cached = { key, at: now };
    return key;
  }

  private async read(): Promise<string | undefined> {
    try {
      const res = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretArn }));
      return res.SecretString;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }
}

/** Why a token was refused (for the JSON error body; never the token itself). */
export type TokenCheck = { readonly ok: true; readonly subject: string; readonly expiresAt: Date } | { readonly ok: false; readonly reason: string };

/** Signs a token for `subject` and `audience`, valid until `expiresAt`. */
export async function signToken(key: Uint8Array, options: { readonly subject: string; readonly audience: string; readonly expiresAt: Date; readonly now?: Date }): Promise<string> {
  const now = options.now ?? new Date();
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.subject)
    .setAudience(options.audience)
    .setIssuedAt(Math.floor(now.getTime() / 1000))
    .setExpirationTime(Math.floor(options.expiresAt.getTime() / 1000))
    .sign(key);
}

/** Checks signature (HS256 only), audience and expiry; a token needs `sub` and `exp`. */
export async function verifyToken(key: Uint8Array, token: string, audience: string, now: Date = new Date()): Promise<TokenCheck> {
  try {
    const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], audience, currentDate: now, requiredClaims: ['sub', 'exp'] });
    return { ok: true, subject: payload.sub!, expiresAt: new Date(payload.exp! * 1000) };
  } catch (e) {
    if (e instanceof joseErrors.JWTExpired) return { ok: false, reason: 'token expired' };
    if (e instanceof joseErrors.JWTClaimValidationFailed) return { ok: false, reason: `token claim "${e.claim}" ${e.reason}` };
    return { ok: false, reason: 'token signature or format invalid' };
  }
}

/** A vendor's upload token (what the vendor portal, or an operator, hands to a vendor). */
export function issueVendorToken(key: Uint8Array, vendorId: string, ttlSeconds: number, now: Date = new Date()): Promise<string> {
  return signToken(key, { subject: vendorId, audience: VENDOR_UPLOAD_AUDIENCE, expiresAt: new Date(now.getTime() + ttlSeconds * 1000), now });
}
