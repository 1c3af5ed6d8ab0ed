/**
 * Runs a rule pack over the resources of one stack: a pure function from
 * resources, tier and suppressions to a report.
 */
import { StackIndex } from './context';
import type { Finding, GuardrailsReport, GuardrailsTier, ResourceView, Rule, Suppression } from './types';

export interface EvaluateInput {
  readonly stack: string;
  readonly tier: GuardrailsTier;
  readonly resources: readonly ResourceView[];
  readonly rules: readonly Rule[];
  readonly suppressions?: readonly Suppression[];
}

/** True when the suppression's scope is the resource's construct or one of its ancestors. */
export function covers(suppression: Suppression, path: string): boolean {
  return path === suppression.path || path.startsWith(`${suppression.path}/`);
}

export function evaluate(input: EvaluateInput): GuardrailsReport {
  const context = new StackIndex(input.stack, input.tier, input.resources);
  const suppressions = input.suppressions ?? [];
  const active = input.rules.filter((r) => !r.tiers || r.tiers.includes(input.tier));
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  const suppressed: Finding[] = [];
  const used = new Set<Suppression>();
  const counts: Record<string, { compliant: number; nonCompliant: number; notApplicable: number }> = {};

  for (const rule of active) {
    const count = (counts[rule.id] = { compliant: 0, nonCompliant: 0, notApplicable: 0 });
    for (const type of rule.resourceTypes) {
      for (const resource of context.resources(type)) {
        const result = rule.check(resource, context);
        if (result.status === 'compliant') count.compliant++;
        else if (result.status === 'not-applicable') count.notApplicable++;
        else {
          count.nonCompliant++;
          // The closest scope wins (longest path).
          const by = suppressions.filter((s) => s.ruleId === rule.id && covers(s, resource.path)).sort((a, b) => b.path.length - a.path.length)[0];
          const finding: Finding = { stack: input.stack, address: resource.address, path: resource.path, rule, detail: result.detail, ...(by ? { suppressedBy: by } : {}) };
          if (by) {
            used.add(by);
            suppressed.push(finding);
          } else (rule.severity === 'error' ? errors : warnings).push(finding);
        }
      }
    }
  }

  const known = new Set(input.rules.map((r) => r.id));
  const activeIds = new Set(active.map((r) => r.id));
  const suppressionProblems: string[] = [];
  for (const s of suppressions) {
    if (!known.has(s.ruleId)) suppressionProblems.push(`suppression of unknown rule ${s.ruleId} on ${s.path} (known rules: see modules/guardrails/README.md)`);
    else if (activeIds.has(s.ruleId) && !used.has(s)) suppressionProblems.push(`suppression of ${s.ruleId} on ${s.path} suppresses nothing in tier ${input.tier}: remove it`);
  }

  return { stack: input.stack, tier: input.tier, rules: active.length, resources: input.resources.length, errors, warnings, suppressed, suppressionProblems, counts };
}
