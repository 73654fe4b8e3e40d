import type { S3Event } from 'aws-lambda';
import { managementContext } from '../http/management-context.js';
import { createAvatarUploads, type AvatarUploads } from '../profile/avatar-uploads.js';
import { avatarStorage } from '../profile/profile-context.js';

let uploads: AvatarUploads | undefined;

/** S3 ObjectCreated under `incoming/` in the avatars bucket: each upload is checked, then kept as the avatar or deleted (P17). */
export async function handler(event: S3Event): Promise<void> {
  uploads ??= createAvatarUploads({ storage: await avatarStorage(), store: managementContext().accounts });
  for (const record of event.Records) {
    // S3 URL-encodes keys in event records, spaces as '+'.
    await uploads.uploaded(decodeURIComponent(record.s3.object.key.replace(/\+/g, ' ')));
  }
}
