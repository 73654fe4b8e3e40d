import { ApiError } from '../http/errors.js';
import { logger } from '../http/logger.js';
import type { AccountStateReader } from './account-state.js';
import type { Caller } from './caller.js';
import { POLICY_VERSION, type Consent } from './policy.js';
import type { UserDirectory } from './user-directory.js';

export interface ConsentStore {
  /** Keeps `consent` as the account's latest (PROFILE) and in its history (CONSENT#). */
  recordConsent(accountId: string, consent: Consent): Promise<void>;
}

export interface ConsentGate {
  /**
   * Refuses (403 `consent_required`) a caller who has never confirmed being 13 or older and accepted a policy (P24).
   * A self sign-up's answers are taken over from the user pool the first time they are needed.
   */
  assertConsented(caller: Caller, username: string): Promise<void>;
  /** The account's consent as the pool's sign-up answers give it, recorded when found; undefined when there is none. */
  adoptSignUpConsent(accountId: string, username: string): Promise<Consent | undefined>;
}

/** Management routes a caller without consent may still use: their own profile, consent, avatar and sign-out. */
export function isConsentExempt(resource: string): boolean {
  return resource === '/v1/me' || resource.startsWith('/v1/me/');
}

export function consentRequired(): ApiError {
  return new ApiError(
    'forbidden',
    `Confirm that you are 13 or older and accept the privacy policy (version ${POLICY_VERSION}) first: POST /v1/me/consent.`,
    // Not one of FORBIDDEN_CODES: a person yet to answer is not a security event.
    { code: 'consent_required' },
  );
}

export function createConsentGate(deps: {
  states: AccountStateReader;
  directory: Pick<UserDirectory, 'details'>;
  store: ConsentStore;
  now?: () => number;
}): ConsentGate {
  const { states, directory, store, now = Date.now } = deps;
  const gate: ConsentGate = {
    async assertConsented(caller, username) {
      if (caller.account.consentedPolicy !== undefined) return;
      // Another function may have recorded consent since this container cached the account's state.
      if ((await states.fresh(caller.accountId))?.consentedPolicy !== undefined) return;
      if (await gate.adoptSignUpConsent(caller.accountId, username)) {
        await states.fresh(caller.accountId);
        return;
      }
      throw consentRequired();
    },

    async adoptSignUpConsent(accountId, username) {
      let answers: Awaited<ReturnType<UserDirectory['details']>>['signUpConsent'];
      try {
        answers = (await directory.details(username)).signUpConsent;
      } catch (err) {
        // Without the pool's answer the person is asked, which is safe.
        logger.warn('Sign-up consent not read', { errorName: (err as Error | null)?.name ?? 'unknown' });
        return undefined;
      }
      if (answers?.over13 !== true || answers.policyVersion === undefined) return undefined;
      const consent: Consent = { policyVersion: answers.policyVersion, over13: true, acceptedAt: new Date(now()).toISOString(), source: 'sign-up' };
      await store.recordConsent(accountId, consent);
      return consent;
    },
  };
  return gate;
}
