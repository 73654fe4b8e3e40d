/**
 * Where envelope data keys come from: KMS in AWS, a local keyring file on one machine. Both bind the
 * wrapped data key to the encryption context, so unwrapping under another context fails.
 */
export interface DataKey {
  /** 32 bytes; memory only. */
  readonly plaintext: Uint8Array;
  /** The data key wrapped by the keyring, stored beside the payload. */
  readonly encrypted: Uint8Array;
}

export interface DataKeyProvider {
  /** Short tag stored in the ciphertext, so a ciphertext says which keyring wrapped it. */
  readonly kind: 'kms' | 'local';
  generateDataKey(context: Readonly<Record<string, string>>): Promise<DataKey>;
  decryptDataKey(encrypted: Uint8Array, context: Readonly<Record<string, string>>): Promise<Uint8Array>;
}
