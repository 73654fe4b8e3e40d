import { createHash } from 'node:crypto';
import { GetPublicKeyCommand, SignCommand, type KMSClient } from '@aws-sdk/client-kms';
import { publicJwkOf, type PublicJwk, type TokenSigningKey } from './token-signing-key.js';

/**
 * An asymmetric KMS key (RSA_2048, SIGN_VERIFY) as a token signing key: the private half never leaves KMS. The input
 * is hashed here and sent as a digest, so a token of any size is one Sign call; the public key is read once.
 */
export function createKmsTokenSigningKey(client: KMSClient, keyId: string): TokenSigningKey {
  let publicKey: Promise<PublicJwk> | undefined;
  return {
    publicJwk() {
      publicKey ??= client.send(new GetPublicKeyCommand({ KeyId: keyId })).then((out) => {
        if (!out.PublicKey) throw new Error('KMS GetPublicKey returned no key');
        return publicJwkOf(out.PublicKey);
      });
      // A failed read is retried on the next call rather than remembered.
      publicKey.catch(() => {
        publicKey = undefined;
      });
      return publicKey;
    },
    async sign(input) {
      const out = await client.send(
        new SignCommand({
          KeyId: keyId,
          Message: createHash('sha256').update(input).digest(),
          MessageType: 'DIGEST',
          SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256',
        }),
      );
      if (!out.Signature) throw new Error('KMS Sign returned no signature');
      return out.Signature;
    },
  };
}
