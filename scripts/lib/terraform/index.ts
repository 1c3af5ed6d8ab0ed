/**
 * Terraform tooling of the delivery scripts, by concern:
 *
 * - ./model.ts: the one Terraform JSON model (configuration, plan, actions, changed attributes);
 * - ./runner.ts: running terraform (init, validate, plan, apply, show);
 * - ./providers.ts: provider mirror, the project's CLI config, the environment for `npx cdktf`;
 * - ./offline.ts: credentials, the offline override and the offline working copy of a stack;
 * - ./stacks.ts: the synthesized stacks and planning one;
 * - ./summary.ts: counting a plan's changes.
 */
export * from './model';
export * from './runner';
export * from './providers';
export * from './offline';
export * from './stacks';
export * from './summary';
