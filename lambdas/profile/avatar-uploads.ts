import { logger } from '../http/logger.js';
import { AVATAR_MAX_BYTES, avatarKey, parseIncomingKey, type AvatarStorage } from './avatar-storage.js';
import { checkAvatarImage } from './image-check.js';
import type { ProfileStore } from './profile-store.js';

export type UploadOutcome = 'accepted' | 'refused' | 'ignored';

export interface AvatarUploads {
  /** Checks one uploaded object: what passes becomes the account's avatar, anything else is deleted (P17). */
  uploaded(key: string): Promise<UploadOutcome>;
}

/**
 * What runs on each new object under `incoming/`: the size (the upload form's limit is not enforced by every S3
 * server), the magic bytes and the dimensions. A passing image is copied under `avatars/` with the type its bytes
 * show and set on the profile, replacing (and deleting) the previous avatar; the upload itself is always deleted.
 */
export function createAvatarUploads(deps: { storage: AvatarStorage; store: Pick<ProfileStore, 'setAvatar'>; now?: () => number }): AvatarUploads {
  const { storage, store, now = Date.now } = deps;
  return {
    async uploaded(key) {
      const target = parseIncomingKey(key);
      if (!target) return 'ignored';
      try {
        const size = await storage.size(key);
        if (size === undefined) return 'ignored';
        const verdict = size > AVATAR_MAX_BYTES ? ({ ok: false, reason: 'too_large' } as const) : checkAvatarImage(await storage.read(key));
        if (!verdict.ok) {
          logger.info('Avatar upload refused', { reason: verdict.reason });
          return 'refused';
        }
        const to = avatarKey(target.accountId, target.uploadId);
        await storage.copy(key, to, verdict.contentType);
        const previous = await store.setAvatar(target.accountId, { key: to, contentType: verdict.contentType, updatedAt: new Date(now()).toISOString() });
        if (previous && previous.key !== to) await storage.remove(previous.key);
        return 'accepted';
      } finally {
        await storage.remove(key);
      }
    },
  };
}
