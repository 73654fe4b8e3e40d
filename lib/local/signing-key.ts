import { createPrivateKey, generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import { chmod, readFile, writeFile } from 'node:fs/promises';

/**
 * The local stand-in for the GitHub OIDC provider's KMS signing key: an RSA 2048 private key (PKCS#8 PEM), created
 * once (exclusively, mode 0600) and reused, so tokens and the published JWKS stay stable across restarts.
 */
export async function ensureSigningKey(file: string): Promise<void> {
  const existing = await readFile(file).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (existing) {
    if (createPrivateKey(existing).asymmetricKeyType !== 'rsa') throw new Error(`${file} is not an RSA private key; move it away to have a new one made`);
    await chmod(file, 0o600);
    return;
  }
  // Generated only when missing, off the main thread: an RSA key takes a noticeable moment of CPU.
  const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  await writeFile(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { flag: 'wx', mode: 0o600 });
}
