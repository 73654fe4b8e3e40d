import { catalogEntry, checkCapabilities, requiredCapabilities } from '../../catalog/index.js';
import { ApiError, type ErrorKind } from '../../http/errors.js';
import { providerAdapter } from '../../providers/registry.js';
import { UpstreamError, type ChatRequest, type UpstreamFailure, type UpstreamHttpRequest } from '../../providers/types.js';
import { targetKey, type RouteDecision, type RouteTarget } from '../../routing/decision.js';
import type { FailureKind } from '../../routing/target-health.js';
import { MAX_RECORDED_ATTEMPTS, type AttemptOutcome, type AttemptRecord } from '../../store/activity-record.js';
import type { AbortHook } from '../transport/abort-switch.js';
import { failureClass, retryAfterMs, type AttemptPolicy } from './attempt-policy.js';
import { openAnswer, type DeliverAnswer } from './answer.js';
import type { ClientChatRequest } from '../../inbound/openai/chat-request.js';
import { upstreamFailureToApiError } from '../client-errors.js';
import type { GatewayDeps } from '../deps.js';
import type { UpstreamCredentials } from '../ports.js';
import type { RequestLog } from '../../inbound/request-record.js';
import { AddressRefusedError, ClientDisconnectedError, UpstreamAttempt } from '../transport/upstream-call.js';

/** A target passed over or an attempt that failed, as the final error will summarise it. */
interface Miss {
  readonly error: ApiError;
  /** When the target may be tried again (a 429's Retry-After, a cooldown, an open breaker). */
  readonly retryAtMs?: number;
}

/** How long a target cools down after a 429 that names no Retry-After. */
const DEFAULT_COOLDOWN_MS = 1_000;

/**
 * The attempt loop for one request: each target of the decision in order, each retried per the policy, until
 * one answers. Retries and fallbacks happen only before the first byte reaches the client; once an answer is
 * handed to `deliver`, a failure goes in-band (see route-chat.ts `midStreamFailure`).
 */
export class AttemptRun {
  private readonly attempts: AttemptRecord[] = [];
  private readonly misses: Miss[] = [];
  private calls = 0;
  private readonly accountId: string;
  private readonly needs;
  private readonly body: Readonly<Record<string, unknown>>;

  constructor(
    private readonly deps: GatewayDeps,
    private readonly decision: RouteDecision,
    private readonly policy: AttemptPolicy,
    private readonly request: ClientChatRequest,
    private readonly log: RequestLog,
    private readonly clientSignal: AbortHook,
  ) {
    this.accountId = log.principal!.accountId;
    this.body = upstreamBody(request.body, decision.systemPrompt);
    this.needs = requiredCapabilities(this.body);
    log.attempts = this.attempts;
    log.decision = decision;
    log.headers['x-roukey-strategy'] = decision.strategy;
    if (decision.route !== undefined) log.headers['x-roukey-route'] = decision.route;
  }

  /** Runs the loop; resolves once an answer has been delivered, or throws the error the client should see. */
  async run(deliver: DeliverAnswer): Promise<void> {
    for (const target of this.decision.targets) {
      if (this.exhausted()) break;
      if (await this.tryTarget(target, deliver)) return;
    }
    throw this.failure();
  }

