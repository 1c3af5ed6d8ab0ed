/**
 * Usage assumptions behind the usage-based lines (requests, GB, hours): defaults in
 * pricing/usage-defaults.json, overridden per environment by environments/usage/<env>.json,
 * per resource type (`byType`) and per resource address (`byAddress`, e.g.
 * "aws_lambda_function.csv_parser_function"). Every figure a line uses is shown with it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { PRICING_DIR } from './prices';

export const USAGE_DIR = path.resolve(__dirname, '..', '..', '..', 'environments', 'usage');
export const USAGE_DEFAULTS_FILE = path.join(PRICING_DIR, 'usage-defaults.json');

const figures = z.record(z.number().nonnegative({ message: 'expected a non-negative number' }));
const usageSchema = z
  .object({
    description: z.string().optional(),
    byType: z.record(figures).default({}),
    byAddress: z.record(figures).default({}),
  })
  .strict();

export type UsageFile = z.output<typeof usageSchema>;

/** Usage figures of one resource: defaults ← environment's byType ← environment's byAddress. */
export interface Usage {
  /** The figure `name` for this resource; throws when no file defines it (a pricer asking for an unknown figure is a bug). */
  (name: string): number;
}

export interface UsageModel {
  readonly files: readonly string[];
  forResource(type: string, address: string): Usage;
}

function readUsage(file: string): UsageFile {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: cannot read the usage file: ${e instanceof Error ? e.message : String(e)}`);
  }
  const parsed = usageSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`${file}: invalid usage file\n${parsed.error.issues.map((i) => `  - field "${i.path.join('.')}": ${i.message}`).join('\n')}`);
  }
  return parsed.data;
}

/** The usage model of an environment (its file is optional: defaults apply without it). */
export function loadUsage(environment: string | undefined, options: { defaultsFile?: string; dir?: string } = {}): UsageModel {
  const defaultsFile = options.defaultsFile ?? USAGE_DEFAULTS_FILE;
  const defaults = readUsage(defaultsFile);
  const envFile = environment ? path.join(options.dir ?? USAGE_DIR, `${environment}.json`) : undefined;
  const own = envFile && fs.existsSync(envFile) ? readUsage(envFile) : { byType: {}, byAddress: {} };
  const files = [defaultsFile, ...(envFile && fs.existsSync(envFile) ? [envFile] : [])];
  for (const [address, values] of Object.entries(own.byAddress)) {
    const type = address.split('.')[0];
    for (const name of Object.keys(values)) {
      if (defaults.byType[type]?.[name] === undefined) {
        throw new Error(`${envFile}: field "byAddress.${address}.${name}": ${type} has no usage figure "${name}"; known: ${Object.keys(defaults.byType[type] ?? {}).join(', ') || '(none)'}`);
      }
    }
  }
  for (const [type, values] of Object.entries(own.byType)) {
    for (const name of Object.keys(values)) {
      if (defaults.byType[type]?.[name] === undefined) {
        throw new Error(`${envFile}: field "byType.${type}.${name}": ${type} has no usage figure "${name}"; known: ${Object.keys(defaults.byType[type] ?? {}).join(', ') || '(none)'}`);
      }
    }
  }
  return {
    files,
    forResource(type, address) {
      const merged = { ...(defaults.byType[type] ?? {}), ...(own.byType[type] ?? {}), ...(own.byAddress[address] ?? {}) };
      return (name: string) => {
        const value = merged[name];
        if (value === undefined) throw new Error(`${defaultsFile}: no usage figure "${name}" for ${type}`);
        return value;
      };
    },
  };
}
