import { type CfnGatewayResponse, type GatewayResponse, ResponseType, type RestApi } from 'aws-cdk-lib/aws-apigateway';
import { ERROR_KINDS, type ErrorKind } from '../lambdas/http/errors.js';
import { MAX_REQUEST_BYTES } from '../lambdas/handlers/routes.js';

interface GatewayError {
  readonly type: ResponseType;
  readonly kind: ErrorKind;
  /** A fixed message; without one, API Gateway's own (already JSON-quoted) message is used. */
  readonly message?: string;
  /** Whether to replace API Gateway's status with the kind's; off where the gateway's status is more precise. */
  readonly overrideStatus: boolean;
}

/**
 * Errors that API Gateway answers itself, before any Lambda runs. Clients of an OpenAI-compatible API parse
 * `{ error: { message, type, param, code } }`, so these get the same shape and the status from ERROR_KINDS.
 */
export const GATEWAY_ERRORS: readonly GatewayError[] = [
  { type: ResponseType.UNAUTHORIZED, kind: 'unauthenticated', message: 'Missing or invalid access token.', overrideStatus: true },
  { type: ResponseType.ACCESS_DENIED, kind: 'forbidden', message: 'You are not allowed to perform this request.', overrideStatus: true },
  { type: ResponseType.EXPIRED_TOKEN, kind: 'unauthenticated', message: 'The access token has expired.', overrideStatus: true },
  { type: ResponseType.MISSING_AUTHENTICATION_TOKEN, kind: 'not_found', message: 'Unknown request URL or method.', overrideStatus: true },
  { type: ResponseType.RESOURCE_NOT_FOUND, kind: 'not_found', message: 'Unknown request URL or method.', overrideStatus: true },
  {
    type: ResponseType.REQUEST_TOO_LARGE,
    kind: 'payload_too_large',
    message: `Request body exceeds ${MAX_REQUEST_BYTES / (1024 * 1024)} MB.`,
    overrideStatus: true,
  },
  { type: ResponseType.THROTTLED, kind: 'rate_limited', message: 'Too many requests; retry later.', overrideStatus: true },
  { type: ResponseType.QUOTA_EXCEEDED, kind: 'rate_limited', message: 'Request quota exceeded.', overrideStatus: true },
  // A managed WAF rule's block (lib/edge.ts); the per-IP rate limit answers with WAF's own 429 body instead.
  { type: ResponseType.WAF_FILTERED, kind: 'forbidden', message: 'The request was refused by the firewall.', overrideStatus: true },
  { type: ResponseType.BAD_REQUEST_BODY, kind: 'invalid_request', overrideStatus: true },
  { type: ResponseType.BAD_REQUEST_PARAMETERS, kind: 'invalid_request', overrideStatus: true },
  { type: ResponseType.INTEGRATION_TIMEOUT, kind: 'upstream_timeout', message: 'The request timed out.', overrideStatus: true },
  { type: ResponseType.INTEGRATION_FAILURE, kind: 'internal', message: 'The server had an error while processing your request.', overrideStatus: false },
  { type: ResponseType.DEFAULT_4XX, kind: 'invalid_request', overrideStatus: false },
  { type: ResponseType.DEFAULT_5XX, kind: 'internal', message: 'The server had an error while processing your request.', overrideStatus: false },
];

/** The VTL body for one gateway error: static JSON except API Gateway's message when no fixed one is given. */
export function gatewayErrorTemplate(error: GatewayError): string {
  const message = error.message === undefined ? '$context.error.messageString' : JSON.stringify(error.message);
  return `{"error":{"message":${message},"type":${JSON.stringify(ERROR_KINDS[error.kind].type)},"param":null,"code":${JSON.stringify(error.kind)}}}`;
}

export function addOpenAIGatewayResponses(api: RestApi): GatewayResponse[] {
  return GATEWAY_ERRORS.map((error) =>
    api.addGatewayResponse(error.type.responseType, {
      type: error.type,
      statusCode: error.overrideStatus ? String(ERROR_KINDS[error.kind].status) : undefined,
      templates: { 'application/json': gatewayErrorTemplate(error) },
    }),
  );
}

/**
 * Lets the dashboard's origin read these refusals too: an expired token's 401 then sends the dashboard back to
 * sign-in instead of looking like a network failure.
 */
export function allowGatewayResponsesOrigin(responses: readonly GatewayResponse[], origin: string): void {
  for (const response of responses) {
    (response.node.defaultChild as CfnGatewayResponse).responseParameters = {
      'gatewayresponse.header.Access-Control-Allow-Origin': `'${origin}'`,
      'gatewayresponse.header.Vary': "'Origin'",
    };
  }
}
