import type { Rule } from '../types';
import { COMPLIANT, nonCompliant, show } from '../helpers';

export const ecrImmutableTags: Rule = {
  id: 'CH-ECR-002',
  severity: 'error',
  resourceTypes: ['aws_ecr_repository'],
  title: 'ECR image tags immutable',
  why: 'A mutable tag lets a push silently change what an environment runs; deploys pin tags.',
  fix: 'set image_tag_mutability = "IMMUTABLE" (modules/container-registry does)',
  checkov: ['CKV_AWS_51'],
  check(repo) {
    const m = repo.config.image_tag_mutability;
    return m === 'IMMUTABLE' || m === 'IMMUTABLE_WITH_EXCLUSION' ? COMPLIANT : nonCompliant(`image_tag_mutability is ${show(m)} (default MUTABLE)`);
  },
};
