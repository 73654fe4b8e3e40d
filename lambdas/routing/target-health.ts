import { DEFAULT_RELIABILITY } from './config-schema.js';
import type { TargetHealthView } from './decision.js';

/** How an attempt failed, as it counts against its target. */
export type FailureKind = 'rate_limited' | 'server' | 'timeout' | 'network' | 'auth';

/** Whether an attempt may go to a target now; a `probe` is the one attempt a half-open breaker lets through. */
export type Admission =
  | { readonly ok: true; readonly probe: boolean }
  | { readonly ok: false; readonly reason: 'cooldown' | 'circuit_open'; readonly retryAtMs: number };

export interface TargetHealthOptions {
  /** Targets remembered; the least recently used is forgotten first. */
  readonly maxTargets?: number;
  /** Consecutive failures (rate limits aside) that open a target's breaker. */
  readonly failureThreshold?: number;
  /** How long an open breaker refuses before it lets one probe through; also how long a probe may stay out. */
  readonly openMs?: number;
  /** Weight of the newest time-to-first-token sample in the moving average. */
  readonly latencyAlpha?: number;
  /** A latency last sampled longer ago than this counts as unknown. */
  readonly latencyMaxAgeMs?: number;
  /** Cooldown after a 429 without Retry-After, and the most a Retry-After may impose. */
  readonly defaultCooldownMs?: number;
  readonly maxCooldownMs?: number;
  /**
   * The latency sample a timeout counts as: the attempt waited at least about the default first-token timeout,
   * so a target that times out ranks behind those that answer (and an unmeasured one stops going first).
   */
  readonly timeoutPenaltyMs?: number;
  readonly now?: () => number;
}

type Breaker = 'closed' | 'open' | 'half-open';

interface TargetState {
  /** Until when a 429's Retry-After keeps the target out. */
  cooldownUntil: number;
  /** Consecutive failures that count toward the breaker. */
  failures: number;
  breaker: Breaker;
  /** Open: when a probe may go. Half-open: when the probe out is presumed lost and another may go. */
  openUntil: number;
  latencyMs: number | undefined;
  sampledAt: number;
}

/**
 * What one container knows of its targets' health (keys from decision.ts's targetKey): 429 cooldowns, a circuit
 * breaker per target (closed → open after consecutive failures → half-open: one probe at a time → closed on its
 * success, open again on its failure) and an EWMA of time to first token. Bounded, so memory does not grow with
 * the targets a container has seen; forgetting a target only gives it a fresh start.
 */
export class TargetHealth implements TargetHealthView {
  readonly #states = new Map<string, TargetState>();
  readonly #maxTargets: number;
  readonly #failureThreshold: number;
  readonly #openMs: number;
  readonly #alpha: number;
  readonly #latencyMaxAgeMs: number;
  readonly #defaultCooldownMs: number;
  readonly #maxCooldownMs: number;
  readonly #timeoutPenaltyMs: number;
  readonly #now: () => number;

  constructor({
    maxTargets = 10_000,
    failureThreshold = 3,
    openMs = 30_000,
    latencyAlpha = 0.3,
    latencyMaxAgeMs = 10 * 60_000,
    defaultCooldownMs = 1_000,
    maxCooldownMs = 5 * 60_000,
    timeoutPenaltyMs = DEFAULT_RELIABILITY.firstTokenTimeoutMs,
    now = Date.now,
  }: TargetHealthOptions = {}) {
    this.#maxTargets = maxTargets;
    this.#failureThreshold = failureThreshold;
    this.#openMs = openMs;
    this.#alpha = latencyAlpha;
    this.#latencyMaxAgeMs = latencyMaxAgeMs;
    this.#defaultCooldownMs = defaultCooldownMs;
    this.#maxCooldownMs = maxCooldownMs;
    this.#timeoutPenaltyMs = timeoutPenaltyMs;
    this.#now = now;
  }

