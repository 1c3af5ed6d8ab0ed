/**
 * report-link: the 7-day link of an error report (seed 002: "Presigned URLs time-limited (7 days)").
 *
 * A presigned S3 URL is only valid while the credentials that signed it are: a Lambda role's
 * session lasts hours, so a 7-day presigned URL made by the error processor stops working long
 * before its 7 days. The vendor therefore gets a link to this function instead:
 * `<function URL>/<report key>?t=<token>`, the token an HS256 JWT naming that key (`sub`) and
 * expiring after 7 days. Each click is checked here and answered with a 302 to a presigned GET
 * made now, valid for a few minutes.
 *
 * Refused with 403 and a JSON error: a missing, tampered or expired token, a token naming another
 * key, a key outside errors/. 405 for anything but GET/HEAD.
 */
import { REPORT_LINK_AUDIENCE, verifyToken } from '../shared/tokens';
import { REPORT_PREFIX, keyOfPath } from '../shared/report-links';
import { jsonError, type HttpResponse } from '../shared/http';

export { REPORT_PREFIX, keyOfPath, makeReportLink, pathOfKey } from '../shared/report-links';

export interface ReportLinkRequest {
  readonly method: string;
  /** The URL path, e.g. "/errors/VEND001/upl-1_errors.csv". */
  readonly path: string;
  /** The `t` query parameter. */
  readonly token?: string;
}

export interface ReportLinkDeps {
  /** The link key; undefined when the secret has no value yet (no link can have been issued). */
  readonly key: Uint8Array | undefined;
  /** A presigned GET of `objectKey`, valid for `expiresInSeconds`. */
  readonly presignGet: (objectKey: string, expiresInSeconds: number) => Promise<string>;
  readonly redirectTtlSeconds: number;
  readonly now?: () => Date;
}

export async function resolveReportLink(req: ReportLinkRequest, deps: ReportLinkDeps): Promise<HttpResponse> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return jsonError(405, `only GET is supported, got ${req.method || '(none)'}`, { allow: 'GET, HEAD' });
  const objectKey = keyOfPath(req.path);
  if (!objectKey || !objectKey.startsWith(REPORT_PREFIX)) return jsonError(403, `this link does not name an error report (expected /${REPORT_PREFIX}<vendor>/<file>)`);
  if (!req.token) return jsonError(403, 'the link has no token (query parameter "t")');
  if (!deps.key) return jsonError(403, 'token signature or format invalid');
  const check = await verifyToken(deps.key, req.token, REPORT_LINK_AUDIENCE, (deps.now ?? (() => new Date()))());
  if (!check.ok) return jsonError(403, check.reason);
  if (check.subject !== objectKey) return jsonError(403, 'the token was issued for another report');
  const location = await deps.presignGet(objectKey, deps.redirectTtlSeconds);
  return { statusCode: 302, headers: { location, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' } };
}