  /** True when the target answered (and the answer was delivered); false to move on to the next target. */
  private async tryTarget(target: RouteTarget, deliver: DeliverAnswer): Promise<boolean> {
    const name = `${target.providerKeyName}/${target.model}`;
    const credentials = await this.deps.providerKeys.byName(this.accountId, target.providerKeyName);
    if (!credentials) {
      const error = new ApiError('not_found', `No provider key named "${target.providerKeyName}" in this account.`, { param: 'model', code: 'provider_key_not_found' });
      return this.pass(name, undefined, 'provider_key_not_found', { error });
    }
    const provider = credentials.provider;
    // A request the model cannot serve (an image to a text-only model, say) is refused before any upstream call.
    const catalog = catalogEntry(provider, target.model);
    const unsupported = checkCapabilities(this.needs, catalog);
    if (unsupported) return this.pass(name, provider, 'unsupported', { error: unsupported });

    const key = targetKey(this.accountId, target);
    const health = this.deps.routing.health;
    // A run admitted as the half-open probe must give the probe back when it ends without a verdict.
    let probe = false;
    const release = () => {
      if (probe) health.released(key);
    };
    if (this.policy.skipUnhealthy) {
      const admitted = health.admit(key);
      if (!admitted.ok) {
        const cooling = admitted.reason === 'cooldown';
        const error = cooling
          ? new ApiError('rate_limited', `${name} is cooling down after a rate limit.`, { code: 'upstream_rate_limited' })
          : new ApiError('upstream_error', `${name} is failing (circuit open).`, { code: 'circuit_open' });
        return this.pass(name, provider, cooling ? 'skipped_cooldown' : 'skipped_circuit_open', { error, retryAtMs: admitted.retryAtMs });
      }
      probe = admitted.probe;
    }
    if (credentials.baseUrl !== undefined && !(await this.baseUrlAllowed(credentials.baseUrl))) {
      release();
      return this.pass(name, provider, 'base_url_refused', { error: baseUrlRefused() });
    }

    const adapter = providerAdapter(provider);
    const chatRequest: ChatRequest = { body: this.body, providerKeyName: target.providerKeyName, model: target.model, stream: this.request.stream, includeUsage: this.request.includeUsage };
    let upstreamRequest: UpstreamHttpRequest;
    try {
      upstreamRequest = adapter.chatRequest(chatRequest, credentials);
    } catch (err) {
      // The adapter cannot express this request in its provider's format (a 400 naming the field): another target may.
      release();
      if (err instanceof ApiError) return this.pass(name, provider, 'unsupported', { error: err });
      throw err;
    }

    this.log.credentials = credentials;
    this.log.model = target.model;
    this.log.catalog = catalog;
    this.log.headers['x-roukey-provider'] = provider;
    // As the caller names models (`<provider-key name>/<model>`), so it can be sent back as is.
    this.log.headers['x-roukey-model'] = name;

    for (let retry = 0; ; retry++) {
      const startedAt = Date.now();
      this.log.headers['x-roukey-attempts'] = String(++this.calls);
      const attempt = new UpstreamAttempt(this.clientSignal, this.request.stream ? this.policy.firstTokenTimeoutMs : this.policy.responseTimeoutMs);
      let ready;
      try {
        const response = await attempt.send(upstreamRequest, adapter);
        ready = await openAnswer(adapter, response, chatRequest, attempt, this.log);
      } catch (err) {
        attempt.close();
        const failure = attempt.classify(err);
        if (failure instanceof ClientDisconnectedError) {
          release();
          this.record(name, credentials, startedAt, 'client_disconnected');
          throw failure;
        }
        if (failure instanceof AddressRefusedError) {
          release();
          return this.pass(name, provider, 'base_url_refused', { error: baseUrlRefused() });
        }
        if (!(failure instanceof UpstreamError)) throw failure;
        if (!this.afterFailure(name, credentials, key, startedAt, failure.failure)) return false;
        if (retry >= this.policy.retries || this.exhausted()) return false;
        await pause(this.policy.backoffMs(retry), this.clientSignal);
        continue;
      }
      const record = this.record(name, credentials, startedAt, 'ok', 200);
      health.succeeded(key, record.latencyMs);
      try {
        await deliver(ready.answer);
      } finally {
        await ready.finish();
        attempt.close();
      }
      if (ready.brokeMidStream()) {
        this.attempts[this.attempts.length - 1] = { ...record, outcome: 'stream_error' };
        health.failed(key, 'network');
      }
      return true;
    }
  }

  /**
   * Records a failed attempt and updates the target's health. Throws the client's error when the failure is not
   * one to move on from (a 400 from upstream is the request's fault, not the target's); else true to go on.
   */
  private afterFailure(name: string, credentials: UpstreamCredentials, key: string, startedAt: number, failure: UpstreamFailure): boolean {
    const error = upstreamFailureToApiError(failure);
    const status = failure.kind === 'http' ? failure.status : undefined;
    this.record(name, credentials, startedAt, outcomeOf(failure), status);
    const cls = failureClass(failure);
    const wait = failure.kind === 'http' && failure.status === 429 ? (retryAfterMs(failure.retryAfter) ?? DEFAULT_COOLDOWN_MS) : undefined;
    const kind = healthKind(cls);
    if (kind) this.deps.routing.health.failed(key, kind, wait);
    this.misses.push({ error, retryAtMs: wait === undefined ? undefined : Date.now() + wait });
    if (cls === undefined || !this.policy.fallbackOn.has(cls)) throw error;
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

  /** A target passed over without an upstream call. */
  private pass(target: string, provider: UpstreamCredentials['provider'] | undefined, outcome: AttemptOutcome, miss: Miss): false {
    this.attempts.push({ target, ...(provider ? { provider } : {}), latencyMs: 0, outcome });
    this.misses.push(miss);
    return false;
  }

  private record(target: string, credentials: UpstreamCredentials, startedAt: number, outcome: AttemptOutcome, status?: number): AttemptRecord {
    const record: AttemptRecord = { target, provider: credentials.provider, ...(status !== undefined ? { status } : {}), latencyMs: Math.max(0, Date.now() - startedAt), outcome };
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

  /**
   * Every target failed or was passed over. One miss is answered as it was; several are summarised: 429 when
   * all were rate limits (with the soonest Retry-After), the shared status when all failed alike, else 502.
   */
  private failure(): ApiError {
    const misses = this.misses;
    if (misses.length === 0) return new ApiError('upstream_error', 'The route has no targets.', { code: 'no_targets' });
    if (misses.length === 1) return misses[0]!.error;
    const summary = `All ${misses.length} attempts failed: ${this.attempts.map(describe).join('; ')}.`;
    const kinds = new Set<ErrorKind>(misses.map((m) => m.error.kind));
    const [kind] = kinds;
    if (kinds.size === 1 && kind === 'rate_limited') {
      const soonest = Math.min(...misses.map((m) => m.retryAtMs ?? Date.now() + DEFAULT_COOLDOWN_MS));
      const seconds = Math.max(1, Math.ceil((soonest - Date.now()) / 1000));
      return new ApiError('rate_limited', summary, { code: 'all_attempts_failed', headers: { 'retry-after': String(seconds) } });
    }
    if (kinds.size === 1 && kind !== undefined) return new ApiError(kind, summary, { code: 'all_attempts_failed', param: misses[0]!.error.options.param });
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

/** A target whose base URL the SSRF guard refused, before the call or at connect time. */
function baseUrlRefused(): ApiError {
  return new ApiError('upstream_error', "The provider key's base URL is not allowed (it must be public and use https).", { code: 'base_url_refused' });
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
