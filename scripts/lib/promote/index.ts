/**
 * `npm run promote`, by concern:
 *
 * - ./plan.ts: planning the target stage per stack (offline against a simulated state, or live) and
 *   reading the answer from Terraform's plan;
 * - ./state.ts and ./expr.ts: the simulated Terraform state and the expression evaluator it uses;
 * - ./policy.ts: which stateful replacements and destructions are allowed;
 * - ./format.ts: the report and the refusal message;
 * - ./environment-file.ts: the stage ladder step and the one-line edit of the environment file;
 * - ./types.ts: the shapes they share.
 */
export * from './types';
export * from './plan';
export * from './policy';
export * from './format';
export * from './environment-file';
