import { AdminGetUserCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import type { AccountState } from '../../../lambdas/accounts/account-state.js';
import type { Caller } from '../../../lambdas/accounts/caller.js';
import { createConsentGate, isConsentExempt } from '../../../lambdas/accounts/consent-gate.js';
import { POLICY_VERSION, type Consent } from '../../../lambdas/accounts/policy.js';
import { createCognitoUserDirectory } from '../../../lambdas/auth/cognito-user-directory.js';
import { ApiError } from '../../../lambdas/http/errors.js';
import { DEFAULT_PLANS } from '../../../lambdas/plans/catalog.js';
import { rejectionOf } from '../../support/thrown.js';

const cognito = mockClient(CognitoIdentityProviderClient);
afterEach(() => cognito.reset());
afterAll(() => cognito.restore());

const directory = () => createCognitoUserDirectory({ region: 'us-east-1', cognito: { userPoolId: 'us-east-1_pool', identityProviders: [] } });
const state = (consentedPolicy?: string): AccountState => ({
  accountId: 'acc_1',
  plan: 'free',
  status: 'active',
  limitOverrides: {},
  limits: DEFAULT_PLANS.free,
  ...(consentedPolicy ? { consentedPolicy } : {}),
});
const caller = (consentedPolicy?: string): Caller => ({ sub: 's', accountId: 'acc_1', admin: false, account: state(consentedPolicy) });

function gate(stored?: string) {
  const recorded: Consent[] = [];
  let current = stored;
  const g = createConsentGate({
    states: { state: async () => state(current), fresh: async () => state(current) },
    directory: directory(),
    store: {
      recordConsent: async (_accountId, consent) => {
        recorded.push(consent);
        current = consent.policyVersion;
      },
    },
  });
  return { g, recorded };
}

describe('consent gate (P24)', () => {
  it('lets a caller through who accepted any policy version; asks the pool nothing then', async () => {
    await gate('2020-01-01').g.assertConsented(caller('2020-01-01'), 'u');
    expect(cognito.commandCalls(AdminGetUserCommand)).toHaveLength(0);
  });

  it('P24: takes over a self sign-up’s answers from the user pool once, recorded as from sign-up', async () => {
    cognito.on(AdminGetUserCommand).resolves({
      Username: 'u',
      UserStatus: 'CONFIRMED',
      UserAttributes: [
        { Name: 'email', Value: 'ada@example.com' },
        { Name: 'custom:over13', Value: 'true' },
        { Name: 'custom:policy_version', Value: POLICY_VERSION },
      ],
    });
    const { g, recorded } = gate();
    await g.assertConsented(caller(), 'u');
    expect(recorded).toEqual([{ policyVersion: POLICY_VERSION, over13: true, acceptedAt: expect.any(String), source: 'sign-up' }]);
  });

  it('P24: refuses with 403 consent_required a user the pool has no answers for (federated, invited) or who answered no', async () => {
    for (const attributes of [
      [],
      [
        { Name: 'custom:over13', Value: 'false' },
        { Name: 'custom:policy_version', Value: POLICY_VERSION },
      ],
    ]) {
      cognito.on(AdminGetUserCommand).resolves({ Username: 'u', UserStatus: 'EXTERNAL_PROVIDER', UserAttributes: attributes });
      const { g, recorded } = gate();
      const err = await rejectionOf(ApiError, g.assertConsented(caller(), 'u'));
      expect(err.status).toBe(403);
      expect(err.toBody().error).toMatchObject({ code: 'consent_required', type: 'permission_error' });
      expect(recorded).toEqual([]);
    }
    // A pool that cannot be read asks the person rather than letting them through.
    cognito.on(AdminGetUserCommand).rejects(new Error('down'));
    expect((await rejectionOf(ApiError, gate().g.assertConsented(caller(), 'u'))).status).toBe(403);
  });

  it('exempts the caller’s own profile routes only', () => {
    expect(['/v1/me', '/v1/me/consent', '/v1/me/avatar', '/v1/me/sign-out'].every(isConsentExempt)).toBe(true);
    expect(['/v1/api-keys', '/v1/meta', '/v1/admin/accounts', '/v1/me2'].some(isConsentExempt)).toBe(false);
  });
});
