import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { managementContext } from '../../lambdas/http/management-context.js';
import { call, managementEvent, type ManagementLambda } from './management-event.js';

/** The environment of a notices test: a keyring, notices written as files under the returned mail directory, and a pool nobody answers. */
export function noticesTestEnv(extra: Readonly<Record<string, string>> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'roukey-notices-'));
  writeFileSync(join(dir, 'keyring'), randomBytes(32), { mode: 0o600 });
  const mailDir = join(dir, 'mail');
  Object.assign(process.env, {
    LOCAL_KEYRING_FILE: join(dir, 'keyring'),
    COGNITO_USER_POOL_ID: 'local_pool1',
    COGNITO_CLIENT_ID: 'client1',
    // Nothing listens here: the profile shows what the pool would add as unknown.
    COGNITO_ENDPOINT: 'http://127.0.0.1:9',
    ROUKEY_MAIL_DIR: mailDir,
    ...extra,
  });
  return mailDir;
}

/** A person who has used RouKey once (`me`: GET /v1/me's handler), with an address on the profile and, maybe, a consent. */
export async function noticeRecipient(
  me: ManagementLambda,
  options: { consentedTo?: string } = {},
): Promise<{ sub: string; accountId: string; email: string }> {
  const sub = randomUUID();
  const res = await call(me, managementEvent('GET', '/v1/me', { sub }));
  if (res.status !== 200) throw new Error(`GET /v1/me answered ${res.status}`);
  const { accounts } = managementContext();
  const accountId = await accounts.findAccountId(sub, { consistent: true });
  if (!accountId) throw new Error('no account');
  const email = `${sub.slice(0, 8)}@example.org`;
  await accounts.setEmail(accountId, email);
  if (options.consentedTo) {
    await accounts.recordConsent(accountId, { policyVersion: options.consentedTo, over13: true, acceptedAt: new Date().toISOString(), source: 'api' });
  }
  return { sub, accountId, email };
}
