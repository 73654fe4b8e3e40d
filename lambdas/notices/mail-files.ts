import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Email as the local runtime delivers it: there is no mail server on one machine, so each message is a file under
 * `<dataDir>/mail/` that a person or a test reads. Cognito's messages (lib/local/mail-outbox.ts) and RouKey's notices
 * (lambdas/notices/) are written in this one format. Files are readable by the owner only: some hold passwords.
 */
export interface MailMessage {
  readonly to: string;
  readonly subject: string;
  readonly body: string;
}

/** A message read back, with the file it was written to. */
export interface LocalMail extends MailMessage {
  readonly file: string;
}

let sequence = 0;

/** Writes one message; names sort in the order messages were written (a random tail keeps processes apart). */
export async function writeMailFile(dir: string, message: MailMessage): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const name = `${stamp}-${String(++sequence).padStart(4, '0')}-${randomBytes(3).toString('hex')}.eml`;
  const file = join(dir, name);
  await writeFile(file, `To: ${message.to}\nSubject: ${message.subject}\n\n${message.body}\n`, { mode: 0o600 });
  return file;
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

/** The local runtime's mailer (lambdas/notices/notifier.ts `Mailer`): each notice becomes a file in `dir`. */
export function fileMailer(dir: string): { send(message: MailMessage): Promise<void> } {
  return {
    async send(message) {
      await writeMailFile(dir, message);
    },
  };
}
