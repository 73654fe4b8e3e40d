import { TtlCache } from '../cache/ttl-cache.js';
import { MINUTE_SLICE, minuteWindow, sliceSize } from './allowance.js';
import type { LimitCounters } from './limit-counters.js';

/** A key's requests-per-minute allowance as this container sees it: what OpenAI's `x-ratelimit-*-requests` headers tell. */
export interface MinuteAllowance {
  readonly limit: number;
  /** What is left in the window: exact at a lease, an upper estimate in between (other containers' use is not seen). */
  readonly remaining: number;
  /** When the window ends (epoch ms). */
  readonly resetAt: number;
}

export interface MinuteVerdict extends MinuteAllowance {
  readonly admitted: boolean;
}

/** One key's current window in this container. */
interface KeyWindow {
  readonly minute: number;
  readonly endsAt: number;
  /** Requests leased by this container and not used yet; they expire with the window. */
  held: number;
  /** The window's count at this container's last lease, its own share included. */
  known: number;
  /** After a lease found nothing left, refusals cost no round trip until then. */
  exhaustedUntil: number;
  /** After the table failed, requests are admitted without asking it until then. */
  failOpenUntil: number;
  /** Requests waiting for a share: the next lease asks for all of them at once. */
  waiting: number;
  /** The lease under way: concurrent requests wait for it instead of leasing too. */
  leasing?: Promise<void>;
}

export interface MinuteAllowancesOptions {
  readonly now?: () => number;
  /** How long a container trusts "nothing left" (or a failing table) before asking again. */
  readonly recheckMs?: number;
  readonly maxKeys?: number;
  /** Told when the table fails; the request is admitted (the limiter fails open). */
  readonly onError?: (err: unknown) => void;
}

/**
 * Per-key requests per minute, shared by every container through leases: a container takes a share of the window
 * (`sliceSize`) with one conditional update that never lets the window's count pass the limit, then admits from
 * it in memory. Admissions never exceed the limit in a window; a share left unused expires with its window.
 */
export class MinuteAllowances {
  readonly #counters: LimitCounters;
  readonly #now: () => number;
  readonly #recheckMs: number;
  readonly #onError: (err: unknown) => void;
  readonly #windows: TtlCache<string, KeyWindow>;

  constructor(counters: LimitCounters, options: MinuteAllowancesOptions = {}) {
    this.#counters = counters;
    this.#now = options.now ?? Date.now;
    this.#recheckMs = options.recheckMs ?? 1_000;
    this.#onError = options.onError ?? (() => undefined);
    this.#windows = new TtlCache({ maxEntries: options.maxKeys ?? 10_000, now: this.#now });
  }

  /** Takes one request of the key's allowance `limit` for the current minute, or refuses. */
  async take(key: { readonly accountId: string; readonly apiKeyId: string }, limit: number): Promise<MinuteVerdict> {
    for (;;) {
      const now = this.#now();
      const window = this.#window(key.apiKeyId, now);
      if (window.held > 0) {
        window.held--;
        return verdict(window, limit, true);
      }
      if (now < window.failOpenUntil) return verdict(window, limit, true);
      if (now < window.exhaustedUntil) return verdict(window, limit, false);
      window.waiting++;
      try {
        window.leasing ??= this.#lease(window, key, limit).finally(() => {
          window.leasing = undefined;
        });
        await window.leasing;
      } finally {
        window.waiting--;
      }
    }
  }

  #window(apiKeyId: string, now: number): KeyWindow {
    const { minute, endsAt } = minuteWindow(now);
    const current = this.#windows.get(apiKeyId);
    if (current?.minute === minute) return current;
    const fresh: KeyWindow = { minute, endsAt, held: 0, known: 0, exhaustedUntil: 0, failOpenUntil: 0, waiting: 0 };
    this.#windows.set(apiKeyId, fresh, endsAt - now);
    return fresh;
  }

  async #lease(window: KeyWindow, key: { readonly accountId: string; readonly apiKeyId: string }, limit: number): Promise<void> {
    try {
      // A burst asks for what it needs in one lease rather than one slice per round trip.
      const want = Math.min(limit, Math.max(sliceSize(limit, MINUTE_SLICE), window.waiting));
      const lease = await this.#counters.leaseMinute({ ...key, minute: window.minute }, want, limit);
      window.known = Math.max(window.known, lease.total);
      window.held += lease.granted;
      if (lease.granted === 0) window.exhaustedUntil = Math.min(window.endsAt, this.#now() + this.#recheckMs);
    } catch (err) {
      // The gateway stays up when the limits table does not: admit, and ask again a little later.
      window.failOpenUntil = Math.min(window.endsAt, this.#now() + this.#recheckMs);
      this.#onError(err);
    }
  }
}

function verdict(window: KeyWindow, limit: number, admitted: boolean): MinuteVerdict {
  return { admitted, limit, remaining: Math.max(0, limit - window.known) + window.held, resetAt: window.endsAt };
}