  /** Whether an attempt may go now. Admitting a half-open target's probe claims it: call succeeded, failed or released after. */
  admit(key: string): Admission {
    const state = this.#touch(key);
    if (!state) return { ok: true, probe: false };
    const now = this.#now();
    const cooling = state.cooldownUntil > now;
    const tripped = state.breaker !== 'closed' && state.openUntil > now;
    if (cooling || tripped) {
      // Both must have passed before the target is tried again: report the later.
      return cooling && (!tripped || state.cooldownUntil >= state.openUntil)
        ? { ok: false, reason: 'cooldown', retryAtMs: state.cooldownUntil }
        : { ok: false, reason: 'circuit_open', retryAtMs: state.openUntil };
    }
    if (state.breaker === 'closed') return { ok: true, probe: false };
    state.breaker = 'half-open';
    state.openUntil = now + this.#openMs;
    return { ok: true, probe: true };
  }

  /** The target answered (first token after `ttftMs`): its failures are forgiven and its breaker closes. */
  succeeded(key: string, ttftMs: number): void {
    const state = this.#state(key);
    state.failures = 0;
    state.breaker = 'closed';
    this.#sample(state, ttftMs);
  }

  /**
   * The target failed. A rate limit cools it down for `retryAfterMs` (its Retry-After) and says nothing about its
   * health; every other failure counts toward its breaker, and a failed probe opens it again.
   */
  failed(key: string, kind: FailureKind, retryAfterMs?: number): void {
    const state = this.#state(key);
    const now = this.#now();
    if (kind === 'rate_limited') {
      const wait = Math.min(Math.max(retryAfterMs ?? this.#defaultCooldownMs, 0), this.#maxCooldownMs);
      state.cooldownUntil = Math.max(state.cooldownUntil, now + wait);
      this.released(key);
      return;
    }
    state.failures++;
    if (kind === 'timeout') this.#sample(state, this.#timeoutPenaltyMs);
    if (state.breaker === 'half-open' || (state.breaker === 'closed' && state.failures >= this.#failureThreshold)) {
      state.breaker = 'open';
      state.openUntil = now + this.#openMs;
    }
  }

  /**
   * An admitted run has ended: a probe it held without a verdict (the client left, the request was its own fault) is
   * free again. After succeeded or failed this changes nothing, so a caller may release whenever a run ends.
   */
  released(key: string): void {
    const state = this.#states.get(key);
    if (state?.breaker === 'half-open') state.openUntil = this.#now();
  }

  latencyMs(key: string): number | undefined {
    const state = this.#states.get(key);
    if (state?.latencyMs === undefined || this.#now() - state.sampledAt > this.#latencyMaxAgeMs) return undefined;
    return state.latencyMs;
  }

  /** Targets remembered. */
  get size(): number {
    return this.#states.size;
  }

  #sample(state: TargetState, ms: number): void {
    const now = this.#now();
    const fresh = state.latencyMs !== undefined && now - state.sampledAt <= this.#latencyMaxAgeMs;
    state.latencyMs = fresh ? this.#alpha * ms + (1 - this.#alpha) * (state.latencyMs ?? ms) : ms;
    state.sampledAt = now;
  }

  /** The target's state, now the most recently used; undefined when nothing is known of it. */
  #touch(key: string): TargetState | undefined {
    const state = this.#states.get(key);
    if (state) {
      this.#states.delete(key);
      this.#states.set(key, state);
    }
    return state;
  }

  #state(key: string): TargetState {
    const known = this.#touch(key);
    if (known) return known;
    const state: TargetState = { cooldownUntil: 0, failures: 0, breaker: 'closed', openUntil: 0, latencyMs: undefined, sampledAt: 0 };
    this.#states.set(key, state);
    // A Map iterates in insertion order and #touch re-inserts on use, so the first key is the least recently used.
    const oldest = this.#states.keys().next();
    if (this.#states.size > this.#maxTargets && !oldest.done) this.#states.delete(oldest.value);
    return state;
  }
}
