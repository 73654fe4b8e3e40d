import { createHash, generateKeyPairSync, privateEncrypt, constants } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { createKmsTokenSigningKey } from '../../../lambdas/crypto/kms-token-signing-key.js';
import { createLocalTokenSigningKey } from '../../../lambdas/crypto/local-token-signing-key.js';
import type { TokenSigningKey } from '../../../lambdas/crypto/token-signing-key.js';
import { signJwt, verifyJwt } from '../../../lambdas/oidc/jwt.js';

/** The key KMS would hold; the test plays KMS with it, the code under test only ever sees its public half. */
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
/** DER prefix of a SHA-256 DigestInfo: RSASSA-PKCS1-v1_5 signs DigestInfo(digest) (RFC 8017 §9.2). */
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

const claims = {
  iss: 'https://issuer.example/oidc/github',
  sub: '42',
  aud: 'client',
  email: 'ada@example.com',
  nonce: 'n',
  iat: 1_700_000_000,
  exp: 4_102_444_800,
};

async function expectVerifies(key: TokenSigningKey): Promise<void> {
  const token = await signJwt(key, claims);
  const jwk = await key.publicJwk();
  expect(decodeProtectedHeader(token)).toEqual({ alg: 'RS256', typ: 'JWT', kid: jwk.kid });
  const { payload } = await jwtVerify(token, createLocalJWKSet({ keys: [jwk] }), { issuer: claims.iss, audience: 'client', algorithms: ['RS256'] });
  expect(payload).toEqual(claims);
  // A changed payload no longer verifies.
  const [header, , signature] = token.split('.');
  const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: '43' })).toString('base64url')}.${signature}`;
  await expect(jwtVerify(forged, createLocalJWKSet({ keys: [jwk] }))).rejects.toThrow();
}

describe('token signing keys', () => {
  const kms = mockClient(KMSClient);
  afterEach(() => kms.reset());
  afterAll(() => kms.restore());

  it('KMS: signs a SHA-256 digest with RSASSA_PKCS1_V1_5_SHA_256 (the private key stays in KMS), and the JWT verifies with jose against its JWK', async () => {
    const digests: Uint8Array[] = [];
    kms.on(GetPublicKeyCommand).resolves({ PublicKey: publicKey.export({ type: 'spki', format: 'der' }), KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' });
    kms.on(SignCommand).callsFake((input: { Message: Uint8Array }) => {
      digests.push(input.Message);
      return { Signature: privateEncrypt({ key: privateKey, padding: constants.RSA_PKCS1_PADDING }, Buffer.concat([SHA256_DIGEST_INFO, input.Message])) };
    });
    const key = createKmsTokenSigningKey(new KMSClient({ region: 'us-east-1' }), 'arn:aws:kms:us-east-1:123456789012:key/signing');
    await expectVerifies(key);

    const [sign] = kms.commandCalls(SignCommand);
    expect(sign!.args[0].input).toMatchObject({
      KeyId: 'arn:aws:kms:us-east-1:123456789012:key/signing',
      MessageType: 'DIGEST',
      SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256',
    });
    const token = await signJwt(key, claims);
    const input = token.split('.').slice(0, 2).join('.');
    expect(Buffer.from(digests.at(-1)!)).toEqual(createHash('sha256').update(input).digest());
    // The public key is read once per container.
    expect(kms.commandCalls(GetPublicKeyCommand)).toHaveLength(1);
  });

  it('KMS: a failed GetPublicKey is not remembered', async () => {
    kms
      .on(GetPublicKeyCommand)
      .rejectsOnce(new Error('throttled'))
      .resolves({ PublicKey: publicKey.export({ type: 'spki', format: 'der' }) });
    const key = createKmsTokenSigningKey(new KMSClient({ region: 'us-east-1' }), 'k');
    await expect(key.publicJwk()).rejects.toThrow('throttled');
    await expect(key.publicJwk()).resolves.toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
  });

  it('local keyring: an RSA key file signs tokens that verify the same way; verifyJwt checks issuer, audience and type', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'roukey-signing-'));
    try {
      const file = join(dir, 'key.pem');
      await writeFile(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
      const key = createLocalTokenSigningKey(file);
      await expectVerifies(key);
      const at = await signJwt(key, { ...claims, aud: 'https://issuer.example/oidc/github/userinfo' }, 'at+jwt');
      await expect(verifyJwt(key, at, { issuer: claims.iss, audience: 'https://issuer.example/oidc/github/userinfo', type: 'at+jwt' })).resolves.toMatchObject({
        sub: '42',
      });
      // An ID token is not an access token, and another audience is refused.
      await expect(verifyJwt(key, await signJwt(key, claims), { issuer: claims.iss, audience: 'client', type: 'at+jwt' })).rejects.toThrow();
      await expect(verifyJwt(key, at, { issuer: claims.iss, audience: 'client', type: 'at+jwt' })).rejects.toThrow();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
