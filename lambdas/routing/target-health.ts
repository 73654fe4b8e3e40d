import { DEFAULT_RELIABILITY } from './config-schema.js';
import type { TargetHealthView } from './decision.js';

/** How an attempt failed, as it counts against its target. */
export type FailureKind = 'rate_limited' | 'server' | 'timeout' | 'network' | 'auth';

/** Whether an attempt may go to a target now; a `probe` is the one attempt a half-open breaker lets through. */
export type Admission =
  | { readonly ok: true; readonly probe: boolean }
  | { readonly ok: false; readonly reason: 'cooldown' | 'circuit_open'; readonly retryAtMs: number };

/**
 * A target's health as one container reports it to the others (gateway/health-sync.ts) and learns it back: times
 * are epoch ms, 0 where nothing holds the target out. `key` is decision.ts's targetKey.
 */
export interface SharedTargetHealth {
  readonly key: string;
  readonly consecutiveFailures: number;
  /** Moving average of attempts that failed (rate limits included), 0..1. */
  readonly errorRate: number;
  readonly cooldownUntil: number;
  readonly circuitOpenUntil: number;
  readonly ttftMs?: number;
  /** When the reporting container last sampled `ttftMs`. */
  readonly sampledAt: number;
}

/**
 * What a container reports of a target: its cooldown and circuit only when it changed them itself (a 429, a breaker
 * that opened, or a probe that closed it), so a report of a target that simply answered never erases another
 * container's open circuit.
 */
export type TargetHealthReport = Omit<SharedTargetHealth, 'cooldownUntil' | 'circuitOpenUntil'> &
  Partial<Pick<SharedTargetHealth, 'cooldownUntil' | 'circuitOpenUntil'>>;

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
  /** Weight of the newest attempt in the moving error rate. */
  readonly errorRateAlpha?: number;
  /**
   * The least time between two reports of a target whose breaker and cooldown did not change: drift in its latency
   * or error rate alone waits this long, so the shared item is written a bounded number of times.
   */
  readonly driftReportMs?: number;
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
  errorRate: number;
  /** What other containers reported (health-sync.ts), beside what this one saw. */
  shared: SharedTargetHealth | undefined;
  /** When this container last reported the target, and the latency and error rate it reported then. */
  reportedAt: number;
  reportedLatencyMs: number | undefined;
  reportedErrorRate: number;
  /** The cooldown or the breaker changed since the last report. */
  cooldownChanged: boolean;
  circuitChanged: boolean;
}

/** Latency or error rate moved this much (relative, absolute) since the last report: worth telling the others. */
const LATENCY_DRIFT = 0.25;
const ERROR_RATE_DRIFT = 0.1;

