import { z } from 'zod';
import { loadBillingConfig } from '../billing/billing-config.js';
import { readSecrets } from '../billing/billing-context.js';
import { createStripe } from '../billing/stripe-client.js';
import { createCognitoUserDirectory } from '../auth/cognito-user-directory.js';
import { createEventPublisher, type EventPublisher } from '../events/event-publisher.js';
import { managementContext } from '../http/management-context.js';
import { s3ClientFor } from '../profile/s3-avatar-storage.js';
import { runtimeConfig } from '../runtime-config.js';
import { createDeletionRecords, createDeletionStore } from '../store/deletion-items.js';
import { createDocumentClient } from '../store/dynamo.js';
import type { DeletionJobDeps } from './deletion-job.js';
import { createDeletionService, type DeletionService } from './deletion-service.js';
import { accountBuckets, createS3AccountObjects } from './s3-account-objects.js';
import { createStripeEraser } from './stripe-eraser.js';

let service: DeletionService | undefined;
let publisher: EventPublisher | undefined;

/** The bus, on first publish (only the functions that publish are given EVENT_BUS_NAME). */
export function events(): EventPublisher {
  publisher ??= createEventPublisher();
  return publisher;
}

/** The deletion routes' service, over the management context's table client and state reader. */
export function deletionService(): DeletionService {
  if (service) return service;
  const { db, config, states } = managementContext();
  service = createDeletionService({ store: createDeletionStore(db, config.tables), events, onTombstone: (accountId) => states.fresh(accountId) });
  return service;
}

/** The exports bucket (created with the export feature); unset, there are no export files to delete. */
const exportsEnv = z.object({ EXPORT_BUCKET: z.string().min(3).optional() });

let jobDeps: Promise<DeletionJobDeps> | undefined;

/** The deletion job's wiring (its composition root): tables, buckets, Stripe when billing is on, the user pool. */
export function deletionJobDeps(): Promise<DeletionJobDeps> {
  jobDeps ??= build();
  // A failed secret read is not remembered: the next run tries again.
  jobDeps.catch(() => {
    jobDeps = undefined;
  });
  return jobDeps;
}

async function build(): Promise<DeletionJobDeps> {
  const config = runtimeConfig();
  const db = createDocumentClient(config);
  const billing = loadBillingConfig();
  const stripe = billing && createStripe((await readSecrets(billing, config.region)).secretKey, { apiBase: billing.apiBase });
  const buckets = accountBuckets({ avatars: config.avatars.bucket, exports: exportsEnv.parse(process.env).EXPORT_BUCKET });
  return {
    records: createDeletionRecords(db, config.tables),
    objects: createS3AccountObjects(s3ClientFor({ region: config.region, endpoint: config.avatars.endpoint }), buckets),
    ...(stripe ? { billing: createStripeEraser(stripe) } : {}),
    directory: createCognitoUserDirectory(config),
  };
}
