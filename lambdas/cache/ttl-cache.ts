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

  constructor({ maxEntries, now = Date.now }: TtlCacheOptions) {
    this.#maxEntries = maxEntries;
    this.#now = now;
  }

  get(key: K): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    if (entry.expiresAt <= this.#now()) return undefined;
    this.#entries.set(key, entry);
    return entry.value;
  }

  /** Whether a live entry exists (an entry may hold `undefined`, e.g. a negative cache entry). */
  has(key: K): boolean {
    const entry = this.#entries.get(key);
    return entry !== undefined && entry.expiresAt > this.#now();
  }

  set(key: K, value: V, ttlMs: number): void {
    this.#entries.delete(key);
    this.#entries.set(key, { value, expiresAt: this.#now() + ttlMs });
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.#entries.delete(oldest.value);
    }
  }

  delete(key: K): void {
    this.#entries.delete(key);
  }

  get size(): number {
    return this.#entries.size;
  }
}
