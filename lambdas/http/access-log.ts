import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { logger } from './logger.js';

/** One metadata line per request: the route template (not the path, which holds ids), status and latency. */
export function accessLog(): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  const startedAt = new WeakMap<APIGatewayProxyEvent, number>();
  const log = (request: { event: APIGatewayProxyEvent; response: APIGatewayProxyResult | null }): void => {
    const start = startedAt.get(request.event);
    logger.info('request', {
      method: request.event.httpMethod,
      route: request.event.resource,
      status: request.response?.statusCode,
      latencyMs: start === undefined ? undefined : Math.round(performance.now() - start),
    });
  };
  return {
    name: 'accessLog',
    before: (request) => {
      startedAt.set(request.event, performance.now());
    },
    after: log,
    onError: log,
  };
}
