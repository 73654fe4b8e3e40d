import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { ApiError, toApiError } from './errors.js';
import { logger } from './logger.js';

/** Renders any thrown error in OpenAI's error shape; unknown errors become a 500 that reveals nothing. */
export function openAiErrors(): MiddlewareObj<unknown, APIGatewayProxyResult> {
  return {
    name: 'openAiErrors',
    onError: (request) => {
      const error = toApiError(request.error);
      // Only the error's class name: messages of parse or SDK errors can quote input.
      if (!(request.error instanceof ApiError)) logger.error('Unhandled error', { errorName: (request.error as Error | null)?.name ?? 'unknown' });
      request.response = { statusCode: error.status, headers: { ...error.headers }, body: JSON.stringify(error.toBody()) };
    },
  };
}