/**
 * What one container knows of its targets' health (keys from decision.ts's targetKey): 429 cooldowns, a circuit
 * breaker per target (closed → open after consecutive failures → half-open: one probe at a time → closed on its
 * success, open again on its failure) and an EWMA of time to first token. Bounded, so memory does not grow with
 * the targets a container has seen; forgetting a target only gives it a fresh start.
 *
 * What other containers saw comes in through `learn` and only adds to this container's own view: a cooldown or an
 * open circuit reported elsewhere keeps the target out here too, and their latency stands in where this container
 * has no recent sample. Material changes of its own view (breaker, cooldown, or a drift) go out through `takeReports`.
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
  readonly #errorRateAlpha: number;
  readonly #driftReportMs: number;
  readonly #now: () => number;
  /** Targets whose state changed materially since the last `takeReports`. */
  readonly #changed = new Set<string>();

  constructor({
    maxTargets = 10_000,
    failureThreshold = 3,
    openMs = 30_000,
    latencyAlpha = 0.3,
    latencyMaxAgeMs = 10 * 60_000,
    defaultCooldownMs = 1_000,
    maxCooldownMs = 5 * 60_000,
    timeoutPenaltyMs = DEFAULT_RELIABILITY.firstTokenTimeoutMs,
    errorRateAlpha = 0.1,
    driftReportMs = 30_000,
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
    this.#errorRateAlpha = errorRateAlpha;
    this.#driftReportMs = driftReportMs;
    this.#now = now;
  }

  /** Whether an attempt may go now. Admitting a half-open target's probe claims it: call succeeded, failed or released after. */
  admit(key: string): Admission {
    const state = this.#touch(key);
    if (!state) return { ok: true, probe: false };
    const now = this.#now();
    const cooldownUntil = Math.max(state.cooldownUntil, state.shared?.cooldownUntil ?? 0);
    // Another container's open circuit keeps a target out that this one has not (yet) seen fail.
    const openUntil = Math.max(state.breaker !== 'closed' ? state.openUntil : 0, state.shared?.circuitOpenUntil ?? 0);
    const cooling = cooldownUntil > now;
    const tripped = openUntil > now;
    if (cooling || tripped) {
      // Both must have passed before the target is tried again: report the later.
      return cooling && (!tripped || cooldownUntil >= openUntil)
        ? { ok: false, reason: 'cooldown', retryAtMs: cooldownUntil }
        : { ok: false, reason: 'circuit_open', retryAtMs: openUntil };
    }
    if (state.breaker === 'closed') return { ok: true, probe: false };
    state.breaker = 'half-open';
    state.openUntil = now + this.#openMs;
    return { ok: true, probe: true };
  }

  /** The target answered (first token after `ttftMs`): its failures are forgiven and its breaker closes. */
  succeeded(key: string, ttftMs: number): void {
    const state = this.#state(key);
    const reopened = state.breaker !== 'closed';
    state.failures = 0;
    state.breaker = 'closed';
    this.#sample(state, ttftMs);
    this.#countAttempt(state, 0);
    state.circuitChanged ||= reopened;
    this.#noteChange(key, state, reopened);
  }

  /**
   * The target failed. A rate limit cools it down for `retryAfterMs` (its Retry-After) and says nothing about its
   * health; every other failure counts toward its breaker, and a failed probe opens it again.
   */
  failed(key: string, kind: FailureKind, retryAfterMs?: number): void {
    const state = this.#state(key);
    const now = this.#now();
    this.#countAttempt(state, 1);
    if (kind === 'rate_limited') {
      const wait = Math.min(Math.max(retryAfterMs ?? this.#defaultCooldownMs, 0), this.#maxCooldownMs);
      const cooldownUntil = Math.max(state.cooldownUntil, now + wait);
      const extended = cooldownUntil > state.cooldownUntil;
      state.cooldownUntil = cooldownUntil;
      state.cooldownChanged ||= extended;
      this.released(key);
      this.#noteChange(key, state, extended);
      return;
    }
    state.failures++;
    if (kind === 'timeout') this.#sample(state, this.#timeoutPenaltyMs);
    const opens = state.breaker === 'half-open' || (state.breaker === 'closed' && state.failures >= this.#failureThreshold);
    if (opens) {
      state.breaker = 'open';
      state.openUntil = now + this.#openMs;
      state.circuitChanged = true;
    }
    this.#noteChange(key, state, opens);
  }

  /**
   * An admitted run has ended: a probe it held without a verdict (the client left, the request was its own fault) is
   * free again. After succeeded or failed this changes nothing, so a caller may release whenever a run ends.
   */
  released(key: string): void {
    const state = this.#states.get(key);
    if (state?.breaker === 'half-open') state.openUntil = this.#now();
  }

  /** This container's recent latency of the target, else the one another container reported, else undefined. */
  latencyMs(key: string): number | undefined {
    const state = this.#states.get(key);
    if (!state) return undefined;
    const now = this.#now();
    if (state.latencyMs !== undefined && now - state.sampledAt <= this.#latencyMaxAgeMs) return state.latencyMs;
    const shared = state.shared;
    if (shared?.ttftMs === undefined || now - shared.sampledAt > this.#latencyMaxAgeMs) return undefined;
    return shared.ttftMs;
  }

  /** Takes in what other containers reported of these targets (replacing what they reported before). */
  learn(reports: readonly SharedTargetHealth[]): void {
    for (const report of reports) this.#state(report.key).shared = report;
  }

  /** This container's view of each target that changed materially since the last call, to report to the others. */
  takeReports(): TargetHealthReport[] {
    const now = this.#now();
    const reports: TargetHealthReport[] = [];
    for (const key of this.#changed) {
      const state = this.#states.get(key);
      if (!state) continue;
      state.reportedAt = now;
      state.reportedLatencyMs = state.latencyMs;
      state.reportedErrorRate = state.errorRate;
      reports.push({
        key,
        consecutiveFailures: state.failures,
        errorRate: state.errorRate,
        ...(state.cooldownChanged ? { cooldownUntil: state.cooldownUntil } : {}),
        ...(state.circuitChanged ? { circuitOpenUntil: state.breaker === 'closed' ? 0 : state.openUntil } : {}),
        ...(state.latencyMs === undefined ? {} : { ttftMs: Math.round(state.latencyMs) }),
        sampledAt: state.sampledAt,
      });
      state.cooldownChanged = false;
      state.circuitChanged = false;
    }
    this.#changed.clear();
    return reports;
  }

  /** Targets remembered. */
  get size(): number {
    return this.#states.size;
  }

  #countAttempt(state: TargetState, failed: 0 | 1): void {
    state.errorRate = this.#errorRateAlpha * failed + (1 - this.#errorRateAlpha) * state.errorRate;
  }

  /**
   * Marks the target for the next report: always when its breaker or cooldown changed (rare by nature: at most a
   * few times per open period), for a drift in latency or error rate only once `driftReportMs` has passed.
   */
  #noteChange(key: string, state: TargetState, transition: boolean): void {
    if (transition) {
      this.#changed.add(key);
      return;
    }
    if (this.#now() - state.reportedAt < this.#driftReportMs) return;
    const reported = state.reportedLatencyMs;
    const latencyDrift = state.latencyMs !== undefined && (reported === undefined || Math.abs(state.latencyMs - reported) >= LATENCY_DRIFT * reported);
    if (latencyDrift || Math.abs(state.errorRate - state.reportedErrorRate) >= ERROR_RATE_DRIFT) this.#changed.add(key);
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
    const state: TargetState = {
      cooldownUntil: 0,
      failures: 0,
      breaker: 'closed',
      openUntil: 0,
      latencyMs: undefined,
      sampledAt: 0,
      errorRate: 0,
      shared: undefined,
      reportedAt: Number.NEGATIVE_INFINITY,
      reportedLatencyMs: undefined,
      reportedErrorRate: 0,
      cooldownChanged: false,
      circuitChanged: false,
    };
    this.#states.set(key, state);
    // A Map iterates in insertion order and #touch re-inserts on use, so the first key is the least recently used.
    const oldest = this.#states.keys().next();
    if (this.#states.size > this.#maxTargets && !oldest.done) this.#states.delete(oldest.value);
    return state;
  }
}
