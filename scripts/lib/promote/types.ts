/** The shapes of a stage promotion's answer, shared by ./plan.ts, ./policy.ts and ./format.ts. */

/** Rounds of the check-and-fold loop before the remaining differences are reported as uncertain. */
export const MAX_ROUNDS = 3;

/** What happens to one resource. */
export type PromotionAction = 'create' | 'update' | 'replace' | 'delete';

export interface ResourceChangeInfo {
  address: string;
  type: string;
  action: PromotionAction;
  /** What is lost when a resource of this type is replaced or destroyed; undefined for stateless types. */
  stateful?: string;
  /** update: the top-level attributes that change. replace: the attribute paths that force it. */
  attributes: string[];
  /** The simulation itself did not settle for this resource, so the change may be an artifact. */
  uncertain?: boolean;
}

/** The promotion of one stack. */
export interface StackPromotion {
  stack: string;
  changes: ResourceChangeInfo[];
  /** "simulated" (offline), "live" (against the real state), or "identical" (same configuration, nothing planned). */
  method: 'simulated' | 'live' | 'identical' | 'new-stack' | 'removed-stack';
  /** Resources in the simulated state. */
  simulatedResources?: number;
  /** Check-and-fold rounds used. */
  rounds?: number;
  /**
   * The last check plan (the current stage against the simulated state) planned no change at all, outputs included:
   * the simulated state is exactly what Terraform would keep. False when it still planned something the fold did not
   * take up (an output the simulation could not evaluate, say), which does not make the answer uncertain.
   */
  checkExact?: boolean;
  /** Addresses whose simulated state still differed from the current stage after the last round. */
  uncertain: string[];
  /** Configured values the evaluator could not compute (Terraform then corrected them in the fold). */
  unresolved: string[];
  seconds: number;
}
