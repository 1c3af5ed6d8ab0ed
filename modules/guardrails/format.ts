/** Text of the synth output: a summary per stack, warnings and suppressions, and the error list. */
import type { Finding, GuardrailsReport } from './types';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The one line printed per stack by default: `classifyhub-dev: 0 errors, 3 warnings, 1 suppressed`. */
export function formatSummaryLine(report: GuardrailsReport): string {
  const problems = report.warnings.length + report.suppressionProblems.length;
  return `guardrails ${report.stack}: ${plural(report.errors.length, 'error')}, ${plural(problems, 'warning')}${report.suppressed.length ? `, ${report.suppressed.length} suppressed` : ''}${problems || report.suppressed.length ? ' (--verbose for details)' : ''}`;
}

/** Lines printed for one stack at synth (errors are listed by `formatErrors`). */
export function formatReport(report: GuardrailsReport): { info: string[]; warnings: string[] } {
  const info = [
    `guardrails ${report.stack} (tier ${report.tier}): ${report.rules} rules on ${report.resources} resources: ${plural(report.errors.length, 'error')}, ${plural(report.warnings.length, 'warning')}, ${report.suppressed.length} suppressed`,
  ];
  // One line per suppression and rule, with the resources it covers.
  const groups = new Map<string, Finding[]>();
  for (const f of report.suppressed) {
    const key = `${f.rule.id}\u0000${f.suppressedBy!.path}\u0000${f.suppressedBy!.reason}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  for (const findings of groups.values()) {
    const s = findings[0].suppressedBy!;
    info.push(`  suppressed ${s.ruleId} on ${s.path} (${findings.map((f) => f.address).join(', ')}): ${s.reason}`);
  }
  // One block per rule: the rule, each resource with what is wrong, then the fix.
  const byRule = new Map<string, Finding[]>();
  for (const f of report.warnings) byRule.set(f.rule.id, [...(byRule.get(f.rule.id) ?? []), f]);
  const warnings: string[] = [];
  for (const findings of byRule.values()) {
    const rule = findings[0].rule;
    warnings.push(`  warning ${rule.id} ${rule.title} (${plural(findings.length, 'resource')})`);
    findings.forEach((f) => warnings.push(`    ${f.address}: ${f.detail}`));
    warnings.push(`    fix: ${rule.fix}`);
  }
  warnings.push(...report.suppressionProblems.map((p) => `  warning ${p}`));
  return { info, warnings };
}

/** The message synth fails with: every error of every stack, each with why and how to fix. */
export function formatErrors(reports: readonly GuardrailsReport[]): string {
  const failing = reports.filter((r) => r.errors.length);
  const total = failing.reduce((n, r) => n + r.errors.length, 0);
  const lines = [`guardrails: ${plural(total, 'error')} in ${plural(failing.length, 'stack')}; synth stopped (suppress only with Guardrails.suppress(scope, ruleId, reason))`];
  for (const r of failing) {
    for (const f of r.errors) {
      lines.push(`  ${f.stack}  ${f.address}  ${f.rule.id} (${f.rule.severity})`);
      lines.push(`    why: ${f.rule.title}: ${f.detail}`);
      lines.push(`    fix: ${f.rule.fix}`);
    }
  }
  return lines.join('\n');
}
