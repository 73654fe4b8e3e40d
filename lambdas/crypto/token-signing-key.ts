import { createPublicKey, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, type JWK } from 'jose';

/** A public key as a JWKS publishes it: with its id and what it is for. */
export type PublicJwk = JWK & { readonly kid: string; readonly alg: 'RS256'; readonly use: 'sig' };

/**
 * An RSA key that signs tokens (RS256: RSASSA-PKCS1-v1_5 with SHA-256) without handing out its private half: KMS in
 * AWS (lambdas/crypto/kms-token-signing-key.ts), a key file under `.roukey/` locally (local-token-signing-key.ts).
 */
export interface TokenSigningKey {
  /** The public key, its `kid` the RFC 7638 thumbprint (so a new key gets a new id by itself). */
  publicJwk(): Promise<PublicJwk>;
  /** The RS256 signature of `input` (the JWS signing input). */
  sign(input: Uint8Array): Promise<Uint8Array>;
}

/** The JWK of a public key given as DER (SubjectPublicKeyInfo, as KMS GetPublicKey returns it) or as a KeyObject. */
export async function publicJwkOf(key: Uint8Array | KeyObject): Promise<PublicJwk> {
  const object = key instanceof Uint8Array ? createPublicKey({ key: Buffer.from(key), format: 'der', type: 'spki' }) : createPublicKey(key);
  const jwk = await exportJWK(object);
  if (jwk.kty !== 'RSA') throw new Error('A token signing key must be an RSA key');
  return { kty: jwk.kty, n: jwk.n, e: jwk.e, kid: await calculateJwkThumbprint(jwk), alg: 'RS256', use: 'sig' };
}
