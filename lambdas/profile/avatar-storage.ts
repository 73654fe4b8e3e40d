/** Avatar images: what an upload may be and where objects live in the avatars bucket. */
export const AVATAR_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;
export type AvatarType = (typeof AVATAR_TYPES)[number];

export const AVATAR_MAX_BYTES = 1024 * 1024;
export const AVATAR_MAX_PIXELS = 1024;
/** How long an upload form and a link to view an avatar stay usable. */
export const AVATAR_LINK_SECONDS = 15 * 60;

/** Uploads land here (the bucket expires what is never checked); the event handler moves what passes to AVATARS_PREFIX. */
export const INCOMING_PREFIX = 'incoming/';
export const AVATARS_PREFIX = 'avatars/';

/** `incoming/<accountId>/<uploadId>`: the account is part of the key the upload form fixes, so nobody uploads for another. */
export function incomingKey(accountId: string, uploadId: string): string {
  return `${INCOMING_PREFIX}${accountId}/${uploadId}`;
}

export function avatarKey(accountId: string, uploadId: string): string {
  return `${AVATARS_PREFIX}${accountId}/${uploadId}`;
}

/** The account and upload an incoming key names, or undefined for any other key. */
export function parseIncomingKey(key: string): { accountId: string; uploadId: string } | undefined {
  const match = /^incoming\/([A-Za-z0-9_-]{1,64})\/([A-Za-z0-9_-]{1,64})$/.exec(key);
  return match ? { accountId: match[1] ?? '', uploadId: match[2] ?? '' } : undefined;
}

/** A presigned S3 POST: the form's action and the fields to send before the file. */
export interface UploadForm {
  readonly url: string;
  readonly fields: Readonly<Record<string, string>>;
}

/** The avatars bucket (lambdas/profile/s3-avatar-storage.ts). */
export interface AvatarStorage {
  /** A form that uploads one file of `contentType`, at most AVATAR_MAX_BYTES, to `key`. */
  uploadForm(key: string, contentType: AvatarType): Promise<UploadForm>;
  /** A short-lived link to view an object. */
  viewUrl(key: string): Promise<string>;
  /** The object's size and its bytes (only called for objects within AVATAR_MAX_BYTES). */
  size(key: string): Promise<number | undefined>;
  read(key: string): Promise<Uint8Array>;
  /** Copies an object to `to` with its checked content type. */
  copy(from: string, to: string, contentType: AvatarType): Promise<void>;
  remove(key: string): Promise<void>;
}
