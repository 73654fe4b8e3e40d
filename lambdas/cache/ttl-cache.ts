/**
 * A bounded in-memory cache with a per-entry lifetime, evicting the least recently used entry when full
 * (a Map keeps insertion order, so re-inserting on read makes the first key the oldest). Bounded so a
 * container's memory never grows with the number of distinct keys it has seen.
 */
export interface TtlCacheOptions {
  readonly maxEntries: number;
  readonly now?: () => number;
}

export class TtlCache<K, V> {
  readonly #entries = new Map<K, { value: V; expiresAt: number }>();
  readonly #maxEntries: number;
  readonly #now: () => number;
  /** The key at the back of the Map's order, if known. */
  #newest: K | undefined;

  constructor({ maxEntries, now = Date.now }: TtlCacheOptions) {
    this.#maxEntries = maxEntries;
    this.#now = now;
  }

  /** The live entry for `key` (its value may be `undefined`, a negative entry), now the most recently used. */
  entry(key: K): { readonly value: V } | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.delete(key);
      return undefined;
    }
    // Re-inserting moves a key to the back (most recent). A hot key is usually there already: left alone, a hit
    // on it is one lookup instead of a delete and an insert, which also churn the Map's table.
    if (this.#newest !== key) {
      this.#entries.delete(key);
      this.#entries.set(key, entry);
      this.#newest = key;
    }
    return entry;
  }

  get(key: K): V | undefined {
    return this.entry(key)?.value;
  }

  /** Whether a live entry exists (an entry may hold `undefined`, e.g. a negative cache entry). */
  has(key: K): boolean {
    return this.entry(key) !== undefined;
  }

  set(key: K, value: V, ttlMs: number): void {
    this.#entries.delete(key);
    this.#entries.set(key, { value, expiresAt: this.#now() + ttlMs });
    this.#newest = key;
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.delete(oldest.value);
    }
  }

  delete(key: K): void {
    this.#entries.delete(key);
    if (this.#newest === key) this.#newest = undefined;
  }

  get size(): number {
    return this.#entries.size;
  }
}
