import type { Rule } from '../types';
import { COMPLIANT, NOT_APPLICABLE, nonCompliant, numberOf, show } from '../helpers';

export const rdsBackups: Rule = {
  id: 'CH-RDS-004',
  severity: 'error',
  resourceTypes: ['aws_db_instance', 'aws_rds_cluster'],
  title: 'RDS automated backups on (backup_retention_period >= 1)',
  why: 'Without automated backups there is no point-in-time restore after a bad migration or deletion.',
  fix: "set backup_retention_period to the tier's backup days (modules/database backupRetentionDays)",
  checkov: ['CKV_AWS_133'],
  check(db) {
    // Read replicas copy the source; their own backups are optional.
    if (db.config.replicate_source_db !== undefined) return NOT_APPLICABLE;
    const days = numberOf(db.config.backup_retention_period);
    if (db.type === 'aws_rds_cluster' && db.config.backup_retention_period === undefined) return COMPLIANT; // clusters default to 1 day
    return days !== undefined && days >= 1 ? COMPLIANT : nonCompliant(`backup_retention_period is ${show(db.config.backup_retention_period)}`);
  },
};
