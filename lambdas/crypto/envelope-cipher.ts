import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { KMSClient } from '@aws-sdk/client-kms';
import type { RuntimeConfig } from '../runtime-config.js';
import type { DataKeyProvider } from './data-key-provider.js';
import { canonicalContext } from './encryption-context.js';
import { createKmsDataKeyProvider } from './kms-data-key-provider.js';
import { createLocalDataKeyProvider, readMasterKeyFile } from './local-data-key-provider.js';

/**
 * Envelope encryption (P2): a fresh data key per secret, AES-256-GCM over the payload with the canonical
 * encryption context as AAD, and the data key wrapped by KMS (or the local keyring) under the same context.
 * A ciphertext copied to another account or key id therefore fails twice: at unwrap and at the payload tag.
 *
 * Format (versioned, self-describing, ASCII): `rkenc.v1.<keyring>.<wrapped key>.<iv>.<payload>.<tag>`,
 * each binary part base64url.
 */
export interface EnvelopeCipher {
  encrypt(plaintext: string, context: Readonly<Record<string, string>>): Promise<string>;
  decrypt(ciphertext: string, context: Readonly<Record<string, string>>): Promise<string>;
}

const FORMAT_TAG = 'rkenc';
const VERSION = 'v1';
const IV_BYTES = 12;

export class EnvelopeDecryptError extends Error {
  constructor(reason: string) {
    super(`Envelope ciphertext could not be decrypted: ${reason}`);
    this.name = 'EnvelopeDecryptError';
  }
}

export function createEnvelopeCipherWith(provider: DataKeyProvider): EnvelopeCipher {
  return {
    async encrypt(plaintext, context) {
      const dataKey = await provider.generateDataKey(context);
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', dataKey.plaintext, iv);
      cipher.setAAD(canonicalContext(context));
      const payload = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const parts = [dataKey.encrypted, iv, payload, cipher.getAuthTag()].map((b) => Buffer.from(b).toString('base64url'));
      return [FORMAT_TAG, VERSION, provider.kind, ...parts].join('.');
    },
    async decrypt(ciphertext, context) {
      const [tag, version, kind, wrapped, iv, payload, authTag, ...rest] = ciphertext.split('.');
      if (tag !== FORMAT_TAG || version !== VERSION || rest.length > 0 || !wrapped || !iv || payload === undefined || !authTag) {
        throw new EnvelopeDecryptError('unknown format');
      }
      if (kind !== provider.kind) throw new EnvelopeDecryptError(`wrapped by the ${kind} keyring`);
      try {
        const dataKey = await provider.decryptDataKey(Buffer.from(wrapped, 'base64url'), context);
        const decipher = createDecipheriv('aes-256-gcm', dataKey, Buffer.from(iv, 'base64url'));
        decipher.setAAD(canonicalContext(context));
        decipher.setAuthTag(Buffer.from(authTag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(payload, 'base64url')), decipher.final()]).toString('utf8');
      } catch (err) {
        // The cause's name only: an SDK or crypto message is not worth the risk of echoing anything.
        throw new EnvelopeDecryptError((err as Error)?.name ?? 'failed');
      }
    },
  };
}

/** The envelope cipher for this runtime: KMS in AWS, the local keyring file on one machine. */
export function createEnvelopeCipher(config: Pick<RuntimeConfig, 'keyring' | 'region'>): EnvelopeCipher {
  const provider =
    config.keyring.kind === 'kms'
      ? createKmsDataKeyProvider(new KMSClient({ region: config.region }), config.keyring.keyId)
      : createLocalDataKeyProvider(readMasterKeyFile(config.keyring.file));
  return createEnvelopeCipherWith(provider);
}
