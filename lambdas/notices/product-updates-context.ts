import { createEventPublisher } from '../events/event-publisher.js';
import { managementContext } from '../http/management-context.js';
import { wantsEmail } from '../profile/preferences.js';
import { createNoticeMarkers } from '../store/accounts-notices.js';
import { createProductUpdateStore } from '../store/limits-product-updates.js';
import { NOTICE_PREFERENCE } from './notice-messages.js';
import { noticesNotifier } from './notices-context.js';
import { runProductUpdate } from './product-update-job.js';
import { createProductUpdateService, type ProductUpdateService } from './product-updates.js';

let service: ProductUpdateService | undefined;

/** The product-updates API's service over the limits table and the event bus. */
export function productUpdateService(): ProductUpdateService {
  if (service) return service;
  const { config, db } = managementContext();
  const events = createEventPublisher();
  service = createProductUpdateService({ store: createProductUpdateStore(db, config.tables.limits), events: () => events });
  return service;
}

/** The job's composition: the accounts listing, the NOTICE# marks, the notifier and the update's item. */
export function sendProductUpdate(updateId: string): ReturnType<typeof runProductUpdate> {
  const { config, db, accounts } = managementContext();
  return runProductUpdate(
    {
      accounts,
      markers: createNoticeMarkers(db, config.tables.accounts),
      notifier: noticesNotifier(),
      store: createProductUpdateStore(db, config.tables.limits),
      wantsUpdates: async (accountId) => {
        const profile = await accounts.profileRecord(accountId);
        return profile !== undefined && wantsEmail(profile.preferences, NOTICE_PREFERENCE['product-update']);
      },
      now: Date.now,
    },
    updateId,
  );
}
