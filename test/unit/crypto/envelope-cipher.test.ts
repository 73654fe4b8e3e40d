import { randomBytes } from 'node:crypto';
import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { createEnvelopeCipherWith } from '../../../lambdas/crypto/envelope-cipher.js';
import { providerKeyContext } from '../../../lambdas/crypto/encryption-context.js';
import { createKmsDataKeyProvider } from '../../../lambdas/crypto/kms-data-key-provider.js';
import { createLocalDataKeyProvider } from '../../../lambdas/crypto/local-data-key-provider.js';

const SECRET = 'sk-test-PLAINTEXT-canary-0123456789abcdef';
const ctx = providerKeyContext('acc_A', 'pk_1');

function localCipher() {
  return createEnvelopeCipherWith(createLocalDataKeyProvider(randomBytes(32)));
}

function flip(ciphertext: string, part: number): string {
  const parts = ciphertext.split('.');
  const bytes = Buffer.from(parts[part]!, 'base64url');
  bytes[0]! ^= 1;
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
}

describe('envelope cipher (local keyring)', () => {
  it('P2: round-trips, and the plaintext appears in no form in the ciphertext', async () => {
    const cipher = localCipher();
    const ciphertext = await cipher.encrypt(SECRET, ctx);
    expect(ciphertext.startsWith('rkenc.v1.local.')).toBe(true);
    expect(ciphertext).not.toContain(SECRET);
    expect(ciphertext).not.toContain(Buffer.from(SECRET).toString('base64url'));
    expect(ciphertext).not.toContain(Buffer.from(SECRET).toString('base64'));
    expect(ciphertext).not.toContain(Buffer.from(SECRET).toString('hex'));
    expect(await cipher.decrypt(ciphertext, ctx)).toBe(SECRET);
  });

  it('P2: a ciphertext moved to another account or key id fails to decrypt', async () => {
    const cipher = localCipher();
    const ciphertext = await cipher.encrypt(SECRET, ctx);
    await expect(cipher.decrypt(ciphertext, providerKeyContext('acc_B', 'pk_1'))).rejects.toThrow('could not be decrypted');
    await expect(cipher.decrypt(ciphertext, providerKeyContext('acc_A', 'pk_2'))).rejects.toThrow('could not be decrypted');
  });

  it('context property order does not matter', async () => {
    const cipher = localCipher();
    const ciphertext = await cipher.encrypt(SECRET, { providerKeyId: 'pk_1', accountId: 'acc_A', purpose: ctx.purpose });
    expect(await cipher.decrypt(ciphertext, ctx)).toBe(SECRET);
  });

  it.each([
    ['wrapped data key', 3],
    ['iv', 4],
    ['payload', 5],
    ['tag', 6],
  ])('tampering with the %s fails', async (_label, part) => {
    const cipher = localCipher();
    const ciphertext = await cipher.encrypt(SECRET, ctx);
    await expect(cipher.decrypt(flip(ciphertext, part), ctx)).rejects.toThrow('could not be decrypted');
  });

  it('refuses another master key, unknown formats and versions', async () => {
    const ciphertext = await localCipher().encrypt(SECRET, ctx);
    await expect(localCipher().decrypt(ciphertext, ctx)).rejects.toThrow('could not be decrypted');
    await expect(localCipher().decrypt(ciphertext.replace('.v1.', '.v9.'), ctx)).rejects.toThrow('unknown format');
    await expect(localCipher().decrypt('garbage', ctx)).rejects.toThrow('unknown format');
  });

  it('each encryption uses a fresh data key and iv', async () => {
    const cipher = localCipher();
    const [a, b] = await Promise.all([cipher.encrypt(SECRET, ctx), cipher.encrypt(SECRET, ctx)]);
    expect(a).not.toBe(b);
  });
});

describe('envelope cipher (KMS keyring)', () => {
  const kms = mockClient(KMSClient);
  afterEach(() => kms.reset());

  it('P2: GenerateDataKey and Decrypt carry the encryption context and the key id', async () => {
    const dataKey = randomBytes(32);
    const wrapped = randomBytes(64);
    kms.on(GenerateDataKeyCommand).resolves({ Plaintext: dataKey, CiphertextBlob: wrapped });
    kms.on(DecryptCommand).resolves({ Plaintext: dataKey });
    const cipher = createEnvelopeCipherWith(createKmsDataKeyProvider(new KMSClient({ region: 'us-east-1' }), 'arn:aws:kms:us-east-1:111122223333:key/k'));

    const ciphertext = await cipher.encrypt(SECRET, ctx);
    expect(ciphertext.startsWith('rkenc.v1.kms.')).toBe(true);
    expect(ciphertext).not.toContain(SECRET);
    expect(await cipher.decrypt(ciphertext, ctx)).toBe(SECRET);

    const generate = kms.commandCalls(GenerateDataKeyCommand)[0]!.args[0].input;
    expect(generate).toEqual({ KeyId: 'arn:aws:kms:us-east-1:111122223333:key/k', KeySpec: 'AES_256', EncryptionContext: ctx });
    const decrypt = kms.commandCalls(DecryptCommand)[0]!.args[0].input;
    expect(decrypt.EncryptionContext).toEqual(ctx);
    expect(decrypt.KeyId).toBe('arn:aws:kms:us-east-1:111122223333:key/k');
    expect(Buffer.from(decrypt.CiphertextBlob!)).toEqual(wrapped);
  });

  it('a KMS refusal surfaces as a decrypt error that does not echo the SDK message', async () => {
    kms.on(GenerateDataKeyCommand).resolves({ Plaintext: randomBytes(32), CiphertextBlob: randomBytes(64) });
    kms.on(DecryptCommand).rejects(Object.assign(new Error('context mismatch for acc_A'), { name: 'InvalidCiphertextException' }));
    const cipher = createEnvelopeCipherWith(createKmsDataKeyProvider(new KMSClient({ region: 'us-east-1' }), 'k'));
    const ciphertext = await cipher.encrypt(SECRET, ctx);
    await expect(cipher.decrypt(ciphertext, ctx)).rejects.toThrow('could not be decrypted: InvalidCiphertextException');
  });

  it('a local ciphertext is refused by the KMS keyring without calling KMS', async () => {
    const cipher = createEnvelopeCipherWith(createKmsDataKeyProvider(new KMSClient({ region: 'us-east-1' }), 'k'));
    const localCiphertext = await localCipher().encrypt(SECRET, ctx);
    await expect(cipher.decrypt(localCiphertext, ctx)).rejects.toThrow('local keyring');
    expect(kms.commandCalls(DecryptCommand)).toHaveLength(0);
  });
});
