import { z } from 'zod';
import { POLICY_VERSION } from '../accounts/policy.js';
import { listText } from '../list-text.js';

/**
 * Who may create a RouKey sign-in (`roukey:signUp`): `invite` (only people an admin invites), `domains` (self
 * sign-up for the email domains in `roukey:signUpDomains`) or `open`. Cognito enforces `invite` itself (admin-created
 * users only); the pre-sign-up trigger applies this policy to every self and federated sign-up as well.
 */
export const SIGN_UP_MODES = ['invite', 'domains', 'open'] as const;
export type SignUpMode = (typeof SIGN_UP_MODES)[number];

export const signUpModeSchema = z.enum(SIGN_UP_MODES, { error: `must be one of: ${SIGN_UP_MODES.join(', ')}` });

/** An email domain as an operator lists it; compared in lower case. */
export const emailDomainSchema = z
  .string({ error: 'must be a domain name such as example.com' })
  .trim()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, { error: 'must be a domain name such as example.com' });

/** A list of domains: a JSON array, or a comma-separated string as `cdk deploy -c` and environment variables pass it. */
export const emailDomainsSchema = listText(
  z.array(emailDomainSchema, { error: 'must be a list of domain names' }).max(100, { error: 'must list at most 100 domains' }),
);

export interface SignUpPolicy {
  readonly mode: SignUpMode;
  /** Lower-case email domains; used in `domains` mode only. */
  readonly domains: readonly string[];
}

/** What is wrong with a policy as a whole, with the field it concerns. */
export function signUpPolicyIssues(policy: SignUpPolicy): { field: 'domains'; message: string }[] {
  if (policy.mode === 'domains' && policy.domains.length === 0)
    return [{ field: 'domains', message: 'must list at least one domain when sign-up is limited to domains' }];
  if (policy.mode !== 'domains' && policy.domains.length > 0)
    return [{ field: 'domains', message: `is only used when sign-up is limited to domains (it is '${policy.mode}')` }];
  return [];
}

/** The environment variables that carry the policy to the pre-sign-up trigger. */
export function signUpEnvironment(policy: SignUpPolicy): { ROUKEY_SIGN_UP: SignUpMode; ROUKEY_SIGN_UP_DOMAINS: string } {
  return { ROUKEY_SIGN_UP: policy.mode, ROUKEY_SIGN_UP_DOMAINS: policy.domains.join(',') };
}

const envSchema = z.object({ ROUKEY_SIGN_UP: signUpModeSchema.default('invite'), ROUKEY_SIGN_UP_DOMAINS: emailDomainsSchema.default([]) });

/** The policy from the trigger's environment; an inconsistent one is an error at cold start, not an open door. */
export function signUpPolicyFromEnv(env: NodeJS.ProcessEnv): SignUpPolicy {
  const parsed = envSchema.parse(env);
  const policy = { mode: parsed.ROUKEY_SIGN_UP, domains: parsed.ROUKEY_SIGN_UP_DOMAINS };
  const [issue] = signUpPolicyIssues(policy);
  if (issue) throw new Error(`ROUKEY_SIGN_UP_DOMAINS ${issue.message}`);
  return policy;
}

export interface SignUpAttempt {
  /** Cognito's `triggerSource`: `PreSignUp_SignUp`, `PreSignUp_ExternalProvider` or `PreSignUp_AdminCreateUser`. */
  readonly triggerSource: string;
  readonly email?: string;
  /**
   * Whether the provider vouches for the address (a federated sign-up's mapped `email_verified`). A self sign-up's
   * address is verified by Cognito's code before the account can be used, so it needs no flag.
   */
  readonly emailVerified?: boolean;
  /** A self sign-up's answers (custom attributes `custom:over13`, `custom:policy_version`), as the form sent them. */
  readonly over13?: string;
  readonly policyVersion?: string;
}

/** Why a sign-up is refused (the message the person sees), or undefined when it may go ahead. */
export function signUpRefusal(policy: SignUpPolicy, attempt: SignUpAttempt): string | undefined {
  return policyRefusal(policy, attempt) ?? consentRefusal(attempt);
}

/**
 * A self sign-up must confirm the person is 13 or older and accept the current policy (P24, P25). Federated and invited
 * users cannot be asked here: the management API asks them on first use (403 `consent_required`).
 */
function consentRefusal(attempt: SignUpAttempt): string | undefined {
  if (attempt.triggerSource !== 'PreSignUp_SignUp') return undefined;
  if (attempt.over13 !== 'true') return 'RouKey is not for children under 13: confirm that you are 13 or older to sign up.';
  if (attempt.policyVersion !== POLICY_VERSION) return `Accept the current privacy policy (version ${POLICY_VERSION}) to sign up.`;
  return undefined;
}

function policyRefusal(policy: SignUpPolicy, attempt: SignUpAttempt): string | undefined {
  // An admin's invitation is the way in under every mode.
  if (attempt.triggerSource === 'PreSignUp_AdminCreateUser') return undefined;
  // Anything else Cognito may add one day is refused until it is known to be a sign-up.
  if (attempt.triggerSource !== 'PreSignUp_SignUp' && attempt.triggerSource !== 'PreSignUp_ExternalProvider') return 'This kind of sign-up is not accepted.';
  if (policy.mode === 'open') return undefined;
  if (policy.mode === 'invite') return 'Sign-up is by invitation only: ask an administrator of this RouKey deployment to invite you.';
  const domain = emailDomain(attempt.email);
  // A provider's unverified address proves nothing about the domain it names.
  if (attempt.triggerSource === 'PreSignUp_ExternalProvider' && attempt.emailVerified !== true) {
    return 'Sign-up is open to approved email domains only, and your provider does not say this address is verified: verify it there first.';
  }
  if (domain !== undefined && policy.domains.includes(domain)) return undefined;
  return `Sign-up is open to approved email domains only${domain === undefined ? '' : `, and ${domain} is not one of them`}: ask an administrator to invite you.`;
}

/** The domain of an address, lower case: everything after its last `@`. */
function emailDomain(email: string | undefined): string | undefined {
  const at = email?.lastIndexOf('@') ?? -1;
  const domain = at < 0 ? '' : (email ?? '').slice(at + 1).toLowerCase();
  return domain === '' ? undefined : domain;
}
