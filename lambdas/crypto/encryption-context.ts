/**
 * The encryption context bound into every provider-key ciphertext (P2). KMS checks it on Decrypt, and the stack's
 * IAM conditions (lib/keys.ts) only allow Decrypt and GenerateDataKey for contexts of this purpose.
 */
export const PROVIDER_KEY_PURPOSE = 'roukey-provider-key';

export const ENCRYPTION_CONTEXT_KEYS = ['purpose', 'accountId', 'providerKeyId'] as const;

export type ProviderKeyContext = Record<(typeof ENCRYPTION_CONTEXT_KEYS)[number], string>;

export function providerKeyContext(accountId: string, providerKeyId: string): ProviderKeyContext {
  return { purpose: PROVIDER_KEY_PURPOSE, accountId, providerKeyId };
}

/**
 * The context as stable bytes, used as AES-GCM additional authenticated data: keys sorted, so the same
 * context always yields the same bytes whatever order its properties were written in.
 */
export function canonicalContext(context: Readonly<Record<string, string>>): Buffer {
  const entries = Object.keys(context)
    .sort()
    .map((k) => [k, context[k]]);
  return Buffer.from(JSON.stringify(entries), 'utf8');
}
