import { randomBytes } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';

export const MASTER_KEY_BYTES = 32;

/**
 * The local keyring's 256-bit master key: created once (exclusively, mode 0600) and reused on every start,
 * since losing it makes every stored provider key undecryptable.
 */
export async function ensureMasterKey(file: string): Promise<void> {
  try {
    await writeFile(file, randomBytes(MASTER_KEY_BYTES), { flag: 'wx', mode: 0o600 });
    return;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const key = await readFile(file);
  if (key.length !== MASTER_KEY_BYTES) throw new Error(`${file} is not a ${MASTER_KEY_BYTES}-byte key; move it away only if no provider keys need it`);
  await chmod(file, 0o600);
}
