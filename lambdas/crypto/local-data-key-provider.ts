import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { DataKey, DataKeyProvider } from './data-key-provider.js';
import { canonicalContext } from './encryption-context.js';

const MASTER_KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Reads the local keyring's 256-bit master key (raw 32 bytes; the local runtime writes it with mode 0600). */
export function readMasterKeyFile(file: string): Buffer {
  const key = readFileSync(file);
  if (key.length !== MASTER_KEY_BYTES) throw new Error(`The local keyring file must hold exactly ${MASTER_KEY_BYTES} bytes`);
  return key;
}

/**
 * Local stand-in for KMS: data keys wrapped with AES-256-GCM under the master key, the canonical encryption
 * context as AAD, so the wrapped key only opens under the context it was made for (as with KMS).
 * Wrapped layout: iv (12) ‖ ciphertext (32) ‖ tag (16).
 */
export function createLocalDataKeyProvider(masterKey: Uint8Array): DataKeyProvider {
  if (masterKey.length !== MASTER_KEY_BYTES) throw new Error(`The local master key must be ${MASTER_KEY_BYTES} bytes`);
  return {
    kind: 'local',
    async generateDataKey(context): Promise<DataKey> {
      const plaintext = randomBytes(32);
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', masterKey, iv);
      cipher.setAAD(canonicalContext(context));
      const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return { plaintext, encrypted: Buffer.concat([iv, body, cipher.getAuthTag()]) };
    },
    async decryptDataKey(encrypted, context): Promise<Uint8Array> {
      const bytes = Buffer.from(encrypted);
      if (bytes.length <= IV_BYTES + TAG_BYTES) throw new Error('Malformed wrapped data key');
      const decipher = createDecipheriv('aes-256-gcm', masterKey, bytes.subarray(0, IV_BYTES));
      decipher.setAAD(canonicalContext(context));
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]);
    },
  };
}
