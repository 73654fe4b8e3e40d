import { catalogEntry, checkCapabilities, checkModelKind, requiredCapabilities } from '../../catalog/index.js';
import { ApiError, type ErrorKind } from '../../http/errors.js';
import type { ProviderId } from '../../provider-ids.js';
import { providerAdapter } from '../../providers/registry.js';
import { UpstreamError, type ChatRequest, type ProviderAdapter, type UpstreamFailure, type UpstreamHttpRequest } from '../../providers/types.js';
import { targetKey, type RouteTarget } from '../../routing/decision.js';
import type { FailureKind } from '../../routing/target-health.js';
import { MAX_RECORDED_ATTEMPTS, type AttemptOutcome, type AttemptRecord } from '../../store/activity-record.js';
import {
  baseUrlRefused,
  ClientDisconnectedError,
  providerKeyNotFound,
  targetCircuitOpen,
  targetCoolingDown,
  upstreamFailureToApiError,
} from '../client-errors.js';
import type { GatewayDeps } from '../deps.js';
import type { AbortHook } from '../transport/abort-switch.js';
import { AddressRefusedError, UpstreamCall } from '../transport/upstream-call.js';
import { failureClass, retryAfterMs } from './attempt-policy.js';
import { openAnswer, type ChatAnswer, type StartedAnswer } from './answer.js';
import type { ChosenTarget, RouteOutcome, Routed } from './outcome.js';
import type { ClientChatRequest, InboundRequest } from './request.js';
import type { SelectedRoute } from './route-selection.js';
import type { Metering } from './stream-meter.js';

/** Writes the answer to the client; the status line goes out then, with headers built from `outcome`. */
export type DeliverAnswer<T> = (answer: ChatAnswer, outcome: RouteOutcome) => Promise<T>;

/** A target passed over or an attempt that failed, as the final error will summarise it. */
interface Miss {
  readonly error: ApiError;
  /** When the target may be tried again (a 429's Retry-After, a cooldown, an open breaker). */
  readonly retryAtMs?: number;
}

/** A target passed over without an upstream call, and why. */
interface Skip {
  readonly target: string;
  readonly provider?: ProviderId;
  readonly outcome: AttemptOutcome;
  readonly miss: Miss;
}

/** A target ready to call: its adapter and the request in its provider's format. */
interface ReadyTarget {
  readonly chosen: ChosenTarget;
  /** The target's key in the container's health (cooldowns, breakers, latency). */
  readonly healthKey: string;
  readonly adapter: ProviderAdapter;
  readonly chatRequest: ChatRequest;
  readonly upstreamRequest: UpstreamHttpRequest;
}

/** What `deliver` returned, once a target has answered. */
interface Answered<T> {
  readonly delivered: T;
}

/** How long a target cools down after a 429 that names no Retry-After. */
const DEFAULT_COOLDOWN_MS = 1_000;

/**
 * The attempt loop for one request: each target of the decision in order, each retried per the policy, until
 * one answers. Retries and fallbacks happen only before the first byte reaches the client; once an answer is
 * handed to `deliver`, a failure goes in-band (client-errors.ts `inBandError`). It returns what it did, for the
 * response headers and the activity record: the answer delivered, or the error the client should see.
 */
export class AttemptLoop {
  private readonly attempts: AttemptRecord[] = [];
  private readonly misses: Miss[] = [];
  private calls = 0;
  private target: ChosenTarget | undefined;
  private metering: Metering | undefined;
  private readonly accountId: string;
  private readonly request: ClientChatRequest;
  private readonly clientSignal: AbortHook;
  private readonly receivedAt: number;
  /** When the request's time is up: no upstream call runs past it. */
  private readonly deadline: number;
  private readonly body: Readonly<Record<string, unknown>>;
  private readonly needs;

  constructor(
    private readonly deps: GatewayDeps,
    private readonly route: SelectedRoute,
    inbound: InboundRequest,
  ) {
    this.accountId = inbound.caller.accountId;
    this.request = inbound.request;
    this.clientSignal = inbound.clientSignal;
    this.receivedAt = inbound.receivedAt;
    this.deadline = inbound.receivedAt + deps.timeouts.requestMs;
    this.body = upstreamBody(inbound.request.body, route.decision.systemPrompt);
    this.needs = requiredCapabilities(this.body);
  }

