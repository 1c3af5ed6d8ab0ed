/**
 * Offline cost estimates of synthesized stacks: the price table (pricing/), the usage model
 * (pricing/usage-defaults.json + environments/usage/<env>.json) and a pricer per resource type.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { environmentOfStack } from '../../../environments/lib/schema';
import { estimateStack, type StackEstimate } from './estimate';
import { loadPriceTable, type PriceTable } from './prices';
import { loadUsage, type UsageModel } from './usage';

export { estimateStack, costDelta, byType } from './estimate';
export type { StackEstimate, ResourceEstimate, StackDelta } from './estimate';
export { loadPriceTable, unitPrice } from './prices';
export type { PriceTable } from './prices';
export { loadUsage } from './usage';
export { renderEstimate, renderDeltaMarkdown, renderDeltaText, renderCostSection, usd, signedUsd } from './format';

export interface EstimateOptions {
  readonly table?: PriceTable;
  /** Known environment names, to pick each stack's usage file. */
  readonly environments: readonly string[];
  /** Folder of the per-environment usage files (tests). */
  readonly usageDir?: string;
}

/** Estimates every stack of a synthesized outdir (`<outdir>/stacks/<stack>/cdk.tf.json`), sorted by stack name. */
export function estimateOutdir(outdir: string, options: EstimateOptions): StackEstimate[] {
  const table = options.table ?? loadPriceTable();
  const usages = new Map<string, UsageModel>();
  const stacksDir = path.join(outdir, 'stacks');
  if (!fs.existsSync(stacksDir)) return [];
  return fs
    .readdirSync(stacksDir)
    .filter((s) => fs.existsSync(path.join(stacksDir, s, 'cdk.tf.json')))
    .sort()
    .map((stack) => {
      const file = path.join(stacksDir, stack, 'cdk.tf.json');
      const env = environmentOfStack(stack, options.environments) ?? '';
      if (!usages.has(env)) usages.set(env, loadUsage(env || undefined, { dir: options.usageDir }));
      let json: unknown;
      try {
        json = JSON.parse(fs.readFileSync(file, 'utf8'));
      } catch (e) {
        throw new Error(`${file}: not a synthesized stack: ${e instanceof Error ? e.message : String(e)}`);
      }
      return estimateStack(stack, json as Parameters<typeof estimateStack>[1], table, usages.get(env) as UsageModel);
    });
}
