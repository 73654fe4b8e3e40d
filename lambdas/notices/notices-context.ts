import { managementContext } from '../http/management-context.js';
import { logger } from '../http/logger.js';
import { fileMailer } from './mail-files.js';
import { createNotifier, type Mailer, type Notifier } from './notifier.js';

let notifier: Notifier | undefined;

/** The notifier of this container: the profile store for recipients, and the mailer the runtime config names. */
export function noticesNotifier(): Notifier {
  if (notifier) return notifier;
  const { config, accounts } = managementContext();
  const { notices } = config;
  let mailer: Mailer | undefined;
  if (notices.kind === 'files') mailer = fileMailer(notices.dir);
  else if (notices.kind === 'ses') {
    // The SES SDK is loaded with the first notice only: most calls of a handler send none.
    let ses: Promise<Mailer> | undefined;
    const load = () => import('./ses-mailer.js').then(({ createSesMailer }) => createSesMailer({ region: config.region, from: notices.from }));
    mailer = { send: async (message) => (await (ses ??= load())).send(message) };
  }
  notifier = createNotifier({ recipients: accounts, mailer, log: (message, fields) => logger.info(message, fields) });
  return notifier;
}
