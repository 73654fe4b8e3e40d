import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { z } from 'zod';

/** Claims as API Gateway's Cognito authorizer hands them to a Lambda: every value a string. */
export type AuthorizerClaims = Readonly<Record<string, string>>;

export interface AccessTokenVerifier {
  /** The token's claims, or undefined when it is not a valid, unexpired access token of this app client. */
  verify(token: string): Promise<AuthorizerClaims | undefined>;
}

const verifierOptionsSchema = z.object({
  /** `https://cognito-idp.<region>.amazonaws.com/<poolId>` in AWS, `<cognito-local endpoint>/<poolId>` locally. */
  issuer: z.url(),
  clientId: z.string().min(1),
  /** Defaults to `<issuer>/.well-known/jwks.json`, where both Cognito and cognito-local publish it. */
  jwksUri: z.url().optional(),
});

export type AccessTokenVerifierOptions = z.input<typeof verifierOptionsSchema>;

/** The issuer URL of a user pool: cognito-local's endpoint when given, else the pool's Region endpoint. */
export function cognitoIssuer(userPoolId: string, options: { region: string; endpoint?: string }): string {
  const base = options.endpoint ? options.endpoint.replace(/\/+$/, '') : `https://cognito-idp.${options.region}.amazonaws.com`;
  return `${base}/${userPoolId}`;
}

/**
 * Verifies Cognito access tokens the way API Gateway's Cognito authorizer does: signature against the pool's
 * JWKS (fetched once and cached by jose), issuer, expiry, `token_use: access` and the app client's id.
 */
export function createAccessTokenVerifier(options: AccessTokenVerifierOptions): AccessTokenVerifier {
  const { issuer, clientId, jwksUri } = verifierOptionsSchema.parse(options);
  const jwks = createRemoteJWKSet(new URL(jwksUri ?? `${issuer}/.well-known/jwks.json`));
  return {
    async verify(token) {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, jwks, { issuer, algorithms: ['RS256'] }));
      } catch {
        return undefined;
      }
      // Access tokens carry `client_id` (no `aud`), so the audience check is done by hand.
      if (payload.token_use !== 'access' || payload.client_id !== clientId || typeof payload.sub !== 'string') return undefined;
      return toAuthorizerClaims(payload);
    },
  };
}

/** API Gateway passes every claim as a string; lists become comma-separated, like `cognito:groups`. */
export function toAuthorizerClaims(payload: JWTPayload): AuthorizerClaims {
  const claims: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (value === undefined || value === null) continue;
    claims[name] =
      typeof value === 'string' ? value : Array.isArray(value) ? value.join(',') : typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  return claims;
}
