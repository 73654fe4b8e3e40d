import { createPrivateKey, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { publicJwkOf, type TokenSigningKey } from './token-signing-key.js';

/** The local runtime's stand-in for the KMS signing key: an RSA private key in a PEM file (`.roukey/`, mode 0600). */
export function createLocalTokenSigningKey(file: string): TokenSigningKey {
  const privateKey = createPrivateKey(readFileSync(file));
  if (privateKey.asymmetricKeyType !== 'rsa') throw new Error('The local token signing key must be an RSA key');
  const publicKey = publicJwkOf(privateKey);
  return {
    publicJwk: () => publicKey,
    sign: async (input) => sign('sha256', input, privateKey),
  };
}
