import { managementContext } from '../http/management-context.js';
import { noticesNotifier } from '../notices/notices-context.js';
import type { AvatarStorage } from './avatar-storage.js';
import { createProfileService, type ProfileService } from './profile-service.js';

let storage: Promise<AvatarStorage> | undefined;
let service: ProfileService | undefined;

/** The avatars bucket, from the runtime config; the S3 SDK is imported on first use only. */
export function avatarStorage(): Promise<AvatarStorage> {
  storage ??= import('./s3-avatar-storage.js').then(({ createS3AvatarStorage }) => {
    const { config } = managementContext();
    if (!config.avatars.bucket) throw new Error('AVATAR_BUCKET is not set');
    return createS3AvatarStorage({ region: config.region, bucket: config.avatars.bucket, endpoint: config.avatars.endpoint });
  });
  return storage;
}

/** The profile API's service over the management context's repository, directory and consent gate. */
export function profileService(): ProfileService {
  if (service) return service;
  const { accounts, directory, consent } = managementContext();
  service = createProfileService({ store: accounts, directory, consentGate: consent, avatars: avatarStorage, notices: noticesNotifier() });
  return service;
}
