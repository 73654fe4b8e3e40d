import { hash } from 'node:crypto';

/**
 * The encryption context bound into every provider-key ciphertext (P2). KMS checks it on Decrypt, and the stack's
 * IAM conditions (lib/keys.ts) only allow Decrypt and GenerateDataKey for contexts of this purpose.
 */
export const PROVIDER_KEY_PURPOSE = 'roukey-provider-key';

/** Every key a provider-key context may carry; the IAM conditions allow no others. */
export const ENCRYPTION_CONTEXT_KEYS = ['purpose', 'accountId', 'providerKeyId', 'endpoint'] as const;

/** The context key that binds where a provider key may be sent; new ciphertexts must carry it (lib/keys.ts). */
export const ENDPOINT_CONTEXT_KEY = 'endpoint' satisfies (typeof ENCRYPTION_CONTEXT_KEYS)[number];

export type ProviderKeyContext = Readonly<Record<string, string>>;

/** Where a provider key is sent: its provider (whose preset names the public host) and its own base URL, if any. */
export interface ProviderKeyEndpoint {
  readonly provider: string;
  readonly baseUrl?: string;
}

/**
 * The context of one provider key's ciphertext: its account and id, and (for keys stored since the binding) its
 * endpoint, so a provider or baseUrl changed in the table makes the ciphertext fail to open. The endpoint goes in as
 * a digest: KMS contexts are logged in plain text by CloudTrail, and a digest keeps the context small.
 */
export function providerKeyContext(accountId: string, providerKeyId: string, endpoint?: ProviderKeyEndpoint): ProviderKeyContext {
  const context = { purpose: PROVIDER_KEY_PURPOSE, accountId, providerKeyId };
  return endpoint ? { ...context, [ENDPOINT_CONTEXT_KEY]: endpointDigest(endpoint) } : context;
}

function endpointDigest({ provider, baseUrl }: ProviderKeyEndpoint): string {
  return hash('sha256', JSON.stringify([provider, baseUrl ?? null]), 'base64url');
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
