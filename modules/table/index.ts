import { Construct } from 'constructs';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { PropRule, validateProps, withDefaults } from '../core/props';
import { nameTags, pascalCase } from '../core/tags';
import { IGrantable } from '../iam/policy';
import { actionsVerb, grantPath, grantStatement } from '../iam/grant';
import { DYNAMODB_ITEM_ACTIONS, DynamoDbItemAction, TABLE_DEFAULTS, TABLE_GRANTS, TABLE_SETTINGS } from './defaults';

export { DYNAMODB_ITEM_ACTIONS, TABLE_DEFAULTS, TABLE_GRANTS, TABLE_SETTINGS } from './defaults';
export type { DynamoDbItemAction } from './defaults';

/** A key attribute: name and scalar type (S string, N number, B binary). */
export interface TableKey {
  readonly name: string;
  readonly type: 'S' | 'N' | 'B';
}

/** A global secondary index (on-demand like the table). */
export interface GlobalSecondaryIndex {
  /** Index name, 3-255 characters of [A-Za-z0-9_.-]. */
  readonly indexName: string;
  readonly partitionKey: TableKey;
  /**
   * Sort key of the index.
   * @default none
   */
  readonly sortKey?: TableKey;
  /**
   * Attributes copied into the index: 'ALL', 'KEYS_ONLY', or a list of non-key attributes (INCLUDE).
   * @default 'ALL'
   */
  readonly projection?: 'ALL' | 'KEYS_ONLY' | readonly string[];
}

export type StreamViewType = 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES' | 'KEYS_ONLY';

export interface TableProps {
  /** Table name (3-255 characters of [A-Za-z0-9_.-]). */
  readonly tableName: string;
  readonly partitionKey: TableKey;
  /**
   * Sort key.
   * @default none - items are identified by the partition key alone
   */
  readonly sortKey?: TableKey;
  /**
   * Global secondary indexes.
   * @default none
   */
  readonly globalSecondaryIndexes?: readonly GlobalSecondaryIndex[];
  /**
   * Turn on DynamoDB Streams (kept 24 hours) with this view of each changed item.
   * @default none - no stream
   */
  readonly streamViewType?: StreamViewType;
  /**
   * Attribute holding an expiry time (epoch seconds); DynamoDB deletes expired items within about two days.
   * @default none - items never expire
   */
  readonly timeToLiveAttribute?: string;
  /**
   * Continuous backups with point-in-time recovery (35 days).
   * @default true
   */
  readonly pointInTimeRecovery?: boolean;
  /** Refuse DeleteTable (DynamoDB deletion protection); from the tier profile. */
  readonly deletionProtection: boolean;
  /**
   * Key encrypting the table at rest when no `encryptionKey` is given: 'aws-managed' is the
   * account's `aws/dynamodb` key (use visible in CloudTrail; its key policy admits DynamoDB
   * callers of the account, so grants need no KMS statements); 'aws-owned' is DynamoDB's own
   * key (free, not auditable).
   * @default 'aws-managed'
   */
  readonly encryption?: 'aws-managed' | 'aws-owned';
  /**
   * Customer managed KMS key encrypting the table (and its stream). Grants then include the
   * key use DynamoDB needs (kms:Decrypt, kms:DescribeKey, kms:GenerateDataKey* via DynamoDB).
   * @default none - see `encryption`
   */
  readonly encryptionKey?: KmsKey;
  /**
   * Refuse `terraform destroy` of the table (lifecycle.prevent_destroy).
   * @default false
   */
  readonly preventDestroy?: boolean;
}

const NAME = /^[A-Za-z0-9_.-]{3,255}$/;
const ATTRIBUTE = /^.{1,255}$/;
const KEY_TYPES = ['S', 'N', 'B'];
const STREAM_VIEWS: readonly StreamViewType[] = ['NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES', 'KEYS_ONLY'];
const validKey = (k: TableKey | undefined): boolean => k === undefined || (ATTRIBUTE.test(k.name) && KEY_TYPES.includes(k.type));

/**
 * A DynamoDB table: on-demand capacity, point-in-time recovery, encryption at rest (the AWS managed
 * key by default, DynamoDB's own key, or a customer managed key), deletion protection from the tier, optional stream, TTL and global
 * secondary indexes (`aws_dynamodb_table.<id>_table`). Access: `grantReadData`, `grantWriteData`,
 * `grantReadWriteData`, `grantItemActions` (exact actions) and `grantStreamRead`.
 */
export class Table extends Construct {
  readonly table: DynamodbTable;
  readonly tableName: string;
  /** Stream ARN, when the table has a stream. */
  readonly streamArn?: string;
  private readonly encryptionKey?: KmsKey;
  private readonly hasIndexes: boolean;

