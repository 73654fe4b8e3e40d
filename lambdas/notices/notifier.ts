import { wantsEmail } from '../profile/preferences.js';
import type { ProfileStore } from '../profile/profile-store.js';
import type { MailMessage } from './mail-files.js';
import { NOTICE_PREFERENCE, renderNotice, type Notice } from './notice-messages.js';

/** Where a rendered message goes: SES in AWS (ses-mailer.ts), files under `.roukey/mail/` locally (file-mailer.ts). */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/** What became of one notice. */
export type NoticeOutcome =
  | 'sent'
  /** The recipient turned this kind off (P21). */
  | 'opted_out'
  /** The account has no email address on its profile yet, or no longer exists. */
  | 'no_address'
  /** No sender is configured (`roukey:sesFromAddress` unset): logged as skipped. */
  | 'no_sender'
  | 'failed';

export interface Notifier {
  /**
   * Sends `notice` to the account's user unless they opted out of its kind. Never throws: a notice must not fail the
   * action it reports. `to` sends to another address than the profile's (the old one, after an email change).
   */
  notify(accountId: string, notice: Notice, options?: { to?: string }): Promise<NoticeOutcome>;
}

/** Log lines of the notifier: the account, the kind and the outcome, never an address or a message's text. */
export type NoticeLog = (message: string, fields: Readonly<Record<string, string>>) => void;

export function createNotifier(deps: { recipients: Pick<ProfileStore, 'profileRecord'>; mailer: Mailer | undefined; log: NoticeLog }): Notifier {
  const { recipients, mailer, log } = deps;
  return {
    async notify(accountId, notice, options = {}) {
      const fields = { accountId, kind: notice.kind, ...('event' in notice ? { event: notice.event } : {}) };
      try {
        const profile = await recipients.profileRecord(accountId);
        if (profile && !wantsEmail(profile.preferences, NOTICE_PREFERENCE[notice.kind])) return 'opted_out';
        const to = options.to ?? profile?.email;
        if (to === undefined) {
          log('notice skipped', { ...fields, reason: 'no_address' });
          return 'no_address';
        }
        if (!mailer) {
          log('notice skipped', { ...fields, reason: 'no_sender' });
          return 'no_sender';
        }
        await mailer.send({ to, ...renderNotice(notice) });
        log('notice sent', fields);
        return 'sent';
      } catch (err) {
        log('notice failed', { ...fields, error: err instanceof Error ? err.name : typeof err });
        return 'failed';
      }
    },
  };
}
