import { FilterLogEventsCommand, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';

/** An account's id as the audit line holds it; checked before it goes into a filter pattern. */
const ACCOUNT_ID = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * One account's audit lines, read back from the audit trail's log group (lambdas/audit/audit-log.ts) for its export
 * (P18): FilterLogEvents with a JSON filter on `accountId`, page after page (the lines are JSON, one entry each).
 */
export async function* auditEntriesOf(client: Pick<CloudWatchLogsClient, 'send'>, logGroup: string, accountId: string): AsyncGenerator<unknown> {
  if (!ACCOUNT_ID.test(accountId)) throw new Error('Not an account id');
  let nextToken: string | undefined;
  do {
    const out = await client.send(new FilterLogEventsCommand({ logGroupName: logGroup, filterPattern: `{ $.accountId = "${accountId}" }`, nextToken }));
    for (const event of out.events ?? []) {
      try {
        yield JSON.parse(event.message ?? '');
      } catch {
        // Every line the trail writes is JSON; anything else in the group is not an audit entry.
      }
    }
    nextToken = out.nextToken;
  } while (nextToken);
}
