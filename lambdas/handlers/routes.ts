/**
 * The HTTP routes and the Lambda each one invokes: read by the CDK API construct (lib/api.ts) and by the local
 * server (lib/local/server.ts), so both runtimes expose exactly the same surface.
 */
export type RouteAuth = 'none' | 'apiKey' | 'cognito';

export interface Route {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** API Gateway resource path; `{name}` segments become `event.pathParameters.name` (`{name+}`: the rest of the path, slashes too). */
  readonly path: string;
  /** File name in `lambdas/handlers/` (without extension) whose `handler` export serves the route. */
  readonly handler: HandlerName;
  /** `cognito`: API Gateway's Cognito authorizer (access tokens); `apiKey`: the handler checks `rk_` keys. */
  readonly auth: RouteAuth;
  /** Served only when the deployment turns this feature on (both runtimes ask `enabledRoutes`). */
  readonly feature?: RouteFeature;
  /** An API-key route the dashboard calls too (its "try it" panel): CORS for the dashboard's origin, like management routes. */
  readonly fromDashboard?: true;
}

/** Parts of the API that exist only when configured: `githubSignIn` with `roukey:githubClientSecretName`. */
export type RouteFeature = 'githubSignIn';
export type RouteFeatures = Readonly<Partial<Record<RouteFeature, boolean>>>;

/** Where RouKey's OpenID Connect provider in front of GitHub lives; its issuer is the API's URL plus this path. */
export const GITHUB_OIDC_PATH = '/oidc/github';

export const HANDLERS = {
  'chat-completions': { streaming: true },
  messages: { streaming: true },
  responses: { streaming: true },
  embeddings: { streaming: true },
  models: { streaming: false },
  'auth-config': { streaming: false },
  'provider-keys': { streaming: false },
  'api-keys': { streaming: false },
  configs: { streaming: false },
  roles: { streaming: false },
  'security-events': { streaming: false },
  usage: { streaming: false },
  requests: { streaming: false },
  'provider-metrics': { streaming: false },
  'admin-invitations': { streaming: false },
  'admin-accounts': { streaming: false },
  'admin-product-updates': { streaming: false },
  'sign-out': { streaming: false },
  'me-plan': { streaming: false },
  me: { streaming: false },
  'me-consent': { streaming: false },
  'me-avatar': { streaming: false },
  'me-email': { streaming: false },
  'me-export': { streaming: false },
  'me-deletion': { streaming: false },
  'deletion-status': { streaming: false },
  'github-oidc': { streaming: false },
  billing: { streaming: false },
  'billing-webhook': { streaming: false },
} as const satisfies Record<string, { streaming: boolean }>;

export type HandlerName = keyof typeof HANDLERS;

