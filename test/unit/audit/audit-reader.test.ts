import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import { auditEntriesOf } from '../../../lambdas/audit/audit-reader.js';

const line = (route: string) =>
  JSON.stringify({ kind: 'audit', at: '2026-12-01T00:00:00.000Z', accountId: 'acc_a', user: 'u1', admin: false, method: 'POST', route, status: 201 });

describe('reading an account’s audit lines back for its export (P18)', () => {
  it('filters the log group on the account id, follows every page, and yields the entries', async () => {
    const logs = mockClient(CloudWatchLogsClient);
    logs
      .on(FilterLogEventsCommand, { nextToken: undefined })
      .resolves({ events: [{ message: line('/v1/api-keys') }], nextToken: 'page2' })
      .on(FilterLogEventsCommand, { nextToken: 'page2' })
      .resolves({ events: [{ message: line('/v1/configs') }, { message: 'not json' }] });
    const client = new CloudWatchLogsClient({ region: 'us-east-1' });
    const entries: unknown[] = [];
    for await (const entry of auditEntriesOf(client, 'roukey-audit', 'acc_a')) entries.push(entry);
    expect(entries.map((e) => (e as { route: string }).route)).toEqual(['/v1/api-keys', '/v1/configs']);
    const calls = logs.commandCalls(FilterLogEventsCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({ logGroupName: 'roukey-audit', filterPattern: '{ $.accountId = "acc_a" }' });
    logs.restore();
  });

  it('refuses an account id that could change the filter pattern', async () => {
    const client = new CloudWatchLogsClient({ region: 'us-east-1' });
    await expect(auditEntriesOf(client, 'roukey-audit', 'acc" || $.accountId = "x').next()).rejects.toThrow('Not an account id');
  });
});
