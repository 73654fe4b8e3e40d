import type { PreSignUpTriggerEvent } from 'aws-lambda';
import { z } from 'zod';
import { linkFederatedSignUp, type LinkingDirectory } from '../auth/account-linking.js';
import { adminMfaModeSchema, type AdminMfaMode } from '../auth/admin-mfa.js';
import { createCognitoLinkingDirectory } from '../auth/cognito-linking-directory.js';
import { CONSENT_ATTRIBUTES, customAttribute } from '../accounts/policy.js';
import { signUpPolicyFromEnv, signUpRefusal, type SignUpPolicy } from '../auth/sign-up-policy.js';
import { serviceLogger } from '../http/logger.js';

const logger = serviceLogger('roukey-sign-up');

const envSchema = z.object({
  AWS_REGION: z.string().min(1).default('us-east-1'),
  /** Locally: cognito-local's URL. */
  COGNITO_ENDPOINT: z.url().optional(),
  ROUKEY_ADMIN_MFA: adminMfaModeSchema.default('optional'),
});

let setup: { policy: SignUpPolicy; adminMfa: AdminMfaMode; region: string; endpoint?: string } | undefined;
const directories = new Map<string, LinkingDirectory>();

/**
 * Cognito's pre-sign-up trigger. A federated first sign-in (Google, GitHub) whose verified address is an existing
 * user's is linked to that user; any other sign-up meets `roukey:signUp`. A thrown error refuses the sign-up and
 * Cognito shows its message ("PreSignUp failed with error …").
 */
export async function handler(event: PreSignUpTriggerEvent): Promise<PreSignUpTriggerEvent> {
  if (!setup) {
    const env = envSchema.parse(process.env);
    setup = { policy: signUpPolicyFromEnv(process.env), adminMfa: env.ROUKEY_ADMIN_MFA, region: env.AWS_REGION, endpoint: env.COGNITO_ENDPOINT };
  }
  const { email, email_verified } = event.request.userAttributes;
  const emailVerified = email_verified === 'true';
  if (event.triggerSource === 'PreSignUp_ExternalProvider') {
    const outcome = await linkFederatedSignUp(
      directoryFor(event.userPoolId, setup),
      { username: event.userName, email, emailVerified },
      { adminMfa: setup.adminMfa },
    );
    // Neither the address nor the user names are logged: the outcome says enough.
    logger.info('Federated sign-up', { outcome: outcome.kind });
    if (outcome.kind === 'linked') return event;
    if (outcome.kind === 'refused') throw new Error(outcome.message);
  }
  const refusal = signUpRefusal(setup.policy, {
    triggerSource: event.triggerSource,
    email,
    emailVerified,
    over13: event.request.userAttributes[customAttribute(CONSENT_ATTRIBUTES.over13)],
    policyVersion: event.request.userAttributes[customAttribute(CONSENT_ATTRIBUTES.policyVersion)],
  });
  if (refusal) {
    logger.info('Sign-up refused', { mode: setup.policy.mode, triggerSource: event.triggerSource });
    throw new Error(refusal);
  }
  return event;
}

function directoryFor(userPoolId: string, where: { region: string; endpoint?: string }): LinkingDirectory {
  let directory = directories.get(userPoolId);
  if (!directory) {
    directory = createCognitoLinkingDirectory({ ...where, userPoolId });
    directories.set(userPoolId, directory);
  }
  return directory;
}
