import { Duration } from 'aws-cdk-lib';

/**
 * How long the tokens of both app clients live. Access tokens are short: after `POST /v1/me/sign-out` (which
 * revokes refresh tokens) an access token stays valid at API Gateway until it expires (docs/auth.md).
 */
export const SESSION_TOKEN_VALIDITY = {
  accessTokenValidity: Duration.minutes(15),
  idTokenValidity: Duration.minutes(15),
  refreshTokenValidity: Duration.days(30),
} as const;