export const ROUTES: readonly Route[] = [
  { method: 'POST', path: '/v1/chat/completions', handler: 'chat-completions', auth: 'apiKey', fromDashboard: true },
  { method: 'POST', path: '/v1/messages', handler: 'messages', auth: 'apiKey' },
  { method: 'POST', path: '/v1/messages/count_tokens', handler: 'messages', auth: 'apiKey' },
  { method: 'POST', path: '/v1/responses', handler: 'responses', auth: 'apiKey' },
  { method: 'GET', path: '/v1/responses/{id}', handler: 'responses', auth: 'apiKey' },
  { method: 'POST', path: '/v1/embeddings', handler: 'embeddings', auth: 'apiKey' },
  { method: 'GET', path: '/v1/models', handler: 'models', auth: 'apiKey' },
  // Model ids hold a slash (`<provider-key name>/<model>`): sent encoded by SDKs, raw by curl users.
  { method: 'GET', path: '/v1/models/{id+}', handler: 'models', auth: 'apiKey' },
  { method: 'GET', path: '/v1/auth/config', handler: 'auth-config', auth: 'none' },
  { method: 'GET', path: '/v1/provider-keys', handler: 'provider-keys', auth: 'cognito' },
  { method: 'POST', path: '/v1/provider-keys', handler: 'provider-keys', auth: 'cognito' },
  { method: 'PATCH', path: '/v1/provider-keys/{id}', handler: 'provider-keys', auth: 'cognito' },
  { method: 'DELETE', path: '/v1/provider-keys/{id}', handler: 'provider-keys', auth: 'cognito' },
  { method: 'GET', path: '/v1/api-keys', handler: 'api-keys', auth: 'cognito' },
  { method: 'POST', path: '/v1/api-keys', handler: 'api-keys', auth: 'cognito' },
  { method: 'PATCH', path: '/v1/api-keys/{id}', handler: 'api-keys', auth: 'cognito' },
  { method: 'DELETE', path: '/v1/api-keys/{id}', handler: 'api-keys', auth: 'cognito' },
  { method: 'GET', path: '/v1/configs', handler: 'configs', auth: 'cognito' },
  { method: 'POST', path: '/v1/configs', handler: 'configs', auth: 'cognito' },
  { method: 'GET', path: '/v1/configs/{name}', handler: 'configs', auth: 'cognito' },
  { method: 'PUT', path: '/v1/configs/{name}', handler: 'configs', auth: 'cognito' },
  { method: 'DELETE', path: '/v1/configs/{name}', handler: 'configs', auth: 'cognito' },
  { method: 'GET', path: '/v1/roles', handler: 'roles', auth: 'cognito' },
  { method: 'POST', path: '/v1/roles', handler: 'roles', auth: 'cognito' },
  { method: 'POST', path: '/v1/roles/classify', handler: 'roles', auth: 'cognito' },
  { method: 'GET', path: '/v1/roles/{name}', handler: 'roles', auth: 'cognito' },
  { method: 'PUT', path: '/v1/roles/{name}', handler: 'roles', auth: 'cognito' },
  { method: 'DELETE', path: '/v1/roles/{name}', handler: 'roles', auth: 'cognito' },
  { method: 'GET', path: '/v1/security-events', handler: 'security-events', auth: 'cognito' },
  { method: 'GET', path: '/v1/usage', handler: 'usage', auth: 'cognito' },
  { method: 'GET', path: '/v1/requests', handler: 'requests', auth: 'cognito' },
  { method: 'GET', path: '/v1/requests/{id}', handler: 'requests', auth: 'cognito' },
  { method: 'GET', path: '/v1/metrics/providers', handler: 'provider-metrics', auth: 'cognito' },
  { method: 'POST', path: '/v1/admin/invitations', handler: 'admin-invitations', auth: 'cognito' },
  { method: 'GET', path: '/v1/admin/accounts', handler: 'admin-accounts', auth: 'cognito' },
  { method: 'PATCH', path: '/v1/admin/accounts/{id}', handler: 'admin-accounts', auth: 'cognito' },
  { method: 'POST', path: '/v1/admin/product-updates', handler: 'admin-product-updates', auth: 'cognito' },
  { method: 'GET', path: '/v1/admin/product-updates/{id}', handler: 'admin-product-updates', auth: 'cognito' },
  { method: 'POST', path: '/v1/me/sign-out', handler: 'sign-out', auth: 'cognito' },
  { method: 'GET', path: '/v1/me/plan', handler: 'me-plan', auth: 'cognito' },
  { method: 'GET', path: '/v1/billing', handler: 'billing', auth: 'cognito' },
  { method: 'POST', path: '/v1/billing/checkout', handler: 'billing', auth: 'cognito' },
  { method: 'POST', path: '/v1/billing/portal', handler: 'billing', auth: 'cognito' },
  { method: 'GET', path: '/v1/billing/transactions', handler: 'billing', auth: 'cognito' },
  { method: 'POST', path: '/v1/billing/webhook', handler: 'billing-webhook', auth: 'none' },
  { method: 'GET', path: '/v1/me', handler: 'me', auth: 'cognito' },
  { method: 'PATCH', path: '/v1/me', handler: 'me', auth: 'cognito' },
  { method: 'POST', path: '/v1/me/consent', handler: 'me-consent', auth: 'cognito' },
  { method: 'POST', path: '/v1/me/avatar', handler: 'me-avatar', auth: 'cognito' },
  { method: 'DELETE', path: '/v1/me/avatar', handler: 'me-avatar', auth: 'cognito' },
  { method: 'POST', path: '/v1/me/email', handler: 'me-email', auth: 'cognito' },
  { method: 'POST', path: '/v1/me/email/verify', handler: 'me-email', auth: 'cognito' },
  { method: 'POST', path: '/v1/me/export', handler: 'me-export', auth: 'cognito' },
  { method: 'GET', path: '/v1/me/exports/{id}', handler: 'me-export', auth: 'cognito' },
  { method: 'DELETE', path: '/v1/me', handler: 'me-deletion', auth: 'cognito' },
  { method: 'POST', path: '/v1/me/deletion-token', handler: 'me-deletion', auth: 'cognito' },
  { method: 'GET', path: '/v1/me/deletion', handler: 'me-deletion', auth: 'cognito' },
  { method: 'GET', path: '/v1/deletions/{deletionId}', handler: 'deletion-status', auth: 'none' },
  ...(
    [
      ['GET', '/.well-known/openid-configuration'],
      ['GET', '/jwks'],
      ['GET', '/authorize'],
      ['GET', '/callback'],
      ['POST', '/token'],
      ['GET', '/userinfo'],
    ] as const
  ).map(([method, endpoint]): Route => ({ method, path: `${GITHUB_OIDC_PATH}${endpoint}`, handler: 'github-oidc', auth: 'none', feature: 'githubSignIn' })),
];

/** The routes this deployment serves: every route without a feature, and those of the features turned on. */
export function enabledRoutes(features: RouteFeatures, routes: readonly Route[] = ROUTES): Route[] {
  return routes.filter((route) => route.feature === undefined || features[route.feature] === true);
}

/** Routes a browser on the dashboard's origin calls: every management route, and the API-key routes it tries configs with. */
export function dashboardRoutes(routes: readonly Route[]): Route[] {
  return routes.filter((route) => route.auth === 'cognito' || route.fromDashboard === true);
}

/** The handlers behind at least one of `routes`: a handler whose routes are all off gets no function. */
export function handlersOf(routes: readonly Route[]): HandlerName[] {
  return [...new Set(routes.map((route) => route.handler))];
}

/** API Gateway's largest request payload; the local server enforces it too. */
export const MAX_REQUEST_BYTES = 10 * 1024 * 1024;
