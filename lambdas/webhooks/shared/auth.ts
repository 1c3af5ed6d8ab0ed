/**
 * Bearer JWTs (jose): HS256 with the key ring from Secrets Manager (`kid` header picks the key, so tokens of the
 * previous key verify during rotation) or, when an issuer's JWKS URL is configured, that issuer's keys. Claims: `sub`
 * (client id), `role` (admin | publisher | reader), `iss`, `aud`, `exp`.
 */
import { SignJWT, jwtVerify, createRemoteJWKSet, errors as joseErrors, type JWTVerifyGetKey } from 'jose';
import { currentKey, keyById, type Keyring } from './keyring';
import { ROLES, ROUTES, allows, type Role } from './routes';
import { unauthorized } from './errors';

export interface Principal {
  readonly sub: string;
  readonly role: Role;
}

export interface TokenSettings {
  readonly issuer: string;
  readonly audience: string;
}

export type KeySource = { readonly kind: 'keyring'; readonly ring: () => Promise<Keyring> } | { readonly kind: 'jwks'; readonly url: string };

const jwksCache = new Map<string, JWTVerifyGetKey>();

/** Verifies "Bearer <jwt>" (or the bare token); 401 with the reason otherwise. */
export async function verifyToken(header: string | undefined, keys: KeySource, settings: TokenSettings, nowMs = Date.now()): Promise<Principal> {
  if (!header) throw unauthorized('Authorization: received nothing; expected "Bearer <JWT>"');
  const token = header.replace(/^Bearer\s+/i, '').trim();
  if (!/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token)) throw unauthorized('Authorization: not a JWT');
  let getKey: JWTVerifyGetKey;
  if (keys.kind === 'jwks') {
    getKey = jwksCache.get(keys.url) ?? createRemoteJWKSet(new URL(keys.url));
    jwksCache.set(keys.url, getKey);
  } else {
    const ring = await keys.ring();
    getKey = async (h) => {
      const k = h.kid ? keyById(ring, h.kid) : undefined;
      if (!k) throw unauthorized(`token: key id ${JSON.stringify(h.kid)} is not known`);
      return Buffer.from(k.key, 'base64');
    };
  }
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, getKey, {
      issuer: settings.issuer,
      audience: settings.audience,
      algorithms: keys.kind === 'keyring' ? ['HS256'] : ['RS256', 'ES256', 'PS256', 'EdDSA'],
      currentDate: new Date(nowMs),
      requiredClaims: ['sub', 'exp'],
    }));
  } catch (e) {
    if (e instanceof Error && e.name === 'ApiError') throw e;
    const reason = e instanceof joseErrors.JWTExpired ? 'token expired' : e instanceof joseErrors.JWTClaimValidationFailed ? `claim ${e.claim} ${e.reason}` : 'signature or format invalid';
    throw unauthorized(`token: ${reason}`);
  }
  const role = payload.role;
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) throw unauthorized(`token: claim role received ${JSON.stringify(role)}; expected one of ${ROLES.join(', ')}`);
  return { sub: String(payload.sub), role: role as Role };
}

/** Issues an HS256 token with the ring's current key (local mode, tests, and operators holding the secret). */
export async function issueToken(ring: Keyring, principal: Principal, settings: TokenSettings, ttlSeconds = 3600, nowMs = Date.now()): Promise<string> {
  const k = currentKey(ring);
  const now = Math.floor(nowMs / 1000);
  return new SignJWT({ role: principal.role })
    .setProtectedHeader({ alg: 'HS256', kid: k.kid, typ: 'JWT' })
    .setSubject(principal.sub)
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setIssuedAt(now)
    .setExpirationTime(now + ttlSeconds)
    .sign(Buffer.from(k.key, 'base64'));
}

/**
 * The IAM policy a TOKEN authorizer returns: Allow on every method the role may call (API Gateway caches the decision
 * per token, so it must cover all of them), nothing else (an unlisted method answers 403).
 */
export function authorizerPolicy(methodArn: string, principal: Principal, usageIdentifierKey?: string) {
  // arn:aws:execute-api:<region>:<account>:<api>/<stage>/<METHOD>/<path>
  const [prefix, stage] = methodArn.split('/');
  const resources = ROUTES.filter((r) => allows(principal.role, r)).map((r) => `${prefix}/${stage}/${r.method}${r.path.replace(/\{[^}]+\}/g, '*')}`);
  return {
    principalId: principal.sub,
    policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: resources }] },
    context: { sub: principal.sub, role: principal.role },
    ...(usageIdentifierKey ? { usageIdentifierKey } : {}),
  };
}