  async run<T>(deliver: DeliverAnswer<T>): Promise<Routed<T>> {
    try {
      for (const target of this.route.decision.targets) {
        if (this.exhausted()) break;
        const answered = await this.tryTarget(target, deliver);
        if (answered) return { ok: true, delivered: answered.delivered, outcome: this.outcome() };
      }
      return { ok: false, error: this.failure(), outcome: this.outcome() };
    } catch (error) {
      return { ok: false, error, outcome: this.outcome() };
    }
  }

  /** The target's answer once delivered; undefined to move on to the next target. */
  private async tryTarget<T>(target: RouteTarget, deliver: DeliverAnswer<T>): Promise<Answered<T> | undefined> {
    const ready = await this.prepare(target);
    if ('miss' in ready) return this.skip(ready);
    const health = this.deps.routing.health;
    const admitted = this.route.policy.skipUnhealthy ? health.admit(ready.healthKey) : undefined;
    if (admitted && !admitted.ok) {
      const { name, provider } = ready.chosen;
      const cooling = admitted.reason === 'cooldown';
      const error = cooling ? targetCoolingDown(name) : targetCircuitOpen(name);
      return this.skip({
        target: name,
        provider,
        outcome: cooling ? 'skipped_cooldown' : 'skipped_circuit_open',
        miss: { error, retryAtMs: admitted.retryAtMs },
      });
    }
    this.target = ready.chosen;
    try {
      return await this.callWithRetries(ready, deliver);
    } finally {
      // A half-open breaker's one trial goes back when the calls end without a verdict (after one, this is a no-op).
      if (admitted?.probe) health.released(ready.healthKey);
    }
  }

  /** Everything before the first call: the provider key, the model's capabilities, the base URL, the provider's request. */
  private async prepare(target: RouteTarget): Promise<ReadyTarget | Skip> {
    const name = `${target.providerKeyName}/${target.model}`;
    const credentials = await this.deps.providerKeys.byName(this.accountId, target.providerKeyName);
    if (!credentials) return { target: name, outcome: 'provider_key_not_found', miss: { error: providerKeyNotFound(target.providerKeyName) } };
    const provider = credentials.provider;
    // A request the model cannot serve (an image to a text-only model, text to embed to a chat model) is refused before any upstream call.
    const catalog = catalogEntry(provider, target.model);
    const unsupported = checkModelKind(this.request.modelKind ?? 'chat', catalog) ?? checkCapabilities(this.needs, catalog);
    if (unsupported) return { target: name, provider, outcome: 'unsupported', miss: { error: unsupported } };
    if (credentials.baseUrl !== undefined && !(await this.baseUrlAllowed(credentials.baseUrl))) {
      return { target: name, provider, outcome: 'base_url_refused', miss: { error: baseUrlRefused() } };
    }
    const adapter = this.request.adapterFor?.(provider, this.route.decision.systemPrompt) ?? providerAdapter(provider);
    const chatRequest: ChatRequest = {
      body: this.body,
      providerKeyName: target.providerKeyName,
      model: target.model,
      stream: this.request.stream,
      includeUsage: this.request.includeUsage,
    };
    let upstreamRequest: UpstreamHttpRequest;
    try {
      upstreamRequest = adapter.chatRequest(chatRequest, credentials);
    } catch (err) {
      // The adapter cannot express this request in its provider's format (a 400 naming the field): another target may.
      if (err instanceof ApiError) return { target: name, provider, outcome: 'unsupported', miss: { error: err } };
      throw err;
    }
    const chosen: ChosenTarget = { name, provider, providerKeyId: credentials.providerKeyId, model: target.model, catalog };
    return { chosen, healthKey: targetKey(this.accountId, target), adapter, chatRequest, upstreamRequest };
  }

