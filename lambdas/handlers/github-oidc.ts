import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { accessLog } from '../http/access-log.js';
import { logger } from '../http/logger.js';
import { bodyText, headerValue } from '../http/request-event.js';
import type { ProviderResult } from '../oidc/github-oidc-provider.js';
import { OAuthError } from '../oidc/oauth-error.js';
import { githubOidcProvider } from '../oidc/provider-context.js';
import { GITHUB_OIDC_PATH } from './routes.js';

const SECURITY = { 'x-content-type-options': 'nosniff', 'strict-transport-security': 'max-age=63072000; includeSubDomains' } as const;
/** Published documents every client may cache briefly; everything else is per request. */
const CACHEABLE = new Set(['/.well-known/openid-configuration', '/jwks']);

/**
 * RouKey's OpenID Connect provider in front of GitHub (`/oidc/github/…`): discovery, authorize, GitHub's callback,
 * token, userinfo and JWKS. Errors are OAuth's `{error, error_description}`, by redirect when the client is known.
 */
async function serve(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const endpoint = event.resource.slice(GITHUB_OIDC_PATH.length);
  try {
    return render(await dispatch(endpoint, event), CACHEABLE.has(endpoint));
  } catch (err) {
    if (err instanceof OAuthError) {
      const challenge = err.code === 'invalid_client' ? 'Basic realm="roukey"' : err.code === 'invalid_token' ? 'Bearer error="invalid_token"' : undefined;
      return render({ kind: 'json', status: err.status, body: err.toBody(), headers: challenge ? { 'www-authenticate': challenge } : undefined }, false);
    }
    logger.error('GitHub OIDC request failed', { endpoint, errorName: (err as Error | null)?.name ?? 'unknown' });
    return render({ kind: 'json', status: 500, body: new OAuthError('server_error', 'The sign-in could not be completed.').toBody() }, false);
  }
}

function dispatch(endpoint: string, event: APIGatewayProxyEvent): Promise<ProviderResult> | ProviderResult {
  const provider = githubOidcProvider();
  const authorization = headerValue(event.headers, 'authorization');
  switch (`${event.httpMethod} ${endpoint}`) {
    case 'GET /.well-known/openid-configuration':
      return provider.discovery();
    case 'GET /jwks':
      return provider.jwks();
    case 'GET /authorize':
      return provider.authorize(queryParams(event));
    case 'GET /callback':
      return provider.callback(queryParams(event));
    case 'POST /token':
      return provider.token(formBody(event), authorization);
    case 'GET /userinfo':
      return provider.userinfo(authorization);
    default:
      throw new OAuthError('invalid_request', 'No such endpoint.');
  }
}

function queryParams(event: APIGatewayProxyEvent): Record<string, string> {
  return singleValued(Object.entries(event.multiValueQueryStringParameters ?? {}).flatMap(([name, values]) => (values ?? []).map((v) => [name, v] as const)));
}

/** A token request's form body; OAuth parameters may not repeat (RFC 6749 §3.1). */
function formBody(event: APIGatewayProxyEvent): Record<string, string> {
  const type = headerValue(event.headers, 'content-type') ?? '';
  if (!/^application\/x-www-form-urlencoded\b/i.test(type))
    throw new OAuthError('invalid_request', 'The token request must be application/x-www-form-urlencoded.');
  return singleValued([...new URLSearchParams(bodyText(event) ?? '')]);
}

function singleValued(pairs: Iterable<readonly [string, string]>): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [name, value] of pairs) {
    if (Object.hasOwn(params, name)) throw new OAuthError('invalid_request', `The ${name} parameter appears more than once.`);
    params[name] = value;
  }
  return params;
}

function render(result: ProviderResult, cacheable: boolean): APIGatewayProxyResult {
  if (result.kind === 'redirect') {
    // The location carries a code or a state: no cache keeps it, no Referer repeats it.
    return { statusCode: 302, headers: { ...SECURITY, location: result.location, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' }, body: '' };
  }
  return {
    statusCode: result.status,
    headers: {
      ...SECURITY,
      'content-type': 'application/json; charset=utf-8',
      'cache-control': cacheable ? 'public, max-age=300' : 'no-store',
      ...result.headers,
    },
    body: JSON.stringify(result.body),
  };
}

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>().use(accessLog()).handler(serve);
