import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { IV_BYTES, TAG_BYTES, open, seal } from './aes-gcm.js';
import type { DataKey, DataKeyProvider } from './data-key-provider.js';
import { canonicalContext } from './encryption-context.js';

const MASTER_KEY_BYTES = 32;
const DATA_KEY_BYTES = 32;
const WRAPPED_BYTES = IV_BYTES + DATA_KEY_BYTES + TAG_BYTES;

/** Reads the local keyring's 256-bit master key (raw 32 bytes; the local runtime writes it with mode 0600). */
export function readMasterKeyFile(file: string): Buffer {
  const key = readFileSync(file);
  if (key.length !== MASTER_KEY_BYTES) throw new Error(`The local keyring file must hold exactly ${MASTER_KEY_BYTES} bytes`);
  return key;
}

/**
 * Local stand-in for KMS: data keys wrapped with AES-256-GCM under the master key, the canonical encryption
 * context as AAD, so the wrapped key only opens under the context it was made for (as with KMS).
 * Wrapped layout: iv (12) ‖ ciphertext (32) ‖ tag (16); any other length is refused.
 */
export function createLocalDataKeyProvider(masterKey: Uint8Array): DataKeyProvider {
  if (masterKey.length !== MASTER_KEY_BYTES) throw new Error(`The local master key must be ${MASTER_KEY_BYTES} bytes`);
  return {
    kind: 'local',
    async generateDataKey(context): Promise<DataKey> {
      const plaintext = randomBytes(DATA_KEY_BYTES);
      const { iv, body, tag } = seal(masterKey, plaintext, canonicalContext(context));
      return { plaintext, encrypted: Buffer.concat([iv, body, tag]) };
    },
    async decryptDataKey(encrypted, context): Promise<Uint8Array> {
      const bytes = Buffer.from(encrypted);
      if (bytes.length !== WRAPPED_BYTES) throw new Error('Malformed wrapped data key');
      const sealed = {
        iv: bytes.subarray(0, IV_BYTES),
        body: bytes.subarray(IV_BYTES, IV_BYTES + DATA_KEY_BYTES),
        tag: bytes.subarray(IV_BYTES + DATA_KEY_BYTES),
      };
      return open(masterKey, sealed, canonicalContext(context));
    },
  };
}
