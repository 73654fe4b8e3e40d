import { imageSize } from 'image-size';
import { AVATAR_MAX_BYTES, AVATAR_MAX_PIXELS, type AvatarType } from './avatar-storage.js';

/** What an image's first bytes say it is; nothing but PNG, JPEG and WebP is recognised. */
export function sniffImageType(bytes: Uint8Array): AvatarType | undefined {
  const starts = (offset: number, signature: readonly number[]) => signature.every((b, i) => bytes[offset + i] === b);
  if (starts(0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts(0, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  // RIFF....WEBP
  if (starts(0, [0x52, 0x49, 0x46, 0x46]) && starts(8, [0x57, 0x45, 0x42, 0x50])) return 'image/webp';
  return undefined;
}

/** image-size's names for the types accepted. */
const IMAGE_SIZE_TYPES: Record<AvatarType, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' };

export type ImageVerdict =
  | { readonly ok: true; readonly contentType: AvatarType }
  | { readonly ok: false; readonly reason: 'too_large' | 'not_an_image' | 'too_many_pixels' };

/**
 * Whether an uploaded file may be an avatar: at most AVATAR_MAX_BYTES, a PNG, JPEG or WebP by its magic bytes (not by
 * the type the browser declared), at most AVATAR_MAX_PIXELS on each side by its own header.
 */
export function checkAvatarImage(bytes: Uint8Array): ImageVerdict {
  if (bytes.byteLength > AVATAR_MAX_BYTES) return { ok: false, reason: 'too_large' };
  const contentType = sniffImageType(bytes);
  if (!contentType) return { ok: false, reason: 'not_an_image' };
  let size: { width?: number; height?: number; type?: string };
  try {
    size = imageSize(bytes);
  } catch {
    return { ok: false, reason: 'not_an_image' };
  }
  const { width, height } = size;
  // The header parser must agree with the magic bytes: a PNG signature in front of something else is not a PNG.
  if (size.type !== IMAGE_SIZE_TYPES[contentType]) return { ok: false, reason: 'not_an_image' };
  if (width === undefined || height === undefined || width < 1 || height < 1) return { ok: false, reason: 'not_an_image' };
  if (width > AVATAR_MAX_PIXELS || height > AVATAR_MAX_PIXELS) return { ok: false, reason: 'too_many_pixels' };
  return { ok: true, contentType };
}
