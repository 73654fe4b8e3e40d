import { POLICY_VERSION } from '../../../lambdas/accounts/policy.js';
import { signUpConsentAttributes } from '../../support/sign-up-consent.js';
import type { PreSignUpTriggerEvent } from 'aws-lambda';
import { isAdmin } from '../../../lambdas/auth/admin-group.js';
import { signUpPolicyFromEnv, signUpRefusal, type SignUpPolicy } from '../../../lambdas/auth/sign-up-policy.js';
import { rejectionOf } from '../../support/thrown.js';

const invite: SignUpPolicy = { mode: 'invite', domains: [] };
const open: SignUpPolicy = { mode: 'open', domains: [] };
const domains: SignUpPolicy = { mode: 'domains', domains: ['example.com', 'corp.example.org'] };

const signUp = (email?: string) => ({ triggerSource: 'PreSignUp_SignUp', email, over13: 'true', policyVersion: POLICY_VERSION });

describe('sign-up policy', () => {
  it('invite: every self sign-up is refused with a message saying how to get in', () => {
    expect(signUpRefusal(invite, signUp('ada@example.com'))).toMatch(/by invitation only.*ask an administrator/);
  });

  it('open: every self sign-up goes ahead', () => {
    expect(signUpRefusal(open, signUp('ada@anywhere.test'))).toBeUndefined();
    expect(signUpRefusal(open, signUp())).toBeUndefined();
  });

  it.each([
    ['ada@example.com', true],
    ['Ada@EXAMPLE.COM', true],
    ['bob@Corp.Example.Org', true],
    ['eve@evil-example.com', false],
    ['eve@example.com.evil.test', false],
    ['eve@sub.example.com', false],
    ['eve@example.co', false],
    ['eve@corp.example.org.', false],
    ['"a@example.com"@evil.test', false],
    ['no-at-sign', false],
    ['trailing@', false],
    [undefined, false],
  ])('domains: %s → allowed %s (case-insensitive, exact domain)', (email, allowed) => {
    const refusal = signUpRefusal(domains, signUp(email));
    if (allowed) expect(refusal).toBeUndefined();
    else expect(refusal).toMatch(/approved email domains only/);
  });

  it('domains: the refusal names the refused domain, never the allowed ones', () => {
    const refusal = signUpRefusal(domains, signUp('eve@evil-example.com'))!;
    expect(refusal).toContain('evil-example.com is not one of them');
    expect(refusal).not.toContain('corp.example.org');
  });

  it('federated first sign-ins get the same policy; in domains mode only an address the provider verified counts', () => {
    const federated = (email: string, emailVerified = true) => ({ triggerSource: 'PreSignUp_ExternalProvider', email, emailVerified });
    expect(signUpRefusal(invite, federated('ada@example.com'))).toBeDefined();
    expect(signUpRefusal(domains, federated('ada@example.com'))).toBeUndefined();
    expect(signUpRefusal(domains, federated('eve@evil-example.com'))).toBeDefined();
    expect(signUpRefusal(domains, federated('ada@example.com', false))).toMatch(/does not say this address is verified/);
    expect(signUpRefusal(open, federated('ada@example.com', false))).toBeUndefined();
  });

  it("an admin's invitation goes ahead in every mode; an unknown trigger source is refused in every mode", () => {
    for (const policy of [invite, open, domains]) {
      expect(signUpRefusal(policy, { triggerSource: 'PreSignUp_AdminCreateUser', email: 'x@elsewhere.test' })).toBeUndefined();
      expect(signUpRefusal(policy, { triggerSource: 'PreSignUp_Something', email: 'ada@example.com' })).toBeDefined();
    }
  });

  it('P24/P25: a self sign-up must confirm 13 or older and accept the current policy version; federated and invited users are asked later', () => {
    expect(signUpRefusal(open, { ...signUp('ada@example.com'), over13: undefined })).toMatch(/not for children under 13/);
    expect(signUpRefusal(open, { ...signUp('ada@example.com'), over13: 'false' })).toMatch(/13 or older/);
    expect(signUpRefusal(open, { ...signUp('ada@example.com'), policyVersion: undefined })).toContain(POLICY_VERSION);
    expect(signUpRefusal(open, { ...signUp('ada@example.com'), policyVersion: '2000-01-01' })).toContain(POLICY_VERSION);
    // Neither a provider's sign-in nor an admin's invitation can carry the answers: the API asks on first use.
    expect(signUpRefusal(open, { triggerSource: 'PreSignUp_ExternalProvider', email: 'ada@example.com', emailVerified: true })).toBeUndefined();
    expect(signUpRefusal(invite, { triggerSource: 'PreSignUp_AdminCreateUser', email: 'ada@example.com' })).toBeUndefined();
    // The invitation-only message comes first: answering the questions does not open the door.
    expect(signUpRefusal(invite, { ...signUp('ada@example.com'), over13: undefined })).toMatch(/by invitation only/);
  });

  it('reads its environment; a domains policy without domains fails at cold start rather than letting anyone in', () => {
    expect(signUpPolicyFromEnv({})).toEqual(invite);
    expect(signUpPolicyFromEnv({ ROUKEY_SIGN_UP: 'domains', ROUKEY_SIGN_UP_DOMAINS: 'Example.com, corp.example.org' })).toEqual(domains);
    expect(() => signUpPolicyFromEnv({ ROUKEY_SIGN_UP: 'domains', ROUKEY_SIGN_UP_DOMAINS: '' })).toThrow(/at least one domain/);
    expect(() => signUpPolicyFromEnv({ ROUKEY_SIGN_UP: 'everyone' })).toThrow();
  });
});

describe('pre-sign-up trigger', () => {
  const event = (triggerSource: string, email: string) =>
    ({
      triggerSource,
      userPoolId: 'pool',
      userName: 'u',
      request: { userAttributes: { email, ...signUpConsentAttributes() } },
      response: {},
    }) as unknown as PreSignUpTriggerEvent;

  it('refuses by throwing (Cognito shows the message) and passes the event back when allowed', async () => {
    process.env.ROUKEY_SIGN_UP = 'domains';
    process.env.ROUKEY_SIGN_UP_DOMAINS = 'example.com';
    const { handler } = await import('../../../lambdas/handlers/pre-sign-up.js');
    const ok = event('PreSignUp_SignUp', 'ada@example.com');
    expect(await handler(ok)).toBe(ok);
    const err = await rejectionOf(Error, handler(event('PreSignUp_SignUp', 'eve@evil-example.com')));
    expect(err.message).toMatch(/approved email domains only, and evil-example.com is not one of them/);
    expect(await handler(event('PreSignUp_AdminCreateUser', 'invited@elsewhere.test'))).toBeDefined();
  });
});

describe('admins group claim', () => {
  it.each([
    [{ 'cognito:groups': 'admins' }, true],
    [{ 'cognito:groups': 'team,admins' }, true],
    [{ 'cognito:groups': '[team admins]' }, true],
    [{ 'cognito:groups': 'administrators' }, false],
    [{ 'cognito:groups': 'notadmins,team' }, false],
    [{ sub: 'x' }, false],
    [undefined, false],
  ])('%j → %s', (claims, admin) => {
    expect(isAdmin(claims)).toBe(admin);
  });
});
