/**
 * The vocabulary of the guardrails: a rule looks at one synthesized resource
 * (its Terraform JSON, snake_case, exactly as `cdk.tf.json` holds it) with the
 * whole stack in reach, and says compliant, non-compliant or not applicable.
 */

/** `error` fails synth; `warning` is printed and synth goes on. */
export type Severity = 'error' | 'warning';

/** The tier of the stack: tier-aware rules (deletion protection, retention) only apply to some. */
export type GuardrailsTier = 'dev' | 'staging' | 'prod';

/** One resource of the synthesized stack. */
export interface ResourceView {
  /** Terraform resource type, e.g. "aws_s3_bucket". */
  readonly type: string;
  /** Terraform resource name (the logical id), e.g. "images_bucket_bucket". */
  readonly name: string;
  /** "type.name", e.g. "aws_s3_bucket.images_bucket_bucket". */
  readonly address: string;
  /** Construct path, e.g. "classifyhub-dev/images_bucket/bucket" (suppressions match on it). */
  readonly path: string;
  /** The synthesized arguments (snake_case; tokens are Terraform expressions such as "${aws_kms_key.k.arn}"). */
  readonly config: Readonly<Record<string, unknown>>;
}

/** What a rule says about one resource. */
export type RuleResult =
  | { readonly status: 'compliant' }
  | { readonly status: 'not-applicable' }
  | { readonly status: 'non-compliant'; readonly detail: string };

/** The stack a rule can look into (cross-resource rules). */
export interface RuleContext {
  /** Stack name, e.g. "classifyhub-prod". */
  readonly stack: string;
  /** Tier the stack was given with `Guardrails.apply`. */
  readonly tier: GuardrailsTier;
  /** Every resource of the stack, or those of one type, in a stable order. */
  resources(type?: string): readonly ResourceView[];
  /** The resource at an address ("aws_kms_key.k"), if the stack has it. */
  get(address: string): ResourceView | undefined;
  /** The address an argument refers to when it is exactly one reference, e.g. "${aws_s3_bucket.b.id}" -> "aws_s3_bucket.b". */
  target(value: unknown): string | undefined;
  /** Resources (optionally of one type) whose arguments refer to the address anywhere. */
  referencing(address: string, type?: string): readonly ResourceView[];
}

/** One guardrail: an id, a severity, a one-line why and fix, and a pure check. */
export interface Rule {
  /** Stable id, "CH-<SERVICE>-<NNN>", used in output and suppressions. */
  readonly id: string;
  readonly severity: Severity;
  /** Resource types the check is called for. */
  readonly resourceTypes: readonly string[];
  /** What the rule requires, as a short phrase ("S3 bucket encrypted at rest"). */
  readonly title: string;
  /** Why it matters, one sentence. */
  readonly why: string;
  /** How to fix a finding, one line (module prop or Terraform argument). */
  readonly fix: string;
  /**
   * Tiers the rule applies to; in other tiers every resource is not applicable.
   * @default every tier
   */
  readonly tiers?: readonly GuardrailsTier[];
  /** The checkov checks this rule covers (for the reader; not used at synth). */
  readonly checkov?: readonly string[];
  /** Pure function of the resource and the stack. */
  check(resource: ResourceView, context: RuleContext): RuleResult;
}

/** A suppression as given to `Guardrails.suppress`. */
export interface Suppression {
  /** Construct path of the scope; covers the resources at or under it. */
  readonly path: string;
  readonly ruleId: string;
  readonly reason: string;
}

/** A non-compliant resource. */
export interface Finding {
  readonly stack: string;
  readonly address: string;
  readonly path: string;
  readonly rule: Rule;
  /** What exactly is wrong with this resource. */
  readonly detail: string;
  /** Set when a suppression covers the finding (it then neither fails nor warns). */
  readonly suppressedBy?: Suppression;
}

/** The outcome of every rule on every resource of one stack. */
export interface GuardrailsReport {
  readonly stack: string;
  readonly tier: GuardrailsTier;
  /** Rules evaluated (after the tier filter). */
  readonly rules: number;
  /** Resources in the stack. */
  readonly resources: number;
  /** Non-compliant, error severity, not suppressed: synth fails. */
  readonly errors: readonly Finding[];
  /** Non-compliant, warning severity, not suppressed: printed. */
  readonly warnings: readonly Finding[];
  /** Non-compliant but suppressed with a reason: printed with the reason. */
  readonly suppressed: readonly Finding[];
  /** Suppressions that name an unknown rule or cover no finding (printed as warnings). */
  readonly suppressionProblems: readonly string[];
  /** Per rule id: how many resources were compliant, non-compliant, not applicable. */
  readonly counts: Readonly<Record<string, { readonly compliant: number; readonly nonCompliant: number; readonly notApplicable: number }>>;
}
