import { jest } from '@jest/globals';
import { POLICY_VERSION } from '../../lambdas/accounts/policy.js';
import { managementContext } from '../../lambdas/http/management-context.js';
import { readMail } from '../../lambdas/notices/mail-files.js';
import { noticesNotifier } from '../../lambdas/notices/notices-context.js';
import { createNotifier } from '../../lambdas/notices/notifier.js';
import { runPolicyNotices } from '../../lambdas/notices/policy-notices.js';
import { createNoticeMarkers } from '../../lambdas/store/accounts-notices.js';
import { SCHEDULED_JOB_MODULES } from '../../lib/local/handler-modules.js';
import { call, managementEvent, type ManagementLambda } from '../support/management-event.js';
import { noticeRecipient, noticesTestEnv } from '../support/notice-recipients.js';
import { createTestTables } from '../support/tables.js';

jest.setTimeout(30_000);

let mailDir: string;
let me: ManagementLambda;
let consent: ManagementLambda;

beforeAll(async () => {
  await createTestTables();
  mailDir = noticesTestEnv();
  me = (await import('../../lambdas/handlers/me.js')).handler;
  consent = (await import('../../lambdas/handlers/me-consent.js')).handler;
});

const person = (options: { consentedTo?: string } = {}) => noticeRecipient(me, options);
const mailTo = async (email: string) => (await readMail(mailDir)).filter((m) => m.to === email);
const patchMe = (sub: string, body: unknown) => call(me, managementEvent('PATCH', '/v1/me', { sub, body }));

describe('the notifier', () => {
  it('P21: a product update reaches only those who opted in; turning it off again stops the next one', async () => {
    const optedIn = await person();
    const notOptedIn = await person();
    expect((await patchMe(optedIn.sub, { notifications: { productUpdates: true } })).status).toBe(200);
    const update = { kind: 'product-update', headline: 'Embeddings routing', text: 'Configs can now route embeddings.' } as const;

    expect(await noticesNotifier().notify(optedIn.accountId, update)).toBe('sent');
    expect(await noticesNotifier().notify(notOptedIn.accountId, update)).toBe('opted_out');
    expect((await mailTo(optedIn.email)).map((m) => m.subject)).toEqual(['RouKey: Embeddings routing']);
    expect(await mailTo(notOptedIn.email)).toEqual([]);

    expect((await patchMe(optedIn.sub, { notifications: { productUpdates: false } })).status).toBe(200);
    expect(await noticesNotifier().notify(optedIn.accountId, update)).toBe('opted_out');
    expect(await mailTo(optedIn.email)).toHaveLength(1);
  });

  it('P21: billing notices can be turned off, security notices cannot', async () => {
    const someone = await person();
    expect((await patchMe(someone.sub, { notifications: { billing: false, productUpdates: false } })).status).toBe(200);
    expect(await noticesNotifier().notify(someone.accountId, { kind: 'billing', event: 'plan_changed', from: 'free', to: 'starter' })).toBe('opted_out');
    expect(await noticesNotifier().notify(someone.accountId, { kind: 'security', event: 'signed_out_everywhere' })).toBe('sent');
    expect((await mailTo(someone.email)).map((m) => m.subject)).toEqual(['RouKey: signed out on every device']);
  });

  it('without a sender (roukey:sesFromAddress unset) a notice is logged as skipped, naming no address', async () => {
    const someone = await person();
    const lines: string[] = [];
    const notifier = createNotifier({
      recipients: managementContext().accounts,
      mailer: undefined,
      log: (message, fields) => lines.push(JSON.stringify({ message, ...fields })),
    });
    expect(await notifier.notify(someone.accountId, { kind: 'security', event: 'email_changed' }, { to: 'old@example.org' })).toBe('no_sender');
    expect(lines).toEqual([
      JSON.stringify({ message: 'notice skipped', accountId: someone.accountId, kind: 'security', event: 'email_changed', reason: 'no_sender' }),
    ]);
    expect(lines.join('\n')).not.toMatch(/@/);
    expect(await mailTo(someone.email)).toEqual([]);
  });
});

describe('notice of a policy change (P25)', () => {
  const run = async () => (await SCHEDULED_JOB_MODULES['policy-notices']()).handler({ runDate: new Date().toISOString() });

  it('P25: every user who accepted an older policy is mailed once per version, however often the job runs; accepting clears the flag', async () => {
    const older = await person({ consentedTo: '2025-01-01' });
    const alsoOlder = await person({ consentedTo: '2025-06-01' });
    const current = await person({ consentedTo: POLICY_VERSION });
    const neverConsented = await person();

    const first = await run();
    expect(first).toMatchObject({ flagged: 2, sent: 2, alreadySent: 0, failed: 0 });
    const second = await run();
    expect(second).toMatchObject({ flagged: 2, sent: 0, alreadySent: 2, failed: 0 });

    for (const flagged of [older, alsoOlder]) {
      const mail = await mailTo(flagged.email);
      expect(mail).toHaveLength(1);
      expect(mail[0]?.subject).toBe("RouKey's privacy policy changed");
      expect(mail[0]?.body).toContain(POLICY_VERSION);
    }
    expect(await mailTo(current.email)).toEqual([]);
    expect(await mailTo(neverConsented.email)).toEqual([]);

    // GET /v1/me flags the change until the user accepts the current version.
    expect((await call(me, managementEvent('GET', '/v1/me', { sub: older.sub }))).body.policyUpdate).toBe(true);
    const accepted = await call(consent, managementEvent('POST', '/v1/me/consent', { sub: older.sub, body: { policyVersion: POLICY_VERSION, over13: true } }));
    expect(accepted.status).toBe(201);
    expect((await call(me, managementEvent('GET', '/v1/me', { sub: older.sub }))).body.policyUpdate).toBe(false);
    expect(await run()).toMatchObject({ flagged: 1, sent: 0, alreadySent: 1 });
    expect(await mailTo(older.email)).toHaveLength(1);
  });

  it('P25: a notice that could not be sent is not marked as sent: the next run sends it', async () => {
    const unlucky = await person({ consentedTo: '2025-01-01' });
    const { accounts, db, config } = managementContext();
    const failing = createNotifier({
      recipients: accounts,
      mailer: { send: async () => Promise.reject(Object.assign(new Error('throttled'), { name: 'TooManyRequestsException' })) },
      log: () => undefined,
    });
    const markers = createNoticeMarkers(db, config.tables.accounts);
    const failed = await runPolicyNotices({ accounts, markers, notifier: failing, policyVersion: POLICY_VERSION, now: Date.now });
    expect(failed).toMatchObject({ sent: 0, failed: 1, unsent: 1 });
    expect(await mailTo(unlucky.email)).toEqual([]);

    expect(await run()).toMatchObject({ sent: 1, failed: 0 });
    expect(await mailTo(unlucky.email)).toHaveLength(1);
    expect(await run()).toMatchObject({ sent: 0 });
    expect(await mailTo(unlucky.email)).toHaveLength(1);
  });
});