  constructor(scope: Construct, id: string, props: TableProps) {
    super(scope, id);
    const p = withDefaults(TABLE_DEFAULTS, props);
    const indexes: readonly GlobalSecondaryIndex[] = p.globalSecondaryIndexes;
    // Every key attribute once, with one type (DynamoDB refuses the same name with two types).
    const attributes = new Map<string, string>();
    const clashes: string[] = [];
    for (const key of [p.partitionKey, p.sortKey, ...indexes.flatMap((i) => [i.partitionKey, i.sortKey])]) {
      if (!key) continue;
      const known = attributes.get(key.name);
      if (known !== undefined && known !== key.type) clashes.push(`${key.name} (${known} and ${key.type})`);
      if (known === undefined) attributes.set(key.name, key.type);
    }
    const indexNames = indexes.map((i) => i.indexName);
    const keyNames = new Set([p.partitionKey.name, p.sortKey?.name]);
    const view = { ...p, encryptionKey: p.encryptionKey?.node.path };
    const rules: PropRule<typeof view>[] = [
      { field: 'tableName', valid: (x) => NAME.test(x.tableName), expected: '3-255 characters of [A-Za-z0-9_.-]' },
      { field: 'partitionKey', valid: (x) => validKey(x.partitionKey), expected: "{ name: 1-255 characters, type: 'S' | 'N' | 'B' }" },
      { field: 'sortKey', valid: (x) => validKey(x.sortKey) && x.sortKey?.name !== x.partitionKey.name, expected: "{ name, type: 'S' | 'N' | 'B' } with a name other than the partition key's" },
      { field: 'globalSecondaryIndexes', valid: () => indexes.every((i) => NAME.test(i.indexName) && validKey(i.partitionKey) && validKey(i.sortKey)), expected: "indexes { indexName: 3-255 characters of [A-Za-z0-9_.-], partitionKey, sortKey? } with keys { name, type: 'S' | 'N' | 'B' }" },
      { field: 'globalSecondaryIndexes', valid: () => new Set(indexNames).size === indexNames.length && indexes.length <= 20, expected: 'at most 20 indexes with distinct names' },
      { field: 'globalSecondaryIndexes', valid: () => clashes.length === 0, expected: `one type per key attribute (clashing: ${clashes.join(', ')})` },
      { field: 'globalSecondaryIndexes', valid: () => indexes.every((i) => !Array.isArray(i.projection) || (i.projection.length >= 1 && i.projection.every((a) => !keyNames.has(a)))), expected: 'INCLUDE projections naming at least one non-key attribute' },
      { field: 'encryption', valid: (x) => ['aws-managed', 'aws-owned'].includes(x.encryption), expected: "'aws-managed' or 'aws-owned' (or pass encryptionKey)" },
      { field: 'encryption', valid: (x) => x.encryptionKey === undefined || props.encryption === undefined, expected: 'nothing when encryptionKey is given' },
      { field: 'streamViewType', valid: (x) => x.streamViewType === undefined || STREAM_VIEWS.includes(x.streamViewType), expected: `one of ${STREAM_VIEWS.join(', ')}` },
      { field: 'timeToLiveAttribute', valid: (x) => x.timeToLiveAttribute === undefined || (ATTRIBUTE.test(x.timeToLiveAttribute) && !keyNames.has(x.timeToLiveAttribute)), expected: 'an attribute name (1-255 characters) that is not a key of the table' },
    ];
    validateProps('Table', view, rules);
    this.tableName = p.tableName;
    this.encryptionKey = p.encryptionKey;
    this.hasIndexes = indexes.length > 0;

    this.table = new DynamodbTable(this, 'table', {
      name: p.tableName,
      billingMode: TABLE_SETTINGS.billingMode,
      tableClass: TABLE_SETTINGS.tableClass,
      hashKey: p.partitionKey.name,
      rangeKey: p.sortKey?.name,
      attribute: [...attributes].map(([name, type]) => ({ name, type })),
      globalSecondaryIndex: indexes.length
        ? indexes.map((i) => ({
            name: i.indexName,
            hashKey: i.partitionKey.name,
            rangeKey: i.sortKey?.name,
            projectionType: Array.isArray(i.projection) ? 'INCLUDE' : ((i.projection as 'ALL' | 'KEYS_ONLY' | undefined) ?? 'ALL'),
            nonKeyAttributes: Array.isArray(i.projection) ? [...i.projection] : undefined,
          }))
        : undefined,
      streamEnabled: p.streamViewType !== undefined,
      streamViewType: p.streamViewType,
      ttl: p.timeToLiveAttribute !== undefined ? { enabled: true, attributeName: p.timeToLiveAttribute } : undefined,
      pointInTimeRecovery: { enabled: p.pointInTimeRecovery },
      // enabled = false is DynamoDB's own key; enabled without an ARN is the AWS managed key aws/dynamodb.
      serverSideEncryption: p.encryptionKey ? { enabled: true, kmsKeyArn: p.encryptionKey.arn } : { enabled: p.encryption === 'aws-managed' },
      deletionProtectionEnabled: p.deletionProtection,
      lifecycle: p.preventDestroy ? { preventDestroy: true } : undefined,
      tags: nameTags(p.tableName),
    });
    if (p.streamViewType !== undefined) this.streamArn = this.table.streamArn;
  }

