import type { APIGatewayProxyEvent } from 'aws-lambda';

export type RequestHeaders = APIGatewayProxyEvent['headers'] | null | undefined;

/** A header by name, whatever case the client (or the event shim) used. */
export function headerValue(headers: RequestHeaders, name: string): string | undefined {
  if (!headers) return undefined;
  const direct = headers[name];
  if (direct !== undefined) return direct;
  for (const key in headers) if (key.toLowerCase() === name) return headers[key];
  return undefined;
}

/** The event's body as text, decoded when API Gateway base64-encoded it. */
export function bodyText(event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded'>): string | null {
  if (event.body == null) return null;
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}
