import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { newId } from '../../lambdas/keys/key-material.js';
import { POLICY_VERSION } from '../../lambdas/accounts/policy.js';
import type { PlanId } from '../../lambdas/plans/catalog.js';
import { ITEM, isConditionFailure } from '../../lambdas/store/accounts-items.js';
import { createAccountRepository } from '../../lambdas/store/accounts-profiles.js';

/**
 * `npm start` keeps what a developer had before plans existed: the dev user's account is on the plan with every
 * feature and the highest limits. A new account is created on it; one from before plans (its profile has no plan)
 * is moved to it; any other is left as an admin set it.
 */
export const DEV_ACCOUNT_PLAN: PlanId = 'enterprise';

/**
 * The dev user's account, created with consent given (the developer runs the deployment: P24, P25 are theirs to
 * keep); an account from before consent existed is given it too.
 */
export async function ensureDevAccount(db: DynamoDBDocumentClient, table: string, user: { sub: string; email: string }): Promise<void> {
  const accounts = createAccountRepository(db, table);
  let accountId = await accounts.findAccountId(user.sub, { consistent: true });
  if (!accountId) {
    accountId = newId('acc');
    await accounts.createAccount(user.sub, accountId, new Date().toISOString(), { plan: DEV_ACCOUNT_PLAN, email: user.email });
  }
  const standing = await accounts.standing(accountId);
  if (standing?.consentedPolicy === undefined) {
    await accounts.recordConsent(accountId, { policyVersion: POLICY_VERSION, over13: true, acceptedAt: new Date().toISOString(), source: 'local-dev' });
  }
  try {
    await db.send(
      new UpdateCommand({
        TableName: table,
        Key: ITEM.profile(accountId),
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
