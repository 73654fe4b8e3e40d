import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ApiError } from './errors.js';
import type { ApiKeyAuthenticator, ApiKeyPrincipal } from '../gateway/ports.js';

export type RequestHeaders = APIGatewayProxyEvent['headers'] | null | undefined;

/** A header by name, whatever case the client (or the event shim) used. */
export function headerValue(headers: RequestHeaders, name: string): string | undefined {
  if (!headers) return undefined;
  const direct = headers[name];
  if (direct !== undefined) return direct;
  for (const key in headers) if (key.toLowerCase() === name) return headers[key];
  return undefined;
}

export function bodyText(event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded'>): string | null {
  if (event.body == null) return null;
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

/** The caller of an `rk_` key route, or a 401 that never echoes the key. */
export async function authenticateApiKey(authenticator: ApiKeyAuthenticator, event: Pick<APIGatewayProxyEvent, 'headers'>): Promise<ApiKeyPrincipal> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(headerValue(event.headers, 'authorization') ?? '');
  if (!match) throw new ApiError('unauthenticated', 'Missing API key: send "Authorization: Bearer rk_...".', { code: 'missing_api_key' });
  const principal = await authenticator.authenticate(match[1]!);
  if (!principal) throw new ApiError('unauthenticated', 'Invalid or revoked API key.', { code: 'invalid_api_key' });
  return principal;
}
