import type { Rule } from '../types';
import { COMPLIANT, isTrue, nonCompliant } from '../helpers';

export const rdsNotPublic: Rule = {
  id: 'CH-RDS-003',
  severity: 'error',
  resourceTypes: ['aws_db_instance', 'aws_rds_cluster_instance'],
  title: 'RDS instance not publicly accessible',
  why: 'A public endpoint puts the database login in front of the whole internet.',
  fix: 'set publicly_accessible = false and reach the database from inside the VPC (modules/database does)',
  checkov: ['CKV_AWS_17'],
  check(db) {
    return isTrue(db.config.publicly_accessible) ? nonCompliant('publicly_accessible is true') : COMPLIANT;
  },
};
