import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { HandlerName } from '../lambdas/handlers/routes.js';
import { grantBedrockInvoke } from './bedrock-access.js';
import type { RouKeyFunction } from './function.js';
import type { ApiProps } from './api.js';

type Grants = (fn: RouKeyFunction, props: ApiProps) => void;

/**
 * What every Cognito-authorised function needs to know its caller (lambdas/accounts/caller.ts): the account,
 * created on first use and stamped as active, the email read once from the user pool, and each 403 recorded as a
 * security event (an UpdateItem on activity, never a read of it).
 */
const managementCaller: Grants = (fn, { tables, auth }) => {
  fn.bindTable(tables.accounts, 'readWrite');
  fn.bindTable(tables.activity, { actions: ['dynamodb:UpdateItem'] });
  fn.addToRolePolicy(new PolicyStatement({ actions: ['cognito-idp:AdminGetUser'], resources: [auth.userPool.userPoolArn] }));
};

/** Least privilege, per function: only what its handler's code paths call. */
export const GRANTS: Record<HandlerName, Grants> = {
  // The hot path never deletes and never scans: look up keys and the account's standing, stamp last use, lease
  // request limits, write one metadata item, fold refusals into security events and share target health
  // (lambdas/store/limits-health.ts: one Query per account, UpdateItem per change).
  'chat-completions': (fn, { tables, providerKeys, enableBedrock }) => {
    fn.bindTable(tables.accounts, { actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'] });
    fn.bindTable(tables.activity, { actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'] });
    fn.bindTable(tables.limits, { actions: ['dynamodb:Query', 'dynamodb:UpdateItem'] });
    providerKeys.grantUnwrap(fn);
    if (enableBedrock) grantBedrockInvoke(fn);
  },
  // Anthropic's Messages format in front of the same engine: exactly the router's grants.
  messages: (fn, props) => GRANTS['chat-completions'](fn, props),
  // Embeddings through the same engine (Bedrock's through InvokeModel): exactly the router's grants.
  embeddings: (fn, props) => GRANTS['chat-completions'](fn, props),
  // The Responses API in front of the same engine: the router's grants, and the account's state key (made on first
  // use with one conditional PutItem) to seal state into the ids it gives out instead of storing it.
  responses: (fn, props) => {
    GRANTS['chat-completions'](fn, props);
    fn.bindTable(props.tables.accounts, { actions: ['dynamodb:PutItem'] });
    props.providerKeys.grantStateKeys(fn);
  },
  models: (fn, { tables, providerKeys }) => {
    fn.bindTable(tables.accounts, 'read');
    providerKeys.grantUnwrap(fn);
  },
  // Stores new provider keys; it never needs to decrypt one (lists show the hint only).
  'provider-keys': (fn, props) => {
    managementCaller(fn, props);
    props.providerKeys.grantWrap(fn);
  },
  'api-keys': managementCaller,
  // Configs and roles are account data under the table's key (P6); they never touch a provider key.
  configs: managementCaller,
  roles: managementCaller,
  'auth-config': () => {},
  // Lists the caller's own security events, and their sign-in events from the user pool (P8).
  'security-events': (fn, props) => {
    managementCaller(fn, props);
    fn.bindTable(props.tables.activity, { actions: ['dynamodb:Query'] });
    fn.addToRolePolicy(new PolicyStatement({ actions: ['cognito-idp:AdminListUserAuthEvents'], resources: [props.auth.userPool.userPoolArn] }));
  },
  // Usage series from the rollups; the profile's timezone comes with the caller's accounts grant.
  usage: (fn, props) => {
    managementCaller(fn, props);
    fn.bindTable(props.tables.usage, { actions: ['dynamodb:Query'] });
  },
  // The request log: a key range of the caller's records, or one record found through the request-id index.
  requests: (fn, props) => {
    managementCaller(fn, props);
    fn.bindTable(props.tables.activity, { actions: ['dynamodb:Query', 'dynamodb:GetItem'] }, { indexes: true });
  },
  'provider-metrics': (fn, props) => GRANTS.usage(fn, props),
  // Lists accounts through the accounts table's listing index and reads their monthly counters; changes standings.
  'admin-accounts': (fn, props) => {
    managementCaller(fn, props);
    fn.bindTable(props.tables.accounts, { actions: ['dynamodb:Query'] }, { indexes: true });
    fn.bindTable(props.tables.limits, { actions: ['dynamodb:GetItem'] });
  },
  // Stores an update and the day's count on limits (one transaction), reads it back, starts its job.
  'admin-product-updates': (fn, props) => {
    managementCaller(fn, props);
    fn.bindTable(props.tables.limits, { actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'] });
    props.events.grantPublish(fn);
  },
  // Creates the invited user in the pool (Cognito mails the temporary password) and their account.
  'admin-invitations': (fn, props) => {
    managementCaller(fn, props);
    fn.bindTable(props.tables.limits, { actions: ['dynamodb:GetItem'] });
    fn.addToRolePolicy(new PolicyStatement({ actions: ['cognito-idp:AdminCreateUser'], resources: [props.auth.userPool.userPoolArn] }));
  },
  // Revokes the caller's refresh tokens.
  'sign-out': (fn, props) => {
    managementCaller(fn, props);
    fn.addToRolePolicy(new PolicyStatement({ actions: ['cognito-idp:AdminUserGlobalSignOut'], resources: [props.auth.userPool.userPoolArn] }));
  },
  // The caller's plan and usage: this month's counter on limits, the item counts on accounts.
  'me-plan': (fn, props) => {
    managementCaller(fn, props);
    fn.bindTable(props.tables.limits, { actions: ['dynamodb:GetItem'] });
  },
  // The profile: reads the account's consent history and the pool's record of the user; shows the avatar by a link.
  me: (fn, props) => {
    managementCaller(fn, props);
    props.avatars.grantProfile(fn, {});
  },
  'me-consent': (fn, props) => GRANTS.me(fn, props),
  // Hands out upload forms for incoming/ and deletes the avatar.
  'me-avatar': (fn, props) => {
    managementCaller(fn, props);
    props.avatars.grantProfile(fn, { upload: true });
  },
  // The email change itself acts with the user's own access token (Cognito's user API), which needs no IAM grant.
  'me-email': (fn, props) => GRANTS.me(fn, props),
  // Starts export jobs (their status items are the account's) and signs the links to their files.
  'me-export': (fn, props) => {
    managementCaller(fn, props);
    props.exports.grantLinks(fn);
    props.events.grantPublish(fn);
  },
  // Account deletion (P20): the confirmation (one item in the account's limits partition, taken once), the tombstone
  // and the status item in one transaction, the status read back; the job's event published (granted in lib/events.ts).
  'me-deletion': (fn, props) => {
    managementCaller(fn, props);
    fn.bindTable(props.tables.limits, { actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'] });
    props.events.grantPublish(fn);
  },
  // Public: one GetItem of a deletion's status item by its id.
  'deletion-status': (fn, { tables }) => {
    fn.bindTable(tables.limits, { actions: ['dynamodb:GetItem'] });
  },
  // Its key, secrets and one-time items are granted by lib/github-oidc.ts, which creates them.
  'github-oidc': () => {},
  // With billing off these answer 409; lib/billing.ts grants the ledger, the counters and the Stripe secret when it is on.
  billing: managementCaller,
  // No caller to resolve: reads a standing and sets a plan (the admin API's write), records billing's audit events.
  'billing-webhook': (fn, { tables }) => {
    fn.bindTable(tables.accounts, { actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'] });
    fn.bindTable(tables.activity, { actions: ['dynamodb:UpdateItem'] });
  },
};
