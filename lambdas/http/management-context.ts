import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createAccountActivity } from '../accounts/account-activity.js';
import { createAccountService } from '../accounts/account-service.js';
import { createAccountStateReader, type AccountStateReader } from '../accounts/account-state.js';
import { createCallerResolver, type CallerResolver } from '../accounts/caller.js';
import { createConsentGate, type ConsentGate } from '../accounts/consent-gate.js';
import type { UserDirectory } from '../accounts/user-directory.js';
import { createAuditTrail } from '../audit/audit-log.js';
import type { AuditTrail } from '../audit/audit-trail.js';
import { createAdminMfaGate, type AdminMfaGate } from '../auth/admin-mfa.js';
import { createCognitoUserDirectory } from '../auth/cognito-user-directory.js';
import { runtimeConfig, type RuntimeConfig } from '../runtime-config.js';
import { logger } from './logger.js';
import type { SecurityEventRecorder } from '../security/security-event.js';
import { createSecurityEventRecorder } from '../store/activity-security-events.js';
import { createDocumentClient } from '../store/dynamo.js';
import { createAccountRepository, type AccountRepository } from '../store/accounts-profiles.js';

/** What every management Lambda shares per container: config, one DynamoDB client, who the caller is, where refusals go. */
export interface ManagementContext {
  readonly config: RuntimeConfig;
  readonly db: DynamoDBDocumentClient;
  readonly accounts: AccountRepository;
  readonly directory: UserDirectory;
  /** The accounts' standing, cached briefly; what the callers are checked against. */
  readonly states: AccountStateReader;
  readonly callers: CallerResolver;
  readonly securityEvents: SecurityEventRecorder;
  readonly adminMfa: AdminMfaGate;
  readonly audit: AuditTrail;
  readonly consent: ConsentGate;
}

let context: ManagementContext | undefined;

/** Built on first use, so importing a handler needs no environment (tests set it before the first call). */
export function managementContext(): ManagementContext {
  if (context) return context;
  const config = runtimeConfig();
  const db = createDocumentClient(config);
  const accounts = createAccountRepository(db, config.tables.accounts, { defaultPlan: config.plans.defaultPlan });
  const directory = createCognitoUserDirectory(config);
  const states = createAccountStateReader(accounts, config.plans);
  const callers = createCallerResolver({
    accounts: createAccountService(accounts),
    states,
    activity: createAccountActivity({ store: accounts, directory }),
    directory,
  });
  context = {
    config,
    db,
    accounts,
    directory,
    states,
    callers,
    securityEvents: createSecurityEventRecorder(db, config.tables.activity),
    adminMfa: createAdminMfaGate({ mode: config.adminMfa, directory }),
    audit: createAuditTrail(config, (err) => logger.error('audit write failed', { error: err instanceof Error ? err.name : typeof err })),
    consent: createConsentGate({ states, directory, store: accounts }),
  };
  return context;
}
