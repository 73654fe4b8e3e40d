import { AdminListUserAuthEventsCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { createCognitoAuthEvents } from '../../../lambdas/auth/cognito-auth-events.js';
import type { SecurityEventReader, StoredSecurityEvent } from '../../../lambdas/security/security-events-service.js';
import { createSecurityEventsService } from '../../../lambdas/security/security-events-service.js';

const cognito = mockClient(CognitoIdentityProviderClient);
afterEach(() => cognito.reset());
afterAll(() => cognito.restore());

const NOW = Date.parse('2026-06-01T12:00:00.000Z');
const at = (minutesAgo: number) => new Date(NOW - minutesAgo * 60_000);
const config = { region: 'us-east-1', cognito: { userPoolId: 'us-east-1_pool', identityProviders: [] } };

/** RouKey's own events at the given minutes ago, served in pages of `limit` as the activity table's reader does. */
function reader(minutesAgo: number[]): SecurityEventReader & { calls: number } {
  const events: StoredSecurityEvent[] = minutesAgo
    .sort((a, b) => a - b)
    .map((m) => ({ kind: 'plan_limit', accountId: 'acc_1', code: `m${m}`, time: at(m).toISOString(), count: 1 }));
  const r = {
    calls: 0,
    async list(_accountId: string, query: { limit: number; after?: string }) {
      r.calls++;
      const start = query.after === undefined ? 0 : Number(query.after);
      const page = events.slice(start, start + query.limit);
      return { events: page, ...(start + query.limit < events.length ? { after: String(start + query.limit) } : {}) };
    },
  };
  return r;
}

function poolEvent(minutesAgo: number, type: string, response: string, extra: Record<string, unknown> = {}) {
  return { EventId: `e${minutesAgo}`, EventType: type, EventResponse: response, CreationDate: at(minutesAgo), ...extra } as never;
}

describe('P8: Cognito sign-in events merged into GET /v1/security-events', () => {
  it('lists the pool’s events for the caller beside RouKey’s, newest first, with risk, place and device', async () => {
    cognito.on(AdminListUserAuthEventsCommand).resolves({
      AuthEvents: [
        poolEvent(2, 'SignIn', 'Fail', {
          EventRisk: { RiskDecision: 'AccountTakeover', RiskLevel: 'High', CompromisedCredentialsDetected: false },
          EventContextData: { IpAddress: '198.51.100.9', DeviceName: 'Chrome, Linux', City: 'Lyon', Country: 'France' },
        }),
        poolEvent(4, 'SignIn', 'Pass'),
      ],
    });
    const service = createSecurityEventsService({ reader: reader([1, 3]), authEvents: createCognitoAuthEvents(config), now: () => NOW });
    const list = await service.list('acc_1', {}, 'user-sub-1');
    expect(list.data.map((e) => [e.source, e.kind, e.code])).toEqual([
      ['roukey', 'plan_limit', 'm1'],
      ['cognito', 'sign_in_failed', 'SignIn'],
      ['roukey', 'plan_limit', 'm3'],
      ['cognito', 'sign_in', 'SignIn'],
    ]);
    expect(list.data[1]).toMatchObject({
      sourceIp: '198.51.100.9',
      device: 'Chrome, Linux',
      city: 'Lyon',
      country: 'France',
      risk: { level: 'High', decision: 'AccountTakeover', compromisedCredentials: false },
    });
    expect(cognito.commandCalls(AdminListUserAuthEventsCommand)[0]!.args[0].input).toEqual({
      UserPoolId: 'us-east-1_pool',
      Username: 'user-sub-1',
      MaxResults: 60,
      NextToken: undefined,
    });
  });

  it('pages follow RouKey’s events; each pool event appears on exactly one page, the pool read page by page until the period’s start', async () => {
    cognito
      .on(AdminListUserAuthEventsCommand, { NextToken: undefined })
      .resolves({ AuthEvents: [poolEvent(1.5, 'SignIn', 'Pass'), poolEvent(2.5, 'SignIn', 'Fail')], NextToken: 't2' })
      .on(AdminListUserAuthEventsCommand, { NextToken: 't2' })
      .resolves({ AuthEvents: [poolEvent(5, 'ForgotPassword', 'Pass'), poolEvent(9, 'SignUp', 'Pass')] });
    const service = createSecurityEventsService({ reader: reader([1, 2, 3, 4]), authEvents: createCognitoAuthEvents(config), now: () => NOW });
    const first = await service.list('acc_1', { limit: 2 }, 'u');
    expect(first.data.map((e) => e.code)).toEqual(['m1', 'SignIn', 'm2']);
    expect(first.has_more).toBe(true);
    const second = await service.list('acc_1', { limit: 2, cursor: first.next_cursor! }, 'u');
    expect(second.data.map((e) => e.code)).toEqual(['SignIn', 'm3', 'm4', 'ForgotPassword', 'SignUp']);
    expect(second.data.map((e) => e.kind)).toEqual(['sign_in_failed', 'plan_limit', 'plan_limit', 'password_reset', 'sign_up']);
    expect(second.has_more).toBe(false);
  });

  it('a sign-in kind asks only the pool; a RouKey kind only the activity table', async () => {
    cognito.on(AdminListUserAuthEventsCommand).resolves({ AuthEvents: [poolEvent(1, 'SignIn', 'Fail'), poolEvent(2, 'SignIn', 'Pass')] });
    const own = reader([3]);
    const service = createSecurityEventsService({ reader: own, authEvents: createCognitoAuthEvents(config), now: () => NOW });
    const failed = await service.list('acc_1', { kind: 'sign_in_failed' }, 'u');
    expect(failed.data.map((e) => [e.source, e.kind])).toEqual([['cognito', 'sign_in_failed']]);
    expect(own.calls).toBe(0);
    cognito.resetHistory();
    const limits = await service.list('acc_1', { kind: 'plan_limit' }, 'u');
    expect(limits.data.map((e) => e.source)).toEqual(['roukey']);
    expect(cognito.commandCalls(AdminListUserAuthEventsCommand)).toHaveLength(0);
  });

  it('a pool without the Plus plan’s history (or cognito-local) leaves RouKey’s own events', async () => {
    cognito.on(AdminListUserAuthEventsCommand).rejects(Object.assign(new Error('add-on not enabled'), { name: 'UserPoolAddOnNotEnabledException' }));
    const service = createSecurityEventsService({ reader: reader([1]), authEvents: createCognitoAuthEvents(config), now: () => NOW });
    const list = await service.list('acc_1', {}, 'u');
    expect(list.data.map((e) => e.source)).toEqual(['roukey']);
  });
});
