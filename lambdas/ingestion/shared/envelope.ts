/**
 * What a Kinesis record of the ingestion stream carries: the mapping templates write the base64 of
 * `{ "id": string, "receivedAt": epoch ms, "data": any JSON }`; every consumer (E1 on the primary stream and on R1,
 * the replicator) reads it with `decodeEnvelope`.
 */

export interface Envelope {
  /** Idempotency key: the client's `id`, or "<API request id>:<index>". */
  readonly id: string;
  /** When API Gateway received the request (epoch ms). */
  readonly receivedAt: number;
  readonly data: unknown;
}

export type Decoded = { readonly ok: true; readonly envelope: Envelope } | { readonly ok: false; readonly reason: string };

/** Decodes a record's data (base64 as Lambda delivers it, or raw bytes); never throws. */
export function decodeEnvelope(data: string | Uint8Array): Decoded {
  let text: string;
  try {
    text = typeof data === 'string' ? Buffer.from(data, 'base64').toString('utf8') : Buffer.from(data).toString('utf8');
  } catch (e) {
    return { ok: false, reason: `data is not base64: ${(e as Error).message}` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return { ok: false, reason: `data is not JSON (${(e as Error).message}); first bytes: ${JSON.stringify(text.slice(0, 40))}` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { ok: false, reason: `data is JSON but not an envelope object (received ${describe(parsed)})` };
  const e = parsed as Record<string, unknown>;
  if (typeof e.id !== 'string' || e.id.length === 0) return { ok: false, reason: `envelope field "id" must be a non-empty string (received ${describe(e.id)})` };
  if (typeof e.receivedAt !== 'number' || !Number.isFinite(e.receivedAt)) return { ok: false, reason: `envelope field "receivedAt" must be epoch milliseconds (received ${describe(e.receivedAt)})` };
  if (!('data' in e) || e.data === null) return { ok: false, reason: 'envelope field "data" is missing or null' };
  return { ok: true, envelope: { id: e.id, receivedAt: e.receivedAt, data: e.data } };
}

/** Encodes an envelope the way the mapping templates do (tests, benchmark, replicator fixtures). */
export function encodeEnvelope(envelope: Envelope): string {
  return Buffer.from(JSON.stringify(envelope), 'utf8').toString('base64');
}

function describe(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
