import type { RouteOutcome } from '../gateway/engine/route-chat.js';

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
