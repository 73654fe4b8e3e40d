import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import type { MailMessage } from './mail-files.js';
import type { Mailer } from './notifier.js';

/**
 * Notices through Amazon SES (API v2 SendEmail), from `roukey:sesFromAddress`, whose identity the stack grants
 * `ses:SendEmail` on (lib/notices.ts). Plain text only: the notices have no HTML part.
 */
export function createSesMailer(config: { region: string; from: string }, client: SESv2Client = new SESv2Client({ region: config.region })): Mailer {
  return {
    async send(message: MailMessage) {
      await client.send(
        new SendEmailCommand({
          FromEmailAddress: config.from,
          Destination: { ToAddresses: [message.to] },
          Content: {
            Simple: {
              Subject: { Data: message.subject, Charset: 'UTF-8' },
              Body: { Text: { Data: message.body, Charset: 'UTF-8' } },
            },
          },
        }),
      );
    },
  };
}
