import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyResult } from 'aws-lambda';

/** Headers every management response carries, errors included. */
export const SECURITY_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
} as const;

/**
 * CORS for the dashboard: its one origin (set by lib/web.ts through the stack) may read management answers in a
 * browser; no other origin may. Unset (locally, where the dashboard shares the gateway's origin), no CORS at all.
 */
export function corsHeaders(origin = process.env.ROUKEY_DASHBOARD_ORIGIN): Record<string, string> {
  return origin ? { 'access-control-allow-origin': origin, vary: 'Origin' } : {};
}

/**
 * The same CORS on the router's answers, where the dashboard's "try it" panel calls `POST /v1/chat/completions`
 * with the account's own API key: it may read the answer and the routing headers (`x-roukey-*`), which a
 * cross-origin reader sees only when they are exposed.
 */
export function routerCorsHeaders(exposed: readonly string[], origin = process.env.ROUKEY_DASHBOARD_ORIGIN): Record<string, string> {
  return origin ? { ...corsHeaders(origin), 'access-control-expose-headers': exposed.join(', ') } : {};
}

export function securityHeaders(): MiddlewareObj<unknown, APIGatewayProxyResult> {
  const cors = corsHeaders();
  const apply = (request: { response: APIGatewayProxyResult | null }): void => {
    if (!request.response) return;
    // A route that answers in another format (CSV) names its own content type; every other header is fixed.
    const own = request.response.headers?.['content-type'];
    request.response.headers = { ...request.response.headers, ...SECURITY_HEADERS, ...cors, ...(typeof own === 'string' ? { 'content-type': own } : {}) };
  };
  return { name: 'securityHeaders', after: apply, onError: apply };
}
