import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM as both keyrings use it, with the lengths pinned: a 12-byte IV and a 16-byte tag. Other lengths are
 * refused before any decryption is tried: Node accepts a truncated tag unless `authTagLength` is set, and a short
 * tag is a much weaker check.
 */
export const IV_BYTES = 12;
export const TAG_BYTES = 16;

export interface Sealed {
  readonly iv: Buffer;
  readonly body: Buffer;
  readonly tag: Buffer;
}

/** Encrypts under a fresh random IV, with `aad` authenticated but not encrypted. */
export function seal(key: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Sealed {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, body, tag: cipher.getAuthTag() };
}

/** Decrypts and verifies; throws on a wrong key, AAD, IV or tag, and on an IV or tag of another length. */
export function open(key: Uint8Array, sealed: Sealed, aad: Uint8Array): Buffer {
  const { iv, body, tag } = assertGcmLengths(sealed);
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(body), decipher.final()]);
}

/** Throws unless the IV and tag have the pinned lengths; callers check before fetching a key, too. */
export function assertGcmLengths(sealed: Sealed): Sealed {
  if (sealed.iv.length !== IV_BYTES) throw new GcmLengthError('iv', sealed.iv.length);
  if (sealed.tag.length !== TAG_BYTES) throw new GcmLengthError('tag', sealed.tag.length);
  return sealed;
}

export class GcmLengthError extends Error {
  constructor(part: 'iv' | 'tag', length: number) {
    super(`AES-GCM ${part} must be ${part === 'iv' ? IV_BYTES : TAG_BYTES} bytes, not ${length}`);
    this.name = 'GcmLengthError';
  }
}
