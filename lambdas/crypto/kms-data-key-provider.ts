import { DecryptCommand, GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { DataKey, DataKeyProvider } from './data-key-provider.js';

/** Data keys from KMS (`GenerateDataKey` AES_256 / `Decrypt`), each call carrying the encryption context. */
export function createKmsDataKeyProvider(client: KMSClient, keyId: string): DataKeyProvider {
  return {
    kind: 'kms',
    async generateDataKey(context): Promise<DataKey> {
      const out = await client.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: { ...context } }));
      if (!out.Plaintext || !out.CiphertextBlob) throw new Error('KMS GenerateDataKey returned no key');
      return { plaintext: out.Plaintext, encrypted: out.CiphertextBlob };
    },
    async decryptDataKey(encrypted, context): Promise<Uint8Array> {
      // KeyId pins the key: a ciphertext wrapped under another KMS key is refused rather than decrypted.
      const out = await client.send(new DecryptCommand({ KeyId: keyId, CiphertextBlob: encrypted, EncryptionContext: { ...context } }));
      if (!out.Plaintext) throw new Error('KMS Decrypt returned no key');
      return out.Plaintext;
    },
  };
}
