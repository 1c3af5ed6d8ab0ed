/**
 * The 7-day links of error reports: `<report-link function URL>/<report key>?t=<token>`. The error
 * processor makes them (makeReportLink), the report-link function reads them (keyOfPath).
 */
import { REPORT_LINK_AUDIENCE, signToken } from './tokens';

/** Reports live under errors/<vendor>/<upload>_errors.csv; nothing else can be linked. */
export const REPORT_PREFIX = 'errors/';

/** The path of a report's link: each key segment URL-encoded. */
export const pathOfKey = (objectKey: string): string => `/${objectKey.split('/').map(encodeURIComponent).join('/')}`;

/** The object key a link path names ("/errors/a/b.csv" -> "errors/a/b.csv"), or undefined when malformed. */
export function keyOfPath(path: string): string | undefined {
  if (!path.startsWith('/')) return undefined;
  try {
    const segments = path.slice(1).split('/').map((s) => decodeURIComponent(s));
    if (segments.some((s) => s === '' || s === '.' || s === '..' || s.includes('/'))) return undefined;
    return segments.join('/');
  } catch {
    return undefined;
  }
}

/** A report's link, valid until `expiresAt` (HS256 token naming the key). */
export async function makeReportLink(key: Uint8Array, baseUrl: string, objectKey: string, expiresAt: Date, now: Date = new Date()): Promise<string> {
  const token = await signToken(key, { subject: objectKey, audience: REPORT_LINK_AUDIENCE, expiresAt, now });
  return `${baseUrl.replace(/\/+$/, '')}${pathOfKey(objectKey)}?t=${token}`;
}
