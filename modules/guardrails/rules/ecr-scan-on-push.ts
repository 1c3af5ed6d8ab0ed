import type { Rule } from '../types';
import { COMPLIANT, block, isTrue, nonCompliant } from '../helpers';

export const ecrScanOnPush: Rule = {
  id: 'CH-ECR-001',
  severity: 'error',
  resourceTypes: ['aws_ecr_repository'],
  title: 'ECR scans images on push',
  why: 'Known CVEs in a base image should be visible before the image is deployed.',
  fix: 'set image_scanning_configuration { scan_on_push = true } (modules/container-registry does)',
  checkov: ['CKV_AWS_163'],
  check(repo) {
    return isTrue(block(repo.config.image_scanning_configuration).scan_on_push) ? COMPLIANT : nonCompliant('image_scanning_configuration.scan_on_push is not true');
  },
};