  /** Calls a ready target, again after a retryable failure as the policy allows; its answer once delivered. */
  private async callWithRetries<T>(ready: ReadyTarget, deliver: DeliverAnswer<T>): Promise<Answered<T> | undefined> {
    const { policy } = this.route;
    for (let retry = 0; ; retry++) {
      const startedAt = Date.now();
      this.calls++;
      const call = new UpstreamCall(this.clientSignal, {
        startMs: this.request.stream ? policy.firstTokenTimeoutMs : policy.responseTimeoutMs,
        idleMs: policy.idleTimeoutMs,
        deadline: this.deadline,
        answerBytes: this.deps.bounds.answerBytes,
      });
      let started: StartedAnswer;
      try {
        const response = await call.send(ready.upstreamRequest, ready.adapter);
        started = await openAnswer(ready.adapter, response, ready.chatRequest, call, this.receivedAt);
      } catch (err) {
        call.close();
        const failure = call.classify(err);
        if (failure instanceof ClientDisconnectedError) {
          this.record(ready, startedAt, 'client_disconnected');
          throw failure;
        }
        if (failure instanceof AddressRefusedError) {
          return this.skip({ target: ready.chosen.name, provider: ready.chosen.provider, outcome: 'base_url_refused', miss: { error: baseUrlRefused() } });
        }
        if (!(failure instanceof UpstreamError)) throw failure;
        if (!this.afterFailure(ready, startedAt, failure.failure)) return undefined;
        if (retry >= policy.retries || this.exhausted()) return undefined;
        await pause(policy.backoffMs(retry), this.clientSignal);
        continue;
      }
      return this.deliverAnswer(ready, call, started, startedAt, deliver);
    }
  }

  /** Hands a started answer to `deliver`; the upstream call ends when delivery has. */
  private async deliverAnswer<T>(
    ready: ReadyTarget,
    call: UpstreamCall,
    started: StartedAnswer,
    startedAt: number,
    deliver: DeliverAnswer<T>,
  ): Promise<Answered<T>> {
    const health = this.deps.routing.health;
    const record = this.record(ready, startedAt, 'ok', 200);
    health.succeeded(ready.healthKey, record.latencyMs);
    this.metering = started.metering;
    let delivered: T;
    try {
      delivered = await deliver(started.answer, this.outcome());
    } finally {
      await started.finish();
      call.close();
    }
    const broke = started.midStreamFailure();
    if (broke) {
      const { outcome, healthKind } = midStreamOutcome(broke);
      this.attempts[this.attempts.length - 1] = { ...record, outcome };
      if (healthKind) health.failed(ready.healthKey, healthKind);
    }
    return { delivered };
  }

  /**
   * Records a failed attempt and updates the target's health. Throws the client's error when the failure is not
   * one to move on from (a 400 from upstream is the request's fault, not the target's); else true to go on.
   */
  private afterFailure(ready: ReadyTarget, startedAt: number, failure: UpstreamFailure): boolean {
    const error = upstreamFailureToApiError(failure);
    const status = failure.kind === 'http' ? failure.status : undefined;
    this.record(ready, startedAt, outcomeOf(failure), status);
    const cls = failureClass(failure);
    const wait = failure.kind === 'http' && failure.status === 429 ? (retryAfterMs(failure.retryAfter) ?? DEFAULT_COOLDOWN_MS) : undefined;
    const kind = healthKind(cls);
    if (kind) this.deps.routing.health.failed(ready.healthKey, kind, wait);
    this.misses.push({ error, retryAtMs: wait === undefined ? undefined : Date.now() + wait });
    if (cls === undefined || !this.route.policy.fallbackOn.has(cls)) throw error;
    // A rate-limited target is cooling down: retrying it now would only be refused again.
    return cls !== '429';
  }

  /**
   * A request's attempts are bounded, so it cannot go on for long and its record always fits its schema: a group
   * of 16 targets, 16 last-resort targets and 3 retries each could otherwise make 128.
   */
  private exhausted(): boolean {
    return this.attempts.length >= MAX_RECORDED_ATTEMPTS;
  }

  /** Passes a target over without an upstream call: recorded, and remembered for the final error. */
  private skip(skip: Skip): undefined {
    this.attempts.push({ target: skip.target, ...(skip.provider ? { provider: skip.provider } : {}), latencyMs: 0, outcome: skip.outcome });
    this.misses.push(skip.miss);
    return undefined;
  }

  private record(ready: ReadyTarget, startedAt: number, outcome: AttemptOutcome, status?: number): AttemptRecord {
    const record: AttemptRecord = {
      target: ready.chosen.name,
      provider: ready.chosen.provider,
      ...(status !== undefined ? { status } : {}),
      latencyMs: Math.max(0, Date.now() - startedAt),
      outcome,
    };
    this.attempts.push(record);
    return record;
  }

  private async baseUrlAllowed(baseUrl: string): Promise<boolean> {
    try {
      await this.deps.assertSafeBaseUrl(baseUrl);
      return true;
    } catch {
      return false;
    }
  }

