/** Validates request bodies against the same JSON schemas API Gateway uses; errors name the field and value. */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { badRequest, show } from './errors';
import { REQUEST_MODELS, SCHEMAS } from './schemas';

type RequestModel = (typeof REQUEST_MODELS)[number];
const ajv = new Ajv({ allErrors: false, strict: false });
const compiled = new Map<RequestModel, ValidateFunction>();

/** Parses a JSON body; 400 for malformed JSON or a non-object. */
export function parseJsonBody(body: string | null | undefined, isBase64 = false): Record<string, unknown> {
  const text = body == null ? '' : isBase64 ? Buffer.from(body, 'base64').toString('utf8') : body;
  if (text.trim() === '') throw badRequest('body: received nothing; expected a JSON object');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw badRequest(`body: malformed JSON (${(e as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badRequest(`body: received ${show(value)}; expected a JSON object`);
  return value as Record<string, unknown>;
}

/** Checks a parsed body against a request model; the 400 names the first failing field and what it received. */
export function validateBody<T>(model: RequestModel, value: Record<string, unknown>): T {
  let fn = compiled.get(model);
  if (!fn) {
    fn = ajv.compile(SCHEMAS[model]);
    compiled.set(model, fn);
  }
  if (!fn(value)) throw badRequest(describe(fn.errors![0], value));
  return value as T;
}

function describe(e: ErrorObject, root: unknown): string {
  if (e.keyword === 'required') return `${field(e.instancePath, (e.params as { missingProperty: string }).missingProperty)}: received nothing; required`;
  if (e.keyword === 'additionalProperties') return `${field(e.instancePath, (e.params as { additionalProperty: string }).additionalProperty)}: unknown field`;
  const value = e.instancePath.split('/').slice(1).reduce<unknown>((v, k) => (v as Record<string, unknown>)?.[decodeURIComponent(k)], root);
  return `${field(e.instancePath)}: received ${show(value)}; ${e.message}`;
}

function field(path: string, child?: string): string {
  const parts = path.split('/').slice(1).map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`));
  const s = [...parts, ...(child ? [`.${child}`] : [])].join('').replace(/^\./, '');
  return s || 'body';
}
