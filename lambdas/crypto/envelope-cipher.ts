import { KMSClient } from '@aws-sdk/client-kms';
import type { RuntimeConfig } from '../runtime-config.js';
import { assertGcmLengths, open, seal } from './aes-gcm.js';
import type { DataKeyProvider } from './data-key-provider.js';
import { canonicalContext } from './encryption-context.js';
import { createKmsDataKeyProvider } from './kms-data-key-provider.js';
import { createLocalDataKeyProvider, readMasterKeyFile } from './local-data-key-provider.js';

/**
 * Envelope encryption (P2): a fresh data key per secret, AES-256-GCM over the payload with the canonical
 * encryption context as AAD, and the data key wrapped by KMS (or the local keyring) under the same context.
 * A ciphertext copied to another account, key id or endpoint therefore fails twice: at unwrap and at the payload tag.
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
      const { iv, body, tag } = seal(dataKey.plaintext, Buffer.from(plaintext, 'utf8'), canonicalContext(context));
      const parts = [dataKey.encrypted, iv, body, tag].map((b) => Buffer.from(b).toString('base64url'));
      return [FORMAT_TAG, VERSION, provider.kind, ...parts].join('.');
    },
    async decrypt(ciphertext, context) {
      const [tag, version, kind, wrapped, iv, payload, authTag, ...rest] = ciphertext.split('.');
      if (tag !== FORMAT_TAG || version !== VERSION || rest.length > 0 || !wrapped || !iv || payload === undefined || !authTag) {
        throw new EnvelopeDecryptError('unknown format');
      }
      if (kind !== provider.kind) throw new EnvelopeDecryptError(`wrapped by the ${kind} keyring`);
      const sealed = { iv: Buffer.from(iv, 'base64url'), body: Buffer.from(payload, 'base64url'), tag: Buffer.from(authTag, 'base64url') };
      try {
        // Before the keyring is asked: a truncated tag or odd IV costs no KMS call.
        assertGcmLengths(sealed);
        const dataKey = await provider.decryptDataKey(Buffer.from(wrapped, 'base64url'), context);
        return open(dataKey, sealed, canonicalContext(context)).toString('utf8');
      } catch (err) {
        // The cause's name only: an SDK or crypto message is not worth the risk of echoing anything.
        throw new EnvelopeDecryptError((err as Error)?.name ?? 'failed');
      }
    },
  };
}

/** The envelope cipher for this runtime: KMS in AWS, the local keyring file on one machine. */
export function createEnvelopeCipher(config: Pick<RuntimeConfig, 'keyring' | 'region'>): EnvelopeCipher {
  return createEnvelopeCipherWith(createDataKeyProvider(config));
}

/** This runtime's keyring: KMS in AWS, the local keyring file on one machine. */
export function createDataKeyProvider(config: Pick<RuntimeConfig, 'keyring' | 'region'>): DataKeyProvider {
  return config.keyring.kind === 'kms'
    ? createKmsDataKeyProvider(new KMSClient({ region: config.region }), config.keyring.keyId)
    : createLocalDataKeyProvider(readMasterKeyFile(config.keyring.file));
}