  private outcome(): RouteOutcome {
    const { decision, classifierUsage, referenceEntries } = this.route;
    return { decision, classifierUsage, referenceEntries, attempts: this.attempts, calls: this.calls, target: this.target, metering: this.metering };
  }

  /**
   * Every target failed or was passed over. One miss is answered as it was; several are summarised: 429 when
   * all were rate limits (with the soonest Retry-After), the shared status when all failed alike, else 502.
   */
  private failure(): ApiError {
    const [first, ...rest] = this.misses;
    if (!first) return new ApiError('upstream_error', 'The route has no targets.', { code: 'no_targets' });
    if (rest.length === 0) return first.error;
    const misses = this.misses;
    const summary = `All ${misses.length} attempts failed: ${this.attempts.map(describe).join('; ')}.`;
    const kinds = new Set<ErrorKind>(misses.map((m) => m.error.kind));
    const [kind] = kinds;
    if (kinds.size === 1 && kind === 'rate_limited') {
      const soonest = Math.min(...misses.map((m) => m.retryAtMs ?? Date.now() + DEFAULT_COOLDOWN_MS));
      const seconds = Math.max(1, Math.ceil((soonest - Date.now()) / 1000));
      return new ApiError('rate_limited', summary, { code: 'all_attempts_failed', headers: { 'retry-after': String(seconds) } });
    }
    if (kinds.size === 1 && kind !== undefined) return new ApiError(kind, summary, { code: 'all_attempts_failed', param: first.error.options.param });
    return new ApiError('upstream_error', summary, { code: 'all_attempts_failed' });
  }
}

/** The body sent upstream: without RouKey's own `models` list, with the chosen role's system prompt first. */
function upstreamBody(body: Readonly<Record<string, unknown>>, systemPrompt: string | undefined): Readonly<Record<string, unknown>> {
  if (body.models === undefined && systemPrompt === undefined) return body;
  const { models: _models, ...rest } = body;
  if (systemPrompt === undefined) return rest;
  return { ...rest, messages: [{ role: 'system', content: systemPrompt }, ...(rest.messages as unknown[])] };
}

function outcomeOf(failure: UpstreamFailure): AttemptOutcome {
  switch (failure.kind) {
    case 'http':
      return 'http_error';
    case 'stream':
      return 'stream_error';
    default:
      return failure.kind;
  }
}

/**
 * How a stream that broke after its first chunk is recorded, and what it says of the target's health: a client that
 * left says nothing, nor does a stream cut by the request's duration cap; an idle stream is the target's timeout.
 */
function midStreamOutcome(err: Error): { outcome: AttemptOutcome; healthKind?: FailureKind } {
  if (err instanceof ClientDisconnectedError) return { outcome: 'client_disconnected' };
  if (err instanceof UpstreamError && err.failure.kind === 'timeout')
    return { outcome: 'timeout', healthKind: err.failure.limit === 'idle' ? 'timeout' : undefined };
  return { outcome: 'stream_error', healthKind: 'network' };
}

/** How a failure counts against the target: rate limits cool it down, the rest count toward its breaker. */
function healthKind(cls: ReturnType<typeof failureClass>): FailureKind | undefined {
  switch (cls) {
    case '429':
      return 'rate_limited';
    case '5xx':
      return 'server';
    case 'timeout':
    case 'network':
    case 'auth':
      return cls;
    default:
      return undefined;
  }
}

const DESCRIBE: Record<AttemptOutcome, (r: AttemptRecord) => string> = {
  ok: () => 'answered',
  http_error: (r) => `HTTP ${r.status}`,
  timeout: () => 'timed out',
  network: () => 'unreachable',
  stream_error: () => 'stream failed',
  client_disconnected: () => 'client left',
  skipped_cooldown: () => 'cooling down after a rate limit',
  skipped_circuit_open: () => 'circuit open',
  unsupported: () => 'cannot serve this request',
  provider_key_not_found: () => 'no such provider key',
  base_url_refused: () => 'base URL refused',
};

function describe(record: AttemptRecord): string {
  return `${record.target} ${DESCRIBE[record.outcome](record)}`;
}

/** Waits before a retry; a client that leaves meanwhile ends the wait (and the request). */
function pause(ms: number, signal: AbortHook): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new ClientDisconnectedError());
    const onAbort = () => {
      clearTimeout(timer);
      reject(new ClientDisconnectedError());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
