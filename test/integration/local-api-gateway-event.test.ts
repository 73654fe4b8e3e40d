import { toApiGatewayEvent } from '../../lib/local/api-gateway-event.js';
import { compileRoutes } from '../../lib/local/route-table.js';
import { ROUTES } from '../../lambdas/handlers/routes.js';

describe('API Gateway REST proxy event shim', () => {
  const base = {
    method: 'DELETE',
    path: '/v1/api-keys/k%201',
    query: '',
    rawHeaders: ['Host', '127.0.0.1:8787', 'X-Multi', 'a', 'X-Multi', 'b', 'User-Agent', 'jest'],
    body: null,
    sourceIp: '127.0.0.1',
    resource: '/v1/api-keys/{id}',
    pathParameters: { id: 'k 1' },
  };

  it('carries method, paths, headers with their casing and multi values, and the request context', () => {
    const event = toApiGatewayEvent({ ...base, claims: { sub: 'user-1', token_use: 'access' } });
    expect(event).toMatchObject({
      resource: '/v1/api-keys/{id}',
      path: '/v1/api-keys/k%201',
      httpMethod: 'DELETE',
      headers: { Host: '127.0.0.1:8787', 'X-Multi': 'b', 'User-Agent': 'jest' },
      multiValueHeaders: { 'X-Multi': ['a', 'b'], Host: ['127.0.0.1:8787'] },
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
      pathParameters: { id: 'k 1' },
      stageVariables: null,
      body: null,
      isBase64Encoded: false,
      requestContext: {
        stage: 'local',
        resourcePath: '/v1/api-keys/{id}',
        httpMethod: 'DELETE',
        path: '/local/v1/api-keys/k%201',
        identity: { sourceIp: '127.0.0.1', userAgent: 'jest' },
        authorizer: { claims: { sub: 'user-1', token_use: 'access' } },
      },
    });
    expect(event.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('decodes query parameters into single and multi-value maps, and has no authorizer without claims', () => {
    const event = toApiGatewayEvent({ ...base, method: 'GET', query: 'a=1&b=x%20y&a=2', body: '{"k":1}' });
    expect(event.queryStringParameters).toEqual({ a: '2', b: 'x y' });
    expect(event.multiValueQueryStringParameters).toEqual({ a: ['1', '2'], b: ['x y'] });
    expect(event.body).toBe('{"k":1}');
    expect(event.requestContext.authorizer).toBeNull();
  });

  it('gives every request its own request id', () => {
    expect(toApiGatewayEvent(base).requestContext.requestId).not.toBe(toApiGatewayEvent(base).requestContext.requestId);
  });
});

describe('route table', () => {
  const match = compileRoutes(ROUTES);

  it('matches exact paths and path templates, decoding parameters', () => {
    expect(match('POST', '/v1/chat/completions')).toMatchObject({ kind: 'found', route: { handler: 'chat-completions' }, pathParameters: null });
    expect(match('DELETE', '/v1/provider-keys/abc%2D1')).toMatchObject({ kind: 'found', route: { handler: 'provider-keys' }, pathParameters: { id: 'abc-1' } });
  });

  it('gives a greedy parameter the rest of the path, its slashes sent raw or encoded', () => {
    const model = { kind: 'found', route: { handler: 'models', path: '/v1/models/{id+}' }, pathParameters: { id: 'fake/gpt-4o-mini' } };
    expect(match('GET', '/v1/models/fake/gpt-4o-mini')).toMatchObject(model);
    expect(match('GET', '/v1/models/fake%2Fgpt-4o-mini')).toMatchObject(model);
    expect(match('GET', '/v1/models')).toMatchObject({ kind: 'found', pathParameters: null });
    expect(match('POST', '/v1/messages/count_tokens')).toMatchObject({ kind: 'found', route: { handler: 'messages' } });
  });

  it('tells a wrong method from an unknown path', () => {
    expect(match('PUT', '/v1/api-keys')).toEqual({ kind: 'method_not_allowed', allowed: ['GET', 'POST'] });
    expect(match('GET', '/v1/api-keys/x')).toEqual({ kind: 'method_not_allowed', allowed: ['PATCH', 'DELETE'] });
    expect(match('GET', '/v1/api-keys/x/y')).toEqual({ kind: 'not_found' });
    expect(match('GET', '/v2/models')).toEqual({ kind: 'not_found' });
  });
});
