import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { AuthorizerClaims } from '../../lambdas/auth/access-token-verifier.js';

export const LOCAL_STAGE = 'local';

export interface LocalRequest {
  readonly method: string;
  /** The URL path as received, without the query string. */
  readonly path: string;
  /** The query string without its `?`, or '' when there is none. */
  readonly query: string;
  /** Node's `req.rawHeaders`: names as the client spelled them, alternating with values. */
  readonly rawHeaders: readonly string[];
  /** The body as UTF-8, or null when there is none. */
  readonly body: string | null;
  readonly sourceIp: string;
  /** The matched route's resource path, e.g. `/v1/api-keys/{id}`. */
  readonly resource: string;
  readonly pathParameters: Readonly<Record<string, string>> | null;
  /** Set on routes behind the Cognito authorizer. */
  readonly claims?: AuthorizerClaims;
}

/** The REST API (v1) Lambda proxy event API Gateway would send for this request. */
export function toApiGatewayEvent(req: LocalRequest): APIGatewayProxyEvent {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] as string;
    const value = req.rawHeaders[i + 1] as string;
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  let queryStringParameters: Record<string, string> | null = null;
  let multiValueQueryStringParameters: Record<string, string[]> | null = null;
  if (req.query) {
    queryStringParameters = {};
    multiValueQueryStringParameters = {};
    for (const [name, value] of new URLSearchParams(req.query)) {
      queryStringParameters[name] = value;
      (multiValueQueryStringParameters[name] ??= []).push(value);
    }
  }
  const now = Date.now();
  const requestId = randomUUID();
  const userAgent = headers['User-Agent'] ?? headers['user-agent'] ?? null;
  return {
    resource: req.resource,
    path: req.path,
    httpMethod: req.method,
    headers,
    multiValueHeaders,
    queryStringParameters,
    multiValueQueryStringParameters,
    pathParameters: req.pathParameters ? { ...req.pathParameters } : null,
    stageVariables: null,
    body: req.body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: req.claims ? { claims: req.claims } : null,
      domainName: headers.Host ?? headers.host ?? '127.0.0.1',
      extendedRequestId: requestId,
      httpMethod: req.method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: req.sourceIp,
        user: null,
        userAgent,
        userArn: null,
      },
      path: `/${LOCAL_STAGE}${req.path}`,
      protocol: 'HTTP/1.1',
      requestId,
      requestTime: new Date(now).toUTCString(),
      requestTimeEpoch: now,
      resourceId: 'local',
      resourcePath: req.resource,
      stage: LOCAL_STAGE,
    },
  };
}
