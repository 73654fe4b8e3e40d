import { TtlCache } from '../../../lambdas/cache/ttl-cache.js';
import { apiKeyHint, hashApiKey, looksLikeApiKey, newApiKey, newId, providerKeyHint } from '../../../lambdas/keys/key-material.js';

describe('TtlCache', () => {
  it('expires entries after their lifetime', () => {
    let t = 1_000;
    const cache = new TtlCache<string, number>({ maxEntries: 10, now: () => t });
    cache.set('a', 1, 100);
    expect(cache.get('a')).toBe(1);
    t += 100;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.has('a')).toBe(false);
  });

  it('stays bounded, evicting the least recently used entry', () => {
    const cache = new TtlCache<string, number>({ maxEntries: 2 });
    cache.set('a', 1, 10_000);
    cache.set('b', 2, 10_000);
    cache.get('a');
    cache.set('c', 3, 10_000);
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
  });

  it('can hold undefined as a live (negative) entry', () => {
    const cache = new TtlCache<string, number | undefined>({ maxEntries: 2 });
    cache.set('miss', undefined, 10_000);
    expect(cache.has('miss')).toBe(true);
    expect(cache.entry('miss')).toEqual(expect.objectContaining({ value: undefined }));
    expect(cache.entry('never set')).toBeUndefined();
  });

  it('keeps the recency order through repeated hits on the newest key and deletes of it', () => {
    const cache = new TtlCache<string, number>({ maxEntries: 2 });
    cache.set('a', 1, 10_000);
    cache.set('b', 2, 10_000);
    cache.get('b');
    cache.get('b');
    cache.get('a');
    cache.set('c', 3, 10_000); // b is now the least recently used
    expect([cache.has('a'), cache.has('b'), cache.has('c')]).toEqual([true, false, true]);

    cache.delete('a'); // 'a' was the newest: the next hit on it must not be taken for one on the newest key
    cache.set('a', 4, 10_000);
    cache.get('c');
    cache.set('d', 5, 10_000); // a is now the least recently used
    expect([cache.get('a'), cache.get('c'), cache.get('d')]).toEqual([undefined, 3, 5]);
  });
});

describe('key material', () => {
  it('API keys are rk_ + 32 random bytes in base64url, recognisable by shape', () => {
    const key = newApiKey();
    expect(key).toMatch(/^rk_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(key.slice(3), 'base64url')).toHaveLength(32);
    expect(looksLikeApiKey(key)).toBe(true);
    expect(looksLikeApiKey('rk_short')).toBe(false);
    expect(newApiKey()).not.toBe(key);
  });

  it('hints reveal only a prefix of API keys and the last 4 characters of provider keys', () => {
    const key = newApiKey();
    expect(apiKeyHint(key)).toBe(`${key.slice(0, 7)}…`);
    expect(providerKeyHint('sk-abcdefghijklmnop1234')).toBe('…1234');
    expect(hashApiKey(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiKey(key)).not.toContain(key.slice(3));
  });

  it('ids are random and prefixed', () => {
    const ids = new Set(Array.from({ length: 100 }, () => newId('pk')));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^pk_[A-Za-z0-9_-]{22}$/);
  });
});
