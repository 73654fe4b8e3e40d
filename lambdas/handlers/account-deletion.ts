import type { Context } from 'aws-lambda';
import { deletionJobDeps, events } from '../deletion/deletion-context.js';
import { runDeletion } from '../deletion/deletion-job.js';
import { DELETION_ID } from '../deletion/deletion-service.js';
import type { RouKeyEvent } from '../events/roukey-events.js';
import { logger } from '../http/logger.js';

/** Time left at which a run stops between pages and hands the rest to a new invocation. */
const HAND_OVER_MS = 60_000;

/**
 * The account deletion job, started by `deletion.requested` (P20). A run that nears the function's timeout stops
 * between pages and publishes the event again, so a deletion of any size finishes; a failed run is retried by
 * EventBridge and resumes from its status item.
 */
export async function handler(event: RouKeyEvent<'deletion.requested'>, context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<{ outcome: string }> {
  const deletionId = event.detail?.deletionId;
  if (typeof deletionId !== 'string' || !DELETION_ID.test(deletionId)) {
    logger.error('Account deletion: malformed event');
    return { outcome: 'malformed' };
  }
  const outcome = await runDeletion(await deletionJobDeps(), deletionId, {
    shouldYield: () => context !== undefined && context.getRemainingTimeInMillis() < HAND_OVER_MS,
  });
  if (outcome === 'yielded') await events().publish('deletion.requested', { deletionId });
  logger.info('Account deletion run', { deletionId, outcome });
  return { outcome };
}
