import type { Rule } from '../types';
import { COMPLIANT, isTrue, nonCompliant, show } from '../helpers';

export const rdsEncryption: Rule = {
  id: 'CH-RDS-001',
  severity: 'error',
  resourceTypes: ['aws_db_instance', 'aws_rds_cluster'],
  title: 'RDS storage encrypted',
  why: 'Database storage, its backups and snapshots hold the most sensitive data of the system.',
  fix: 'set storage_encrypted = true (modules/database does); an existing instance needs a snapshot restore',
  checkov: ['CKV_AWS_16', 'CKV_AWS_96'],
  check(db) {
    return isTrue(db.config.storage_encrypted) ? COMPLIANT : nonCompliant(`storage_encrypted is ${show(db.config.storage_encrypted)}`);
  },
};
