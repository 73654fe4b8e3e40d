import type { RouteOutcome } from '../gateway/engine/route-chat.js';
import type { Admission } from '../gateway/ports.js';
import { routerCorsHeaders } from '../http/security-headers.js';

/**
 * Every `x-roukey-*` response header is made here: the request id on every answer, and on chat answers what the
 * engine did (strategy, route, provider, model, upstream calls) as far as it got, errors included.
 */
export function chatAnswerHeaders(
  requestId: string,
  outcome: RouteOutcome,
  contentType: string,
  extra?: Readonly<Record<string, string>>,
): Record<string, string> {
  const headers: Record<string, string> = { 'x-roukey-request-id': requestId, 'cache-control': 'no-cache' };
  const { decision, target, calls } = outcome;
  if (decision) {
    headers['x-roukey-strategy'] = decision.strategy;
    if (decision.route !== undefined) headers['x-roukey-route'] = decision.route;
  }
  if (target) {
    headers['x-roukey-provider'] = target.provider;
    headers['x-roukey-model'] = target.name;
  }
  if (calls > 0) headers['x-roukey-attempts'] = String(calls);
  if (extra) Object.assign(headers, extra);
  Object.assign(headers, routerCorsHeaders(Object.keys(headers).filter((name) => name.startsWith('x-'))));
  headers['content-type'] = contentType;
  return headers;
}

/** The headers of an answer that involves no routing (`GET /v1/models`): the request id, when the event has one. */
export function plainAnswerHeaders(requestId: string | undefined, extra?: Readonly<Record<string, string>>): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'cache-control': 'no-cache' };
  if (requestId) headers['x-roukey-request-id'] = requestId;
  if (extra) Object.assign(headers, extra);
  return headers;
}

/**
 * OpenAI's request-limit headers, on every answer of a limited route (answers and errors alike): the key's
 * requests-per-minute limit, what is left of this minute, and when it resets; `Retry-After` on a refusal.
 */
export function rateLimitHeaders(admission: Admission | undefined, now = Date.now()): Record<string, string> {
  if (!admission) return {};
  const { limit, remaining, resetAt } = admission.requests;
  const headers: Record<string, string> = {
    'x-ratelimit-limit-requests': String(limit),
    'x-ratelimit-remaining-requests': String(remaining),
    'x-ratelimit-reset-requests': durationText(resetAt - now),
  };
  if (admission.refused) headers['retry-after'] = String(Math.max(1, Math.ceil((admission.refused.retryAt - now) / 1000)));
  return headers;
}

/** A duration as OpenAI writes it (`20ms`, `17s`, `6m0s`, `720h0m0s`). */
export function durationText(ms: number): string {
  if (ms < 1_000) return `${Math.max(0, Math.ceil(ms))}ms`;
  const total = Math.ceil(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = total % 60;
  if (h > 0) return `${h}h${m}m${sec}s`;
  return m > 0 ? `${m}m${sec}s` : `${sec}s`;
}
