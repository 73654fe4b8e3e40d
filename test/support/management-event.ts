import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';

export type ManagementLambda = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/**
 * The proxy event API Gateway sends a management Lambda after its Cognito authorizer accepted `sub`'s access token.
 * `resource` names path parameters in braces (`/v1/configs/{name}`); `params` fills them in.
 */
export function managementEvent(
  method: string,
  resource: string,
  options: {
    sub?: string;
    body?: unknown;
    params?: Record<string, string>;
    query?: Record<string, string>;
    groups?: readonly string[];
    sourceIp?: string;
  } = {},
): APIGatewayProxyEvent {
  const params = options.params ?? {};
  const path = resource.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(params[name] ?? ''));
  return {
    httpMethod: method,
    resource,
    path,
    body: options.body === undefined ? null : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
    isBase64Encoded: false,
    headers: { 'content-type': 'application/json', 'user-agent': 'test-client/1.0' },
    multiValueHeaders: {},
    pathParameters: Object.keys(params).length > 0 ? params : null,
    queryStringParameters: options.query ?? null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    requestContext: {
      httpMethod: method,
      path,
      resourcePath: resource,
      authorizer: options.sub
        ? { claims: { sub: options.sub, token_use: 'access', ...(options.groups ? { 'cognito:groups': options.groups.join(',') } : {}) } }
        : null,
      identity: { sourceIp: options.sourceIp ?? '198.51.100.7', userAgent: 'test-client/1.0' },
    } as unknown as APIGatewayProxyEvent['requestContext'],
  };
}

/** Calls a management Lambda and parses its JSON answer (undefined for an empty body, as a 204 has). */
export async function call(handler: ManagementLambda, event: APIGatewayProxyEvent): Promise<{ status: number; body: any }> {
  const res = await handler(event, {} as Context);
  return { status: res.statusCode, body: res.body === '' ? undefined : (JSON.parse(res.body) as unknown) };
}
