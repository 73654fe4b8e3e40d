import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, DeleteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PLAN_IDS, type PlanId } from '../plans/catalog.js';
import {
  SUBSCRIPTION_STATUSES,
  type BillingNotice,
  type BillingState,
  type BillingStore,
  type LedgerTransaction,
  type SubscriptionStatus,
} from '../billing/ports.js';
import { accountPk, isConditionFailure } from './accounts-items.js';
import { RETENTION, expiresAfterDays } from './retention.js';

/**
 * Item design of the `ledger` table (P12: every item expires 7 years after its last write; the table has deletion
 * protection). Amounts are integers in minor units. Nothing here holds card data, a billing address or a tax id
 * (P13, P14): those stay in Stripe and are read from it when shown.
 *
 * | pk                      | sk                       | attributes                                                        |
 * |-------------------------|--------------------------|-------------------------------------------------------------------|
 * | ACCOUNT#<accountId>     | BILLING                  | customerId, subscriptionId?, status?, plan?, currentPeriodEnd?, cancelAtPeriodEnd?, graceEndsAt?, notice?, updatedAt, expiresAt — the account's billing as mirrored from Stripe |
 * | ACCOUNT#<accountId>     | TX#<createdAt>#<id>      | id, type, amount, currency, tax, status, createdAt, hostedInvoiceUrl, pdfUrl, expiresAt — one transaction; sk order is time order (`GET /v1/billing/transactions` newest first) |
 * | ACCOUNT#<accountId>     | SYNC#<yyyy-mm-dd>        | corrections, syncedAt, expiresAt — the nightly sync of that date reconciled the account |
 * | ACCOUNT#<accountId>     | METER#<yyyy-mm>          | reported, expiresAt — overage requests already reported to Stripe's meter that month |
 * | CUSTOMER#<customerId>   | CUSTOMER                 | accountId, expiresAt — a webhook's customer → its account |
 * | BILLED                  | ACCOUNT#<accountId>      | customerId, expiresAt — every account with a customer, listed by one Query for the nightly sync |
 * | EVENT#<stripe event id> | EVENT                    | type, state (processing, done), outcome?, accountId?, receivedAt, expiresAt — each webhook event handled once |
 *
 * BILLING, CUSTOMER# and BILLED are written together when the account's customer is created, conditionally, so an
 * account has one customer whatever the races. A TX# item's sk comes from the Stripe object (its id and time), so
 * seeing the object again (a redelivery, the sync) finds it there: the conditional put adds nothing.
 */
export const ITEM = {
  billing: (accountId: string) => ({ pk: accountPk(accountId), sk: 'BILLING' }),
  transaction: (accountId: string, createdAt: string, id: string) => ({ pk: accountPk(accountId), sk: `${TX_PREFIX}${createdAt}#${id}` }),
  sync: (accountId: string, date: string) => ({ pk: accountPk(accountId), sk: `SYNC#${date}` }),
  meter: (accountId: string, month: string) => ({ pk: accountPk(accountId), sk: `METER#${month}` }),
  customer: (customerId: string) => ({ pk: `CUSTOMER#${customerId}`, sk: 'CUSTOMER' }),
  billed: (accountId: string) => ({ pk: BILLED_PK, sk: accountPk(accountId) }),
  event: (eventId: string) => ({ pk: `EVENT#${eventId}`, sk: 'EVENT' }),
} as const;

export const TX_PREFIX = 'TX#';
const BILLED_PK = 'BILLED';
/** What a transaction's sk looks like, to check one that came back in a cursor. */
export const TRANSACTION_SK = /^TX#\d{4}-\d{2}-\d{2}T[\d:.]+Z#[A-Za-z0-9_:-]{1,200}$/;

const STATE_FIELDS = ['subscriptionId', 'status', 'plan', 'currentPeriodEnd', 'cancelAtPeriodEnd', 'graceEndsAt', 'notice'] as const;

