import { join } from 'node:path';
import type { MessageSender } from 'cognito-local/lib/services/messageDelivery/messageSender.js';
import { writeMailFile } from '../../lambdas/notices/mail-files.js';
import { INVITATION_MESSAGE, VERIFICATION_MESSAGE, renderMessage } from '../cognito-messages.js';

export { readMail, type LocalMail } from '../../lambdas/notices/mail-files.js';

export function mailDir(dataDir: string): string {
  return join(dataDir, 'mail');
}

/**
 * Where cognito-local's emails go: every message Cognito would send (an invitation with its temporary password, a
 * verification code) is written as a file (lambdas/notices/mail-files.ts), with the same text as in AWS
 * (lib/cognito-messages.ts). RouKey's own notices land in the same directory.
 */
export function mailOutbox(dir: string): MessageSender {
  const send = async (_ctx: unknown, user: { UserStatus?: string }, destination: string, message: { __code?: string }) => {
    // An admin-created user's only message is the invitation; every other is a code (sign-up, password reset).
    const template = user.UserStatus === 'FORCE_CHANGE_PASSWORD' ? INVITATION_MESSAGE : VERIFICATION_MESSAGE;
    await writeMailFile(dir, {
      to: destination,
      subject: template.subject,
      body: renderMessage(template.body, { username: destination, code: message.__code ?? '' }),
    });
  };
  return { sendEmail: send, sendSms: send };
}
