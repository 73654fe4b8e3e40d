import { base64url, createLocalJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { TokenSigningKey } from '../crypto/token-signing-key.js';

/**
 * A compact JWS (RS256) over `claims`, signed by a key that never hands out its private half. jose signs only with
 * keys it holds, so the signing input is assembled here (RFC 7515 §7.1); verification is jose's (`verifyJwt`).
 */
export async function signJwt(key: TokenSigningKey, claims: JWTPayload, type = 'JWT'): Promise<string> {
  const { kid } = await key.publicJwk();
  const input = `${encodeJson({ alg: 'RS256', typ: type, kid })}.${encodeJson(claims)}`;
  return `${input}.${base64url.encode(await key.sign(new TextEncoder().encode(input)))}`;
}

/** The claims of a JWT this key signed, checked by jose: signature, `alg`, issuer, audience, expiry and type. */
export async function verifyJwt(key: TokenSigningKey, token: string, expected: { issuer: string; audience: string; type: string }): Promise<JWTPayload> {
  const jwks = createLocalJWKSet({ keys: [await key.publicJwk()] });
  const { payload } = await jwtVerify(token, jwks, { issuer: expected.issuer, audience: expected.audience, typ: expected.type, algorithms: ['RS256'] });
  return payload;
}

function encodeJson(value: unknown): string {
  return base64url.encode(JSON.stringify(value));
}
