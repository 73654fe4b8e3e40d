import type { PreSignUpTriggerEvent } from 'aws-lambda';
import { signUpPolicyFromEnv, signUpRefusal, type SignUpPolicy } from '../auth/sign-up-policy.js';
import { serviceLogger } from '../http/logger.js';

const logger = serviceLogger('roukey-sign-up');
let policy: SignUpPolicy | undefined;

/**
 * Cognito's pre-sign-up trigger: applies `roukey:signUp` to self sign-ups and federated first sign-ins. A thrown
 * error refuses the sign-up; Cognito shows its message ("PreSignUp failed with error …").
 */
export async function handler(event: PreSignUpTriggerEvent): Promise<PreSignUpTriggerEvent> {
  policy ??= signUpPolicyFromEnv(process.env);
  const refusal = signUpRefusal(policy, { triggerSource: event.triggerSource, email: event.request.userAttributes.email });
  if (refusal) {
    // The address is not logged: the mode and the kind of sign-up say enough.
    logger.info('Sign-up refused', { mode: policy.mode, triggerSource: event.triggerSource });
    throw new Error(refusal);
  }
  return event;
}
