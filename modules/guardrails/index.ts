/**
 * Guardrails: a rule pack that runs inside `synth`. `Guardrails.apply(stack,
 * { tier })` adds an Aspect that collects the stack's suppressions; when the
 * stack is validated (after every Aspect has run) each rule checks the
 * synthesized configuration of every resource of its types, with the whole
 * stack in reach. One line per stack is printed (details with `verbose` or
 * when the stack has an error); after the last stack, any error fails synth
 * with one list for every stack.
 */
import { IConstruct } from 'constructs';
import { Aspects, IAspect, TerraformStack } from 'cdktf';
import { resourcesOf } from './context';
import { evaluate } from './evaluate';
import { formatErrors, formatReport, formatSummaryLine } from './format';
import { GUARDRAILS_DEFAULTS } from './defaults';
import { RULES } from './rules';
import type { GuardrailsReport, GuardrailsTier, Rule, Suppression } from './types';

export * from './types';
export { RULES } from './rules';
export { GUARDRAILS_DEFAULTS } from './defaults';
export { LAMBDA_RUNTIME_TABLE, runtimeStatus } from './shared/lambda-runtimes';
export { evaluate } from './evaluate';
export { resourcesOf } from './context';
export { formatErrors, formatReport, formatSummaryLine } from './format';

export interface GuardrailsOptions {
  /** Tier of the stack; deletion protection, prevent_destroy and prod log retention depend on it. */
  readonly tier: GuardrailsTier;
  /**
   * The rules to run.
   * @default RULES - the whole pack
   */
  readonly rules?: readonly Rule[];
  /**
   * Where the per-stack summary and suppressions (`info`) and warnings (`warn`) go.
   * @default console.log for both (stdout: stderr is for errors only)
   */
  readonly output?: { readonly info: (line: string) => void; readonly warn: (line: string) => void };
  /**
   * Print every stack's details (the rule count, suppressions and warnings), or only one line per stack
   * (`classifyhub-dev: 0 errors, 3 warnings`); a stack with an error always gets its details.
   * @default true when `output` is given; otherwise whether GUARDRAILS_VERBOSE=1 (`--verbose` of the synth-based commands)
   */
  readonly verbose?: boolean;
}

/** Synth fails with this when a guarded stack has an error finding; `message` lists them all. */
export class GuardrailsError extends Error {
  constructor(readonly reports: readonly GuardrailsReport[]) {
    super(formatErrors(reports));
    this.name = 'GuardrailsError';
  }
}

const SUPPRESSIONS = new WeakMap<IConstruct, Suppression[]>();
const BY_STACK = new WeakMap<TerraformStack, Guardrails>();
const BY_APP = new WeakMap<IConstruct, Guardrails[]>();

export class Guardrails implements IAspect {
  /**
   * Guards a stack: adds the Aspect and the validations. Call once per stack
   * (a second call with the same tier returns the same instance).
   */
  static apply(stack: TerraformStack, options: GuardrailsOptions): Guardrails {
    const existing = BY_STACK.get(stack);
    if (existing) {
      if (existing.tier !== options.tier) throw new Error(`Guardrails.apply(${stack.node.path}): already applied with tier ${existing.tier}; received tier ${options.tier}`);
      return existing;
    }
    const guardrails = new Guardrails(stack, options);
    BY_STACK.set(stack, guardrails);
    Aspects.of(stack).add(guardrails);
    // Stack validation runs after the stack's Aspects: evaluate and print.
    stack.node.addValidation({ validate: () => (guardrails.check(), []) });
    // App validation runs after every stack: fail once, listing the errors of every stack.
    const root = stack.node.root;
    let guarded = BY_APP.get(root);
    if (!guarded) {
      const list: Guardrails[] = (guarded = []);
      BY_APP.set(root, list);
      root.node.addValidation({
        validate: () => {
          const reports = list.map((g) => g.lastReport ?? g.check());
          if (reports.some((r) => r.errors.length)) throw new GuardrailsError(reports);
          return [];
        },
      });
    }
    guarded.push(guardrails);
    return guardrails;
  }

