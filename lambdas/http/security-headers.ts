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
    request.response.headers = { ...request.response.headers, ...SECURITY_HEADERS };
  };
  return { name: 'securityHeaders', after: apply, onError: apply };
}