export function createLedgerStore(db: DynamoDBDocumentClient, table: string, options: { now?: () => number } = {}): BillingStore {
  const now = options.now ?? Date.now;
  const expiresAt = () => expiresAfterDays(RETENTION.ledgerDays, now());

  async function put(item: Record<string, unknown>, condition?: string): Promise<boolean> {
    try {
      await db.send(new PutCommand({ TableName: table, Item: { ...item, expiresAt: expiresAt() }, ConditionExpression: condition }));
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  return {
    async state(accountId) {
      const out = await db.send(new GetCommand({ TableName: table, Key: ITEM.billing(accountId), ConsistentRead: true }));
      return out.Item ? stateOf(out.Item) : undefined;
    },

    async claimCustomer(accountId, customerId) {
      const at = new Date(now()).toISOString();
      const ttl = expiresAt();
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: table,
                  Item: { ...ITEM.billing(accountId), customerId, updatedAt: at, expiresAt: ttl },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              { Put: { TableName: table, Item: { ...ITEM.customer(customerId), accountId, expiresAt: ttl } } },
              { Put: { TableName: table, Item: { ...ITEM.billed(accountId), customerId, expiresAt: ttl } } },
            ],
          }),
        );
        return customerId;
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
        const standing = await this.state(accountId);
        if (!standing) throw err;
        return standing.customerId;
      }
    },

    async accountOfCustomer(customerId) {
      const out = await db.send(new GetCommand({ TableName: table, Key: ITEM.customer(customerId) }));
      return typeof out.Item?.accountId === 'string' ? out.Item.accountId : undefined;
    },

    async changeState(accountId, change) {
      const sets = STATE_FIELDS.filter((f) => change[f] !== undefined && change[f] !== null);
      const removes = STATE_FIELDS.filter((f) => change[f] === null);
      const names = Object.fromEntries([...sets, ...removes].map((f) => [`#${f}`, f]));
      const assignments = [...sets.map((f) => `#${f} = :${f}`), 'updatedAt = :at', 'expiresAt = :ttl'];
      await db.send(
        new UpdateCommand({
          TableName: table,
          Key: ITEM.billing(accountId),
          UpdateExpression: `SET ${assignments.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.map((f) => `#${f}`).join(', ')}` : ''}`,
          // Only an account whose customer exists has billing state to change.
          ConditionExpression: 'attribute_exists(customerId)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: {
            ...Object.fromEntries(sets.map((f) => [`:${f}`, change[f]])),
            ':at': new Date(now()).toISOString(),
            ':ttl': expiresAt(),
          },
        }),
      );
    },

    async recordTransaction(accountId, transaction) {
      return put({ ...ITEM.transaction(accountId, transaction.createdAt, transaction.id), ...transaction }, 'attribute_not_exists(pk)');
    },

    async transactions(accountId, { limit, after }) {
      const out = await db.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :tx)',
          FilterExpression: 'expiresAt > :now',
          ExpressionAttributeValues: { ':pk': accountPk(accountId), ':tx': TX_PREFIX, ':now': Math.floor(now() / 1000) },
          ScanIndexForward: false,
          Limit: limit,
          ExclusiveStartKey: after && { pk: accountPk(accountId), sk: after.sk },
        }),
      );
      const last = out.LastEvaluatedKey;
      return { data: (out.Items ?? []).map(transactionOf), ...(last ? { after: { sk: last.sk as string } } : {}) };
    },

    async claimEvent(eventId, type) {
      return put({ ...ITEM.event(eventId), type, state: 'processing', receivedAt: new Date(now()).toISOString() }, 'attribute_not_exists(pk)');
    },

    async finishEvent(eventId, outcome, accountId) {
      await db.send(
        new UpdateCommand({
          TableName: table,
          Key: ITEM.event(eventId),
          UpdateExpression: accountId === undefined ? 'SET #state = :done, outcome = :outcome' : 'SET #state = :done, outcome = :outcome, accountId = :account',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':done': 'done', ':outcome': outcome, ...(accountId === undefined ? {} : { ':account': accountId }) },
        }),
      );
    },

    async releaseEvent(eventId) {
      await db
        .send(
          new DeleteCommand({
            TableName: table,
            Key: ITEM.event(eventId),
            ConditionExpression: '#state = :processing',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':processing': 'processing' },
          }),
        )
        .catch((err: unknown) => {
          if (!isConditionFailure(err)) throw err;
        });
    },

    async billedAccounts() {
      const accounts: { accountId: string; customerId: string }[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const out = await db.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': BILLED_PK },
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of out.Items ?? [])
          accounts.push({ accountId: (item.sk as string).slice(accountPk('').length), customerId: item.customerId as string });
        startKey = out.LastEvaluatedKey;
      } while (startKey);
      return accounts;
    },

    async syncedOn(accountId, date) {
      const out = await db.send(new GetCommand({ TableName: table, Key: ITEM.sync(accountId, date), ConsistentRead: true }));
      return out.Item !== undefined;
    },

    async markSynced(accountId, date, corrections) {
      await put({ ...ITEM.sync(accountId, date), corrections, syncedAt: new Date(now()).toISOString() });
    },

    async reportedOverage(accountId, month) {
      const out = await db.send(new GetCommand({ TableName: table, Key: ITEM.meter(accountId, month), ConsistentRead: true }));
      return typeof out.Item?.reported === 'number' ? out.Item.reported : 0;
    },

    async setReportedOverage(accountId, month, reported) {
      await put({ ...ITEM.meter(accountId, month), reported });
    },
  };
}

function stateOf(item: Record<string, unknown>): BillingState {
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return {
    customerId: item.customerId as string,
    subscriptionId: text(item.subscriptionId),
    status: SUBSCRIPTION_STATUSES.includes(item.status as SubscriptionStatus) ? (item.status as SubscriptionStatus) : undefined,
    plan: PLAN_IDS.includes(item.plan as PlanId) ? (item.plan as PlanId) : undefined,
    currentPeriodEnd: text(item.currentPeriodEnd),
    cancelAtPeriodEnd: item.cancelAtPeriodEnd === true,
    graceEndsAt: text(item.graceEndsAt),
    notice: text(item.notice) as BillingNotice | undefined,
  };
}

function transactionOf(item: Record<string, unknown>): LedgerTransaction {
  return {
    id: item.id as string,
    type: item.type as LedgerTransaction['type'],
    amount: item.amount as number,
    currency: (item.currency as string | undefined) ?? null,
    tax: (item.tax as number | undefined) ?? 0,
    status: item.status as string,
    createdAt: item.createdAt as string,
    hostedInvoiceUrl: (item.hostedInvoiceUrl as string | undefined) ?? null,
    pdfUrl: (item.pdfUrl as string | undefined) ?? null,
  };
}
