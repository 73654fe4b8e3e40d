import { generateKeyPairSync } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { createPrivateKey } from 'node:crypto';

/**
 * The local stand-in for the GitHub OIDC provider's KMS signing key: an RSA 2048 private key (PKCS#8 PEM), created
 * once (exclusively, mode 0600) and reused, so tokens and the published JWKS stay stable across restarts.
 */
export async function ensureSigningKey(file: string): Promise<void> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  try {
    await writeFile(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { flag: 'wx', mode: 0o600 });
    return;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const existing = createPrivateKey(await readFile(file));
  if (existing.asymmetricKeyType !== 'rsa') throw new Error(`${file} is not an RSA private key; move it away to have a new one made`);
  await chmod(file, 0o600);
}
