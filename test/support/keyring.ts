import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh local keyring (a random 256-bit master key, owner-only) in a temp dir: what LOCAL_KEYRING_FILE names. */
export function testKeyringFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'roukey-keyring-')), 'keyring');
  writeFileSync(file, randomBytes(32), { mode: 0o600 });
  return file;
}