  /** The guardrails of a stack, if `apply` was called for it. */
  static of(stack: TerraformStack): Guardrails | undefined {
    return BY_STACK.get(stack);
  }

  /**
   * Suppresses a rule for every resource at or under `scope`, with a written
   * reason (printed at every synth). Unknown rule ids and suppressions that
   * cover no finding are reported as warnings.
   */
  static suppress(scope: IConstruct, ruleId: string, reason: string): void {
    const where = `Guardrails.suppress(${scope.node.path}, ${JSON.stringify(ruleId)})`;
    if (!/^CH-[A-Z0-9]+-\d{3}$/.test(ruleId)) throw new Error(`${where}: rule id must look like CH-S3-001; received ${JSON.stringify(ruleId)}`);
    const text = (reason ?? '').trim().replace(/\s+/g, ' ');
    if (text.length < GUARDRAILS_DEFAULTS.minReasonLength) {
      throw new Error(`${where}: a reason of at least ${GUARDRAILS_DEFAULTS.minReasonLength} characters saying why the rule does not apply is required; received ${JSON.stringify(reason)}`);
    }
    const list = SUPPRESSIONS.get(scope) ?? [];
    if (list.some((s) => s.ruleId === ruleId)) throw new Error(`${where}: already suppressed on this scope`);
    list.push({ path: scope.node.path, ruleId, reason: text });
    SUPPRESSIONS.set(scope, list);
  }

  readonly tier: GuardrailsTier;
  readonly rules: readonly Rule[];
  private readonly output: NonNullable<GuardrailsOptions['output']>;
  private readonly verbose: boolean;
  private readonly suppressions = new Set<Suppression>();
  private visitedStack = false;
  private lastReport?: GuardrailsReport;

  private constructor(readonly stack: TerraformStack, options: GuardrailsOptions) {
    this.tier = options.tier;
    this.rules = options.rules ?? RULES;
    this.output = options.output ?? { info: (l) => console.log(l), warn: (l) => console.log(l) };
    this.verbose = options.verbose ?? (options.output !== undefined || process.env.GUARDRAILS_VERBOSE === '1');
    const ids = this.rules.map((r) => r.id);
    const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
    if (duplicate) throw new Error(`Guardrails.apply(${stack.node.path}): rule id ${duplicate} is used twice`);
  }

  /** Aspect: collects the suppressions of the stack's constructs. */
  visit(node: IConstruct): void {
    if (node === this.stack) this.visitedStack = true;
    for (const s of SUPPRESSIONS.get(node) ?? []) this.suppressions.add(s);
  }

  /**
   * Evaluates every rule on the stack's synthesized configuration. Normally
   * called by synth; tests call it after `Testing.synth(stack)`.
   */
  report(): GuardrailsReport {
    if (!this.visitedStack) this.stack.node.findAll().forEach((n) => this.visit(n));
    const json = this.stack.toTerraform() as Parameters<typeof resourcesOf>[0];
    return evaluate({
      stack: this.stack.node.id,
      tier: this.tier,
      resources: resourcesOf(json),
      rules: this.rules,
      suppressions: [...this.suppressions].sort((a, b) => (a.path + a.ruleId < b.path + b.ruleId ? -1 : 1)),
    });
  }

  /** Evaluates and prints the summary, suppressions and warnings (synth). */
  private check(): GuardrailsReport {
    const report = this.report();
    if (!this.verbose && report.errors.length === 0) {
      this.output.info(formatSummaryLine(report));
      this.lastReport = report;
      return report;
    }
    const { info, warnings } = formatReport(report);
    info.forEach((l) => this.output.info(l));
    warnings.forEach((l) => this.output.warn(l));
    this.lastReport = report;
    return report;
  }
}
