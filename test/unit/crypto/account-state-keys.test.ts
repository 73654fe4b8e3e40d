import { randomBytes } from 'node:crypto';
import { createAccountStateKeys, RESPONSE_STATE_PURPOSE, type StateKeyStore, type StoredStateKey } from '../../../lambdas/crypto/account-state-keys.js';
import { createLocalDataKeyProvider } from '../../../lambdas/crypto/local-data-key-provider.js';

/** A store that behaves as the DynamoDB one does under a race: the first put stands. */
function memoryStore(): StateKeyStore & { items: Map<string, StoredStateKey> } {
  const items = new Map<string, StoredStateKey>();
  return {
    items,
    get: async (accountId) => items.get(accountId),
    putIfAbsent: async (accountId, key) => {
      if (!items.has(accountId)) items.set(accountId, key);
      return items.get(accountId) as StoredStateKey;
    },
  };
}

describe('account state keys', () => {
  const dataKeys = createLocalDataKeyProvider(randomBytes(32));

  it('makes one key per account on first use, stores it wrapped, and opens it again in another container', async () => {
    const store = memoryStore();
    const key = await createAccountStateKeys({ store, dataKeys }).forAccount('acc_a');
    expect(key).toHaveLength(32);
    const stored = store.items.get('acc_a');
    expect(stored?.keyring).toBe('local');
    expect(stored?.wrappedKey).not.toContain(Buffer.from(key).toString('base64url'));
    expect(Buffer.from(await createAccountStateKeys({ store, dataKeys }).forAccount('acc_a')).equals(Buffer.from(key))).toBe(true);
    expect(Buffer.from(await createAccountStateKeys({ store, dataKeys }).forAccount('acc_b')).equals(Buffer.from(key))).toBe(false);
  });

  it('binds the wrapped key to its account: copied to another account, it does not open', async () => {
    const store = memoryStore();
    await createAccountStateKeys({ store, dataKeys }).forAccount('acc_a');
    store.items.set('acc_b', store.items.get('acc_a') as StoredStateKey);
    await expect(createAccountStateKeys({ store, dataKeys }).forAccount('acc_b')).rejects.toThrow();
    expect(RESPONSE_STATE_PURPOSE).toBe('roukey-response-state');
  });

  it('uses the key that stands when another container made one first', async () => {
    const store = memoryStore();
    const theirs = await createAccountStateKeys({ store, dataKeys }).forAccount('acc_a');
    const racing: StateKeyStore = { get: async () => undefined, putIfAbsent: store.putIfAbsent };
    expect(Buffer.from(await createAccountStateKeys({ store: racing, dataKeys }).forAccount('acc_a')).equals(Buffer.from(theirs))).toBe(true);
  });
});
