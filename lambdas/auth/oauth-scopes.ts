/**
 * The OAuth scopes the management API accepts, one place for the CDK stack (the resource server, the clients and
 * API Gateway's authorizer) and the dashboard.
 */

/** The resource server that stands for RouKey's management API. */
export const RESOURCE_SERVER_ID = 'roukey';
export const MANAGE_SCOPE_NAME = 'manage';
/** What the dashboard client's access tokens carry to call the management API. */
export const MANAGE_SCOPE = `${RESOURCE_SERVER_ID}/${MANAGE_SCOPE_NAME}`;

/**
 * What every access token from Cognito's own API (InitiateAuth: the CLI and `npm run token`) carries; the dashboard
 * asks for it too, to enrol TOTP and change its password through Cognito's user API.
 */
export const COGNITO_USER_SCOPE = 'aws.cognito.signin.user.admin';

/** API Gateway lets a request through when its access token carries any one of these. */
export const MANAGEMENT_SCOPES = [MANAGE_SCOPE, COGNITO_USER_SCOPE] as const;

/** What the dashboard asks managed login for (its app client allows exactly these). */
export const DASHBOARD_SCOPES = ['openid', 'email', 'profile', COGNITO_USER_SCOPE, MANAGE_SCOPE] as const;
