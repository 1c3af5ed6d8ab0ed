import type { Rule } from '../types';
import { COMPLIANT, NOT_APPLICABLE, blocks, nonCompliant, show } from '../helpers';

/** Parameter that makes each engine refuse connections without TLS, and the values that turn it on. */
const TLS_PARAMETER: Record<string, { name: string; on: string[] }> = {
  postgres: { name: 'rds.force_ssl', on: ['1', 'true', 'on'] },
  'aurora-postgresql': { name: 'rds.force_ssl', on: ['1', 'true', 'on'] },
  mysql: { name: 'require_secure_transport', on: ['1', 'on', 'true'] },
  mariadb: { name: 'require_secure_transport', on: ['1', 'on', 'true'] },
  'aurora-mysql': { name: 'require_secure_transport', on: ['1', 'on', 'true'] },
  'sqlserver-ee': { name: 'rds.force_ssl', on: ['1'] },
  'sqlserver-se': { name: 'rds.force_ssl', on: ['1'] },
  'sqlserver-ex': { name: 'rds.force_ssl', on: ['1'] },
  'sqlserver-web': { name: 'rds.force_ssl', on: ['1'] },
};

export const rdsForceSsl: Rule = {
  id: 'CH-RDS-002',
  severity: 'error',
  resourceTypes: ['aws_db_instance', 'aws_rds_cluster'],
  title: 'RDS refuses connections without TLS (rds.force_ssl / require_secure_transport)',
  why: 'Default parameter groups of PostgreSQL < 16 and MySQL accept plain-text connections, so credentials and rows can cross the network unencrypted.',
  fix: 'use a parameter group with rds.force_ssl = 1 (PostgreSQL, SQL Server) or require_secure_transport = 1 (MySQL, MariaDB); modules/database does',
  check(db, context) {
    // A read replica inherits the engine of its source.
    const source = context.get(context.target(db.config.replicate_source_db) ?? '');
    const engine = String(db.config.engine ?? source?.config.engine ?? '');
    const tls = TLS_PARAMETER[engine];
    if (!tls) return NOT_APPLICABLE;
    const argument = db.type === 'aws_rds_cluster' ? 'db_cluster_parameter_group_name' : 'parameter_group_name';
    const groupValue = db.config[argument];
    // A reference to a group of the stack, or the literal name of one.
    const groupType = db.type === 'aws_rds_cluster' ? 'aws_rds_cluster_parameter_group' : 'aws_db_parameter_group';
    const group = context.get(context.target(groupValue) ?? '') ?? context.resources(groupType).find((g) => typeof groupValue === 'string' && g.config.name === groupValue);
    if (!group) return nonCompliant(`${argument} is ${show(groupValue)}: not a parameter group of this stack, so ${tls.name} is the engine default (off)`);
    const parameter = blocks(group.config.parameter).find((p) => p.name === tls.name);
    if (!parameter) return nonCompliant(`${group.address} does not set ${tls.name}`);
    return tls.on.includes(String(parameter.value).toLowerCase()) ? COMPLIANT : nonCompliant(`${group.address} sets ${tls.name} = ${show(parameter.value)}`);
  },
};
