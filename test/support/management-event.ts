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

const consented = new Set<string>();

/**
 * A management Lambda whose callers have each confirmed their age and accepted the current policy before their first
 * call, through the public route (`POST /v1/me/consent`), as a person does on first use (P24).
 */
export function withConsent(handler: ManagementLambda): ManagementLambda {
  return async (event, context) => {
    const sub = (event.requestContext?.authorizer?.claims as { sub?: unknown } | undefined)?.sub;
    if (typeof sub === 'string' && !consented.has(sub)) {
      const [{ handler: consent }, { POLICY_VERSION }] = await Promise.all([
        import('../../lambdas/handlers/me-consent.js'),
        import('../../lambdas/accounts/policy.js'),
      ]);
      const res = await consent(managementEvent('POST', '/v1/me/consent', { sub, body: { policyVersion: POLICY_VERSION, over13: true } }), context);
      // A suspended account cannot consent either: its call then meets the refusal it is testing.
      if (res.statusCode !== 201 && res.statusCode !== 403) throw new Error(`consent not recorded: ${res.statusCode} ${res.body}`);
      if (res.statusCode === 201) consented.add(sub);
    }
    return handler(event, context);
  };
}
