/** Defaults of the Table construct. */
export const TABLE_DEFAULTS = {
  /** Point-in-time recovery (35 days of continuous backups). */
  pointInTimeRecovery: true,
  /** No secondary indexes. */
  globalSecondaryIndexes: [] as readonly never[],
  /** The account's AWS managed key aws/dynamodb: auditable, no key policy to write, no KMS grants. */
  encryption: 'aws-managed' as 'aws-managed' | 'aws-owned',
  /** Refuse `terraform destroy` of the table (lifecycle.prevent_destroy). */
  preventDestroy: false,
} as const;

/** Fixed settings of every table. */
export const TABLE_SETTINGS = {
  /** On-demand capacity: pay per request, no capacity planning. */
  billingMode: 'PAY_PER_REQUEST',
  tableClass: 'STANDARD',
} as const;

/** Item-level actions a grant may name (no table administration). */
export const DYNAMODB_ITEM_ACTIONS = [
  'dynamodb:BatchGetItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DeleteItem',
  'dynamodb:DescribeTable',
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:UpdateItem',
] as const;
export type DynamoDbItemAction = (typeof DYNAMODB_ITEM_ACTIONS)[number];

/** Actions of each ready-made grant. */
export const TABLE_GRANTS = {
  read: ['dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'],
  write: ['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
  /** What Lambda's stream poller needs (ListStreams on the table's streams). */
  stream: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
} as const satisfies Record<string, readonly string[]>;