  get tableArn(): string {
    return this.table.arn;
  }

  /** Lets the grantee read items (get, batch get, query, scan; indexes included) and describe the table. */
  grantReadData(grantee: IGrantable): void {
    this.grantItemActions(grantee, TABLE_GRANTS.read, `Read${pascalCase(grantPath(this, grantee))}`);
  }

  /** Lets the grantee put, update, delete and batch-write items. */
  grantWriteData(grantee: IGrantable): void {
    this.grantItemActions(grantee, TABLE_GRANTS.write, `Write${pascalCase(grantPath(this, grantee))}`);
  }

  /** grantReadData and grantWriteData in one statement. */
  grantReadWriteData(grantee: IGrantable): void {
    this.grantItemActions(grantee, [...TABLE_GRANTS.read, ...TABLE_GRANTS.write], `ReadWrite${pascalCase(grantPath(this, grantee))}`);
  }

  /**
   * Lets the grantee perform exactly these item actions (least privilege, e.g. only
   * dynamodb:BatchWriteItem). Query and Scan also cover the table's indexes.
   * @param sid statement id; default `<Actions><Table>`, e.g. "BatchWriteItemUploadRecords"
   */
  grantItemActions(grantee: IGrantable, actions: readonly DynamoDbItemAction[], sid?: string): void {
    validateProps('Table.grantItemActions', { actions }, [
      { field: 'actions', valid: (x) => x.actions.length >= 1 && x.actions.every((a) => (DYNAMODB_ITEM_ACTIONS as readonly string[]).includes(a)), expected: `one or more of ${DYNAMODB_ITEM_ACTIONS.join(', ')}` },
    ]);
    const sorted = [...new Set(actions)].sort();
    const name = sid ?? `${actionsVerb(sorted)}${pascalCase(grantPath(this, grantee))}`;
    const readsIndexes = this.hasIndexes && sorted.some((a) => a === 'dynamodb:Query' || a === 'dynamodb:Scan');
    grantStatement(grantee, { verb: name, resource: this, sidIsVerb: true, actions: sorted, resources: readsIndexes ? [this.table.arn, `${this.table.arn}/index/*`] : [this.table.arn] });
    if (this.encryptionKey) {
      const writes = sorted.some((a) => (TABLE_GRANTS.write as readonly string[]).includes(a));
      this.grantKeyUse(grantee, `${name}Key`, writes ? ['kms:Decrypt', 'kms:DescribeKey', 'kms:GenerateDataKey*'] : ['kms:Decrypt', 'kms:DescribeKey']);
    }
  }

  /**
   * Lets the grantee read the table's stream (what Lambda's stream poller needs: DescribeStream,
   * GetRecords, GetShardIterator on the stream, and ListStreams, which IAM cannot scope).
   */
  grantStreamRead(grantee: IGrantable): void {
    if (!this.streamArn) throw new Error(`Table ${this.node.path}: grantStreamRead needs a stream (set streamViewType)`);
    const name = pascalCase(grantPath(this, grantee));
    grantStatement(grantee, { verb: 'ReadStream', resource: this, actions: [...TABLE_GRANTS.stream], resources: [this.streamArn] });
    grantStatement(grantee, { verb: 'ListStreams', resource: this, suffix: 'Unscopable', actions: ['dynamodb:ListStreams'], resources: ['*'] });
    if (this.encryptionKey) this.grantKeyUse(grantee, `ReadStream${name}Key`, ['kms:Decrypt']);
  }

  /**
   * Lets the grantee perform `actions` (any DynamoDB action, e.g. 'dynamodb:DescribeTable') on the table;
   * the statement id is the actions' names followed by the table's construct path.
   */
  grant(grantee: IGrantable, ...actions: string[]): void {
    grantStatement(grantee, { verb: actionsVerb(actions), resource: this, actions, resources: [this.table.arn] });
  }

  private grantKeyUse(grantee: IGrantable, sid: string, actions: readonly string[]): void {
    grantStatement(grantee, { verb: sid, resource: this, sidIsVerb: true, actions, resources: [this.encryptionKey!.arn], conditions: { StringLike: { 'kms:ViaService': 'dynamodb.*.amazonaws.com' } } });
  }
}
