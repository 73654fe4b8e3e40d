import { CONSENT_ATTRIBUTES, customAttribute, POLICY_VERSION } from '../../lambdas/accounts/policy.js';

/** What the sign-up form sends with a self sign-up: 13 or older, the current policy accepted (P24, P25). */
export function signUpConsentAttributes(over13 = 'true', policyVersion = POLICY_VERSION): Record<string, string> {
  return { [customAttribute(CONSENT_ATTRIBUTES.over13)]: over13, [customAttribute(CONSENT_ATTRIBUTES.policyVersion)]: policyVersion };
}

/** The same as SignUp's UserAttributes. */
export const SIGN_UP_CONSENT = Object.entries(signUpConsentAttributes()).map(([Name, Value]) => ({ Name, Value }));
