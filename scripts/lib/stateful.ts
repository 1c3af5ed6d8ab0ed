/**
 * Terraform resource types that hold data (or keys to data). Replacing or destroying one of these loses
 * data or makes it unreadable, so the plan summary lists those actions at the top and the promotion check
 * (scripts/lib/promote*.ts) warns about them.
 *
 * One table, shared by every tool that needs to know "is this resource stateful?". Each entry says what is lost.
 */
export const STATEFUL_RESOURCE_TYPES: Readonly<Record<string, string>> = {
  aws_db_instance: 'database instance and its data (unless a final snapshot is taken)',
  aws_rds_cluster: 'database cluster and its data',
  aws_rds_cluster_instance: 'database cluster member',
  aws_s3_bucket: 'bucket and every object in it',
  aws_sqs_queue: 'queue and the messages in it',
  aws_dynamodb_table: 'table and its items',
  aws_ebs_volume: 'volume and its data',
  aws_elasticache_replication_group: 'cache data',
  aws_elasticache_cluster: 'cache data',
  aws_opensearch_domain: 'search domain and its indices',
  aws_efs_file_system: 'file system and its files',
  aws_kinesis_stream: 'stream and its records',
  aws_secretsmanager_secret: 'secret and its value',
  aws_kms_key: 'key, and every ciphertext encrypted with it becomes unreadable',
  aws_ecr_repository: 'repository and its images',
  aws_cloudwatch_log_group: 'log group and its logs',
  aws_route53_zone: 'hosted zone and its delegation',
} as const;

/** True when replacing or destroying a resource of this type loses data. */
export function isStatefulType(type: string): boolean {
  return Object.prototype.hasOwnProperty.call(STATEFUL_RESOURCE_TYPES, type);
}
