import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { newId } from '../../lambdas/keys/key-material.js';
import type { PlanId } from '../../lambdas/plans/catalog.js';
import { ITEM, isConditionFailure } from '../../lambdas/store/accounts-items.js';
import { createAccountRepository } from '../../lambdas/store/accounts-profiles.js';

/**
 * `npm start` keeps what a developer had before plans existed: the dev user's account is on the plan with every
 * feature and the highest limits. A new account is created on it; one from before plans (its profile has no plan)
 * is moved to it; any other is left as an admin set it.
 */
export const DEV_ACCOUNT_PLAN: PlanId = 'enterprise';

export async function ensureDevAccount(db: DynamoDBDocumentClient, table: string, user: { sub: string; email: string }): Promise<void> {
  const accounts = createAccountRepository(db, table);
  const existing = await accounts.findAccountId(user.sub, { consistent: true });
  if (!existing) {
    await accounts.createAccount(user.sub, newId('acc'), new Date().toISOString(), { plan: DEV_ACCOUNT_PLAN, email: user.email });
    return;
  }
  try {
    await db.send(
      new UpdateCommand({
        TableName: table,
        Key: ITEM.profile(existing),
        UpdateExpression: 'SET #plan = :plan',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#plan)',
        ExpressionAttributeNames: { '#plan': 'plan' },
        ExpressionAttributeValues: { ':plan': DEV_ACCOUNT_PLAN },
      }),
    );
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
  }
}
