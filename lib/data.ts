import { RETENTION } from '../lambdas/store/retention.js';
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Key, type IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { TABLES, TABLE_NAMES, type TableName, type TableSpec } from '../lambdas/store/tables.js';

/** A table built from its spec in lambdas/store/tables.ts, remembering its logical name for `bindTable`. */
export class RouKeyTable extends Table {
  readonly logicalName: TableName;
  readonly key: IKey;
  private readonly spec: TableSpec;

  constructor(scope: Construct, logicalName: TableName, key: IKey) {
    const spec: TableSpec = TABLES[logicalName];
    super(scope, logicalName, {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      // Deleted items stay in these backups this long (docs/deletion.md says so).
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true, recoveryPeriodInDays: RETENTION.pointInTimeRecoveryDays },
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: key,
      timeToLiveAttribute: spec.ttlAttribute,
      stream: spec.stream === 'NEW_IMAGE' ? StreamViewType.NEW_IMAGE : undefined,
      deletionProtection: spec.deletionProtection ?? false,
      // Account data and payment records outlive a mistaken `cdk destroy`.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of spec.indexes ?? []) {
      this.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.pk, type: AttributeType.STRING },
        sortKey: { name: index.sk, type: AttributeType.STRING },
        projectionType: index.projection === 'KEYS_ONLY' ? ProjectionType.KEYS_ONLY : ProjectionType.ALL,
      });
    }
    this.logicalName = logicalName;
    this.key = key;
    this.spec = spec;
  }

  /** The ARNs an IAM statement must name: the table, plus each of its indexes (by name) for a function that queries them. */
  grantableArns(options: { indexes?: boolean } = {}): string[] {
    const indexes = options.indexes ? (this.spec.indexes ?? []).map((index) => `${this.tableArn}/index/${index.name}`) : [];
    return [this.tableArn, ...indexes];
  }
}

/** Every table in TABLES, encrypted with one customer-managed key used for table data only. */
export class Data extends Construct {
  /** Only for table data: provider keys have their own key (lib/keys.ts) so table grants never reach them. */
  readonly tableKey: Key;
  readonly tables: Readonly<Record<TableName, RouKeyTable>>;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.tableKey = new Key(this, 'TableKey', {
      description: 'RouKey table data',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.tables = Object.fromEntries(TABLE_NAMES.map((name) => [name, new RouKeyTable(this, name, this.tableKey)])) as Record<TableName, RouKeyTable>;
  }
}
