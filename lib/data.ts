import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, StreamViewType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
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
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
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
      });
    }
    this.logicalName = logicalName;
    this.key = key;
    this.spec = spec;
  }

  /** The ARNs an IAM statement on this table's items must name: the table, plus its indexes when it has any. */
  grantableArns(): string[] {
    return this.spec.indexes?.length ? [this.tableArn, `${this.tableArn}/index/*`] : [this.tableArn];
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
    this.tables = Object.fromEntries(
      TABLE_NAMES.map((name) => [name, new RouKeyTable(this, name, this.tableKey)]),
    ) as Record<TableName, RouKeyTable>;
  }
}
