import type { Rule } from '../types';
import { COMPLIANT, NOT_APPLICABLE, nonCompliant, preventsDestroy } from '../helpers';
import { GUARDRAILS_DEFAULTS } from '../defaults';

export const statefulPreventDestroy: Rule = {
  id: 'CH-STATEFUL-002',
  severity: 'error',
  resourceTypes: GUARDRAILS_DEFAULTS.statefulTypes,
  tiers: ['staging', 'prod'],
  title: 'Stateful resources have lifecycle.prevent_destroy (staging, prod)',
  why: 'A rename or a replacement in a plan would otherwise destroy a bucket, volume or database with its data; prevent_destroy makes that plan fail.',
  fix: 'set lifecycle { prevent_destroy = true } from the tier profile (preventDestroy / deletionProtection props of the modules)',
  check(resource) {
    // A read replica holds a copy; it may be replaced.
    if (resource.type === 'aws_db_instance' && resource.config.replicate_source_db !== undefined) return NOT_APPLICABLE;
    return preventsDestroy(resource.config) ? COMPLIANT : nonCompliant('lifecycle.prevent_destroy is not set');
  },
};
