import { DASHBOARD_SCOPES } from '../auth/oauth-scopes.js';
import { ApiError } from '../http/errors.js';
import { publicHandler, route, type RouteRequest } from '../http/management-handler.js';
import { runtimeConfig } from '../runtime-config.js';

/** Public `GET /v1/auth/config`: what the dashboard needs to start a sign-in. */
export const handler = publicHandler({
  routes: {
    GET: route<undefined, undefined, RouteRequest<unknown>>({
      handle: () => {
        const { region, cognito } = runtimeConfig();
        if (!cognito.userPoolId || !cognito.clientId) throw new ApiError('internal', 'Sign-in is not configured.');
        // cognito-local issues tokens as <endpoint>/<pool id>; Cognito as its regional IdP URL.
        const issuer = cognito.endpoint
          ? `${cognito.endpoint.replace(/\/$/, '')}/${cognito.userPoolId}`
          : `https://cognito-idp.${region}.amazonaws.com/${cognito.userPoolId}`;
        return {
          status: 200,
          body: {
            region,
            userPoolId: cognito.userPoolId,
            userPoolClientId: cognito.clientId,
            issuer,
            // Managed login: absent locally (cognito-local has no hosted pages) and before a dashboard address is set.
            domain: cognito.domain ?? null,
            dashboardClientId: cognito.dashboardClientId ?? null,
            scopes: cognito.dashboardClientId ? [...DASHBOARD_SCOPES] : [],
            identityProviders: cognito.identityProviders,
          },
        };
      },
    }),
  },
});
