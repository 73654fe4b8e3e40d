import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MessageSender } from 'cognito-local/lib/services/messageDelivery/messageSender.js';
import { INVITATION_MESSAGE, VERIFICATION_MESSAGE, renderMessage } from '../cognito-messages.js';

/** An email as the local runtime delivers it: one file per message under `<dataDir>/mail/`. */
export interface LocalMail {
  readonly to: string;
  readonly subject: string;
  readonly body: string;
  /** The file it was written to. */
  readonly file: string;
}

export function mailDir(dataDir: string): string {
  return join(dataDir, 'mail');
}

/**
 * Where cognito-local's emails go: there is no mail server locally, so every message Cognito would send (an
 * invitation with its temporary password, a verification code) is written as a file a person or a test can read,
 * with the same text as in AWS (lib/cognito-messages.ts). Files are readable by the owner only: they hold passwords.
 */
export function mailOutbox(dir: string): MessageSender {
  let sequence = 0;
  const send = async (_ctx: unknown, user: { UserStatus?: string }, destination: string, message: { __code?: string }) => {
    // An admin-created user's only message is the invitation; every other is a code (sign-up, password reset).
    const template = user.UserStatus === 'FORCE_CHANGE_PASSWORD' ? INVITATION_MESSAGE : VERIFICATION_MESSAGE;
    const body = renderMessage(template.body, { username: destination, code: message.__code ?? '' });
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${String(++sequence).padStart(4, '0')}.eml`;
    await writeFile(join(dir, name), `To: ${destination}\nSubject: ${template.subject}\n\n${body}\n`, { mode: 0o600 });
  };
  return { sendEmail: send, sendSms: send };
}

/** The messages in a mail directory, oldest first. */
export async function readMail(dir: string): Promise<LocalMail[]> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.eml')).sort();
  return Promise.all(
    names.map(async (name) => {
      const text = await readFile(join(dir, name), 'utf8');
      const [head = '', ...rest] = text.split('\n\n');
      const header = (field: string) => new RegExp(`^${field}: (.*)$`, 'm').exec(head)?.[1] ?? '';
      return { to: header('To'), subject: header('Subject'), body: rest.join('\n\n').trimEnd(), file: join(dir, name) };
    }),
  );
}
