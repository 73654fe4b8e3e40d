import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyResult } from 'aws-lambda';

/** Headers every management response carries, errors included. */
export const SECURITY_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
} as const;

export function securityHeaders(): MiddlewareObj<unknown, APIGatewayProxyResult> {
  const apply = (request: { response: APIGatewayProxyResult | null }): void => {
    if (!request.response) return;
    // A route that answers in another format (CSV) names its own content type; every other header is fixed.
    const own = request.response.headers?.['content-type'];
    request.response.headers = { ...request.response.headers, ...SECURITY_HEADERS, ...(typeof own === 'string' ? { 'content-type': own } : {}) };
  };
  return { name: 'securityHeaders', after: apply, onError: apply };
}
