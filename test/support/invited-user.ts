import { InitiateAuthCommand, RespondToAuthChallengeCommand, type CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { readMail } from '../../lib/local/mail-outbox.js';

/** The temporary password in the newest invitation mail to `email` (lib/cognito-messages.ts), if one came. */
export async function invitationPassword(mailDir: string, email: string): Promise<string | undefined> {
  const mail = (await readMail(mailDir)).filter((m) => m.to === email);
  return /temporary password (\S+) within/.exec(mail.at(-1)?.body ?? '')?.[1];
}

/** Signs in with an invitation's temporary password and answers Cognito's NEW_PASSWORD_REQUIRED challenge: the access token. */
export async function firstSignIn(idp: CognitoIdentityProviderClient, clientId: string, email: string, temporaryPassword: string): Promise<string> {
  const started = await idp.send(
    new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: email, PASSWORD: temporaryPassword } }),
  );
  if (started.ChallengeName !== 'NEW_PASSWORD_REQUIRED') throw new Error(`expected NEW_PASSWORD_REQUIRED, got ${started.ChallengeName}`);
  const done = await idp.send(
    new RespondToAuthChallengeCommand({
      ClientId: clientId,
      ChallengeName: 'NEW_PASSWORD_REQUIRED',
      Session: started.Session,
      ChallengeResponses: { USERNAME: email, NEW_PASSWORD: 'A-new-passw0rd!' },
    }),
  );
  const token = done.AuthenticationResult?.AccessToken;
  if (!token) throw new Error('no access token after the new password');
  return token;
}
