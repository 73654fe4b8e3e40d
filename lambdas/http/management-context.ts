import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createAccountService, type AccountService } from '../accounts/account-service.js';
import { runtimeConfig, type RuntimeConfig } from '../runtime-config.js';
import { createDocumentClient } from '../store/dynamo.js';
import { createAccountRepository } from '../store/accounts-profiles.js';

/** What every management Lambda shares per container: config, one DynamoDB client, the account service. */
export interface ManagementContext {
  readonly config: RuntimeConfig;
  readonly db: DynamoDBDocumentClient;
  readonly accounts: AccountService;
}

let context: ManagementContext | undefined;

/** Built on first use, so importing a handler needs no environment (tests set it before the first call). */
export function managementContext(): ManagementContext {
  if (context) return context;
  const config = runtimeConfig();
  const db = createDocumentClient(config);
  context = { config, db, accounts: createAccountService(createAccountRepository(db, config.tables.accounts, { defaultPlan: config.plans.defaultPlan })) };
  return context;
}
