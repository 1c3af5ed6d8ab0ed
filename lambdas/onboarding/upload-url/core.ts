/**
 * upload-url: how a vendor uploads (seed 002: "Vendor's Computer -> [HTTP PUT] -> S3").
 *
 * The vendor sends `POST` with `Authorization: Bearer <vendor token>` and a JSON body
 * `{ "file_name": "products.csv" }` (optionally `"vendor_id"`, which must be the token's). The
 * token is an HS256 JWT whose `sub` is the vendor_id (shared/tokens.ts). The answer is a presigned
 * PUT for `uploads/<vendor_id of the token>/<file_name>`, valid for a few minutes: the key is part
 * of the signature, so the URL cannot be pointed at another vendor's folder, and the vendor never
 * holds AWS credentials. The key is built here from the token alone; a request naming another
 * vendor is refused (403), and so is any file name that could leave the folder.
 */
import { VENDOR_UPLOAD_AUDIENCE, verifyToken } from '../shared/tokens';
import { jsonError, jsonOk, type HttpResponse } from '../shared/http';

export const UPLOADS_PREFIX = 'uploads/';
/** A file name of the vendor's folder: no path, no control characters, ends in .csv (any case), at most 200 characters. */
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._ -]{0,195}\.[cC][sS][vV]$/;
/** As environments/lib/schema.ts allows vendor ids (they are folder names). */
const VENDOR_ID = /^[A-Za-z0-9_-]{1,50}$/;

export interface UploadUrlRequest {
  readonly method: string;
  readonly authorization?: string;
  readonly body: string;
}

export interface UploadUrlDeps {
  /** The vendor-token key; undefined when the secret has no value yet. */
  readonly key: Uint8Array | undefined;
  /** A presigned PUT of `objectKey`, valid for `expiresInSeconds`. */
  readonly presignPut: (objectKey: string, expiresInSeconds: number) => Promise<string>;
  readonly expiresInSeconds: number;
  readonly now?: () => Date;
}

export type UploadKeyResult = { readonly ok: true; readonly key: string } | { readonly ok: false; readonly status: 400 | 403; readonly error: string };

/**
 * The object key a vendor may write: always under uploads/<tokenVendor>/. Refuses a request
 * naming another vendor, and file names that are not a plain `<name>.csv`.
 */
export function uploadKeyFor(tokenVendor: string, request: { readonly vendor_id?: unknown; readonly file_name?: unknown }): UploadKeyResult {
  if (!VENDOR_ID.test(tokenVendor)) return { ok: false, status: 403, error: `the token names no valid vendor (sub ${JSON.stringify(tokenVendor)})` };
  if (request.vendor_id !== undefined && request.vendor_id !== tokenVendor) {
    return { ok: false, status: 403, error: `vendor_id ${JSON.stringify(request.vendor_id)} is not the vendor of the token (${tokenVendor}): a vendor uploads to its own folder only` };
  }
  const name = request.file_name;
  if (typeof name !== 'string' || !FILE_NAME.test(name)) {
    return { ok: false, status: 400, error: `file_name must be a plain file name ending in .csv (letters, digits, ".", "_", "-", space; at most 200 characters), got ${JSON.stringify(name ?? null)}` };
  }
  return { ok: true, key: `${UPLOADS_PREFIX}${tokenVendor}/${name}` };
}

export async function issueUploadUrl(req: UploadUrlRequest, deps: UploadUrlDeps): Promise<HttpResponse> {
  if (req.method !== 'POST') return jsonError(405, `only POST is supported, got ${req.method || '(none)'}`, { allow: 'POST' });
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.authorization ?? '');
  const challenge = { 'www-authenticate': 'Bearer realm="onboarding-uploads"' };
  if (!bearer) return jsonError(401, 'missing "Authorization: Bearer <vendor token>" header', challenge);
  if (!deps.key) return jsonError(401, 'token signature or format invalid', challenge);
  const now = (deps.now ?? (() => new Date()))();
  const check = await verifyToken(deps.key, bearer[1]!, VENDOR_UPLOAD_AUDIENCE, now);
  if (!check.ok) return jsonError(401, check.reason, challenge);
  let body: unknown;
  try {
    body = JSON.parse(req.body || '{}');
  } catch {
    return jsonError(400, `the body must be JSON such as {"file_name":"products.csv"}, got ${JSON.stringify(req.body.slice(0, 80))}`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return jsonError(400, 'the body must be a JSON object such as {"file_name":"products.csv"}');
  const target = uploadKeyFor(check.subject, body as Record<string, unknown>);
  if (!target.ok) return jsonError(target.status, target.error);
  const url = await deps.presignPut(target.key, deps.expiresInSeconds);
  return jsonOk({ method: 'PUT', url, key: target.key, expires_at: new Date(now.getTime() + deps.expiresInSeconds * 1000).toISOString() });
}
