import type { ApiError } from '../../http/errors.js';

/** Anthropic's error types by HTTP status; a status not listed is a client error below 500, an api_error above. */
const ERROR_TYPE_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  // The provider refused RouKey's provider key: not the caller's key, so not an authentication_error.
  424: 'api_error',
  429: 'rate_limit_error',
  529: 'overloaded_error',
};

export type AnthropicErrorBody = {
  type: 'error';
  error: { type: string; message: string };
};

/** An ApiError (same status, same message) in Anthropic's shape `{ type: 'error', error: { type, message } }`. */
export function anthropicErrorBody(error: ApiError): AnthropicErrorBody {
  const type = ERROR_TYPE_BY_STATUS[error.status] ?? (error.status >= 500 ? 'api_error' : 'invalid_request_error');
  return { type: 'error', error: { type, message: error.message } };
}
