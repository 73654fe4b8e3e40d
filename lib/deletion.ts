import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import type { TableName } from '../lambdas/store/tables.js';
import type { Avatars } from './avatars.js';
import type { RouKeyTable } from './data.js';
import type { Events } from './events.js';
import type { Exports } from './exports.js';
import type { RouKeyFunction } from './function.js';

/**
 * What the account deletion job (lambdas/handlers/account-deletion.ts) may do, and nothing more: read and delete the
 * account's items page by page (Query, BatchWriteItem; never a table scan but the ledger's, which finds webhook
 * events naming the account), move its ledger items (PutItem) and strip the account from webhook events
 * (UpdateItem), keep its status item (GetItem, UpdateItem on limits), delete the account's avatar and export objects and its
 * Cognito user, and hand a long deletion over to its next run (PutEvents). Stripe is granted by lib/billing.ts.
 */
export function grantAccountDeletion(
  fn: RouKeyFunction,
  props: {
    tables: Readonly<Record<TableName, RouKeyTable>>;
    avatars: Avatars;
    exports: Exports;
    userPool: IUserPool;
    events: Events;
    environment: Readonly<Record<string, string>>;
  },
): void {
  const { tables } = props;
  for (const [name, value] of Object.entries(props.environment)) fn.addEnvironment(name, value);
  fn.bindTable(tables.accounts, { actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchWriteItem'] });
  fn.bindTable(tables.activity, { actions: ['dynamodb:Query', 'dynamodb:BatchWriteItem'] });
  fn.bindTable(tables.usage, { actions: ['dynamodb:Query', 'dynamodb:BatchWriteItem'] });
  fn.bindTable(tables.limits, { actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'] });
  fn.bindTable(tables.ledger, {
    actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'],
  });
  props.avatars.grantDeletion(fn);
  props.exports.grantDeletion(fn);
  fn.addToRolePolicy(new PolicyStatement({ actions: ['cognito-idp:AdminDeleteUser'], resources: [props.userPool.userPoolArn] }));
  props.events.grantPublish(fn);
}
