import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { createEnvelopeCipherWith } from '../../../lambdas/crypto/envelope-cipher.js';
import type { DataKeyProvider } from '../../../lambdas/crypto/data-key-provider.js';
import { PROVIDER_KEY_PURPOSE, canonicalContext, providerKeyContext } from '../../../lambdas/crypto/encryption-context.js';
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
    const ciphertext = await cipher.encrypt(SECRET, { providerKeyId: 'pk_1', accountId: 'acc_A', purpose: PROVIDER_KEY_PURPOSE });
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

/** A keyring that hands out one known data key, so a test can forge ciphertexts that Node itself would accept. */
function knownKeyCipher() {
  const dataKey = randomBytes(32);
  const provider: DataKeyProvider = {
    kind: 'local',
    generateDataKey: async () => ({ plaintext: dataKey, encrypted: Buffer.from('wrapped') }),
    decryptDataKey: async () => dataKey,
  };
  return { dataKey, cipher: createEnvelopeCipherWith(provider) };
}

function withPart(ciphertext: string, part: number, bytes: Buffer): string {
  const parts = ciphertext.split('.');
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
}

const partOf = (ciphertext: string, part: number) => Buffer.from(ciphertext.split('.')[part]!, 'base64url');

describe('envelope cipher: AES-GCM lengths are pinned', () => {
  it('refuses a truncated tag, which Node alone would accept as valid', async () => {
    const { dataKey, cipher } = knownKeyCipher();
    const ciphertext = await cipher.encrypt(SECRET, ctx);
    const shortTag = partOf(ciphertext, 6).subarray(0, 4);
    // Without authTagLength, Node verifies only the 4 bytes given: the forged ciphertext opens.
    const unpinned = createDecipheriv('aes-256-gcm', dataKey, partOf(ciphertext, 4));
    unpinned.setAAD(canonicalContext(ctx));
    unpinned.setAuthTag(shortTag);
    expect(Buffer.concat([unpinned.update(partOf(ciphertext, 5)), unpinned.final()]).toString()).toBe(SECRET);

    for (const length of [0, 1, 4, 12, 15, 17]) {
      const tag = length <= 16 ? partOf(ciphertext, 6).subarray(0, length) : Buffer.concat([partOf(ciphertext, 6), Buffer.alloc(1)]);
      await expect(cipher.decrypt(withPart(ciphertext, 6, tag), ctx)).rejects.toThrow(length === 0 ? 'unknown format' : 'could not be decrypted');
    }
    expect(await cipher.decrypt(ciphertext, ctx)).toBe(SECRET);
  });

  it('refuses an IV other than 12 bytes, even on a ciphertext that is otherwise valid', async () => {
    const { dataKey, cipher } = knownKeyCipher();
    const template = await cipher.encrypt('unused', ctx);
    // A genuine AES-GCM encryption under the right key and context, but with a 16-byte IV (GCM allows it).
    const iv = randomBytes(16);
    const forge = createCipheriv('aes-256-gcm', dataKey, iv);
    forge.setAAD(canonicalContext(ctx));
    const body = Buffer.concat([forge.update(SECRET), forge.final()]);
    const forged = withPart(withPart(withPart(template, 4, iv), 5, body), 6, forge.getAuthTag());
    await expect(cipher.decrypt(forged, ctx)).rejects.toThrow('could not be decrypted: GcmLengthError');
  });

  it('the local keyring refuses a wrapped data key whose tag was truncated', async () => {
    const masterKey = randomBytes(32);
    const provider = createLocalDataKeyProvider(masterKey);
    const { plaintext, encrypted } = await provider.generateDataKey(ctx);
    expect(Buffer.from(await provider.decryptDataKey(encrypted, ctx))).toEqual(Buffer.from(plaintext));
    await expect(provider.decryptDataKey(Buffer.from(encrypted).subarray(0, encrypted.length - 12), ctx)).rejects.toThrow('Malformed wrapped data key');
  });
});

describe('envelope cipher: the endpoint in the context', () => {
  it('P2: a ciphertext bound to one provider and baseUrl does not open for another', async () => {
    const cipher = localCipher();
    const endpoint = { provider: 'custom', baseUrl: 'https://llm.example.com/v1' };
    const ciphertext = await cipher.encrypt(SECRET, providerKeyContext('acc_A', 'pk_1', endpoint));
    expect(await cipher.decrypt(ciphertext, providerKeyContext('acc_A', 'pk_1', endpoint))).toBe(SECRET);
    for (const other of [
      { provider: 'custom', baseUrl: 'https://attacker.example.net/v1' },
      { provider: 'custom', baseUrl: 'https://llm.example.com/v1/' },
      { provider: 'openai', baseUrl: 'https://llm.example.com/v1' },
      { provider: 'custom' },
    ]) {
      await expect(cipher.decrypt(ciphertext, providerKeyContext('acc_A', 'pk_1', other))).rejects.toThrow('could not be decrypted');
    }
    // Nor under the context of a key stored before the binding.
    await expect(cipher.decrypt(ciphertext, providerKeyContext('acc_A', 'pk_1'))).rejects.toThrow('could not be decrypted');
  });

  it('the endpoint enters the context as a fixed-size digest, never the URL itself (KMS contexts reach CloudTrail)', () => {
    const baseUrl = `https://llm.example.com/${'x'.repeat(2000)}`;
    const context = providerKeyContext('acc_A', 'pk_1', { provider: 'custom', baseUrl });
    expect(Object.keys(context).sort()).toEqual(['accountId', 'endpoint', 'providerKeyId', 'purpose']);
    expect(context.endpoint).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(context)).not.toContain('llm.example.com');
    expect(providerKeyContext('acc_A', 'pk_1', { provider: 'openai' }).endpoint).not.toBe(providerKeyContext('acc_A', 'pk_1', { provider: 'groq' }).endpoint);
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

  it('a truncated tag is refused without calling KMS', async () => {
    kms.on(GenerateDataKeyCommand).resolves({ Plaintext: randomBytes(32), CiphertextBlob: randomBytes(64) });
    const cipher = createEnvelopeCipherWith(createKmsDataKeyProvider(new KMSClient({ region: 'us-east-1' }), 'k'));
    const ciphertext = await cipher.encrypt(SECRET, ctx);
    await expect(cipher.decrypt(withPart(ciphertext, 6, partOf(ciphertext, 6).subarray(0, 8)), ctx)).rejects.toThrow('could not be decrypted: GcmLengthError');
    expect(kms.commandCalls(DecryptCommand)).toHaveLength(0);
  });

  it('a local ciphertext is refused by the KMS keyring without calling KMS', async () => {
    const cipher = createEnvelopeCipherWith(createKmsDataKeyProvider(new KMSClient({ region: 'us-east-1' }), 'k'));
    const localCiphertext = await localCipher().encrypt(SECRET, ctx);
    await expect(cipher.decrypt(localCiphertext, ctx)).rejects.toThrow('local keyring');
    expect(kms.commandCalls(DecryptCommand)).toHaveLength(0);
  });
});
