import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { RouKeyEvent } from '../../lambdas/events/roukey-events.js';
import { readMail } from '../../lambdas/notices/mail-files.js';
import { PRODUCT_UPDATE_LIMITS } from '../../lambdas/notices/product-updates.js';
import { startLocalEventBus, type EventJobHandler, type LocalEventBus } from '../../lib/local/event-bus.js';
import { EVENT_JOB_MODULES } from '../../lib/local/handler-modules.js';
import { captureOutput } from '../support/capture-output.js';
import { call, managementEvent, type ManagementLambda, withConsent } from '../support/management-event.js';
import { noticeRecipient, noticesTestEnv } from '../support/notice-recipients.js';
import { createTestTables } from '../support/tables.js';
import { managementContext } from '../../lambdas/http/management-context.js';
import { createNotifier } from '../../lambdas/notices/notifier.js';
import { runProductUpdate } from '../../lambdas/notices/product-update-job.js';
import { createNoticeMarkers } from '../../lambdas/store/accounts-notices.js';
import { createProductUpdateStore } from '../../lambdas/store/limits-product-updates.js';

jest.setTimeout(60_000);

let mailDir: string;
let bus: LocalEventBus;
let me: ManagementLambda;
let updates: ManagementLambda;

const jobHandler = async () => (await EVENT_JOB_MODULES['product-update']()).handler;

beforeAll(async () => {
  await createTestTables();
  // The same job handler the runtime's bus calls (lib/local/runtime.ts), started by the route's event.
  bus = await startLocalEventBus({ jobs: { 'product-update.requested': async () => (await jobHandler()) as EventJobHandler } });
  mailDir = noticesTestEnv({ EVENT_BUS_NAME: 'roukey-test', EVENTBRIDGE_ENDPOINT: bus.endpoint });
  me = (await import('../../lambdas/handlers/me.js')).handler;
  updates = withConsent((await import('../../lambdas/handlers/admin-product-updates.js')).handler);
});

afterAll(async () => {
  await bus.stop();
});

const admin = { sub: randomUUID(), groups: ['admins'] };

const person = () => noticeRecipient(me);

const announce = (body: unknown, caller: { sub: string; groups?: string[] } = admin) =>
  call(updates, managementEvent('POST', '/v1/admin/product-updates', { ...caller, body }));
const progress = (id: string, caller: { sub: string; groups?: string[] } = admin) =>
  call(updates, managementEvent('GET', '/v1/admin/product-updates/{id}', { ...caller, params: { id } }));
const rerun = async (updateId: string) =>
  (await jobHandler())({
    id: randomUUID(),
    source: 'roukey',
    'detail-type': 'product-update.requested',
    time: new Date().toISOString(),
    detail: { updateId },
  } satisfies RouKeyEvent<'product-update.requested'>);

describe('product updates (P21)', () => {
  let optedIn: Awaited<ReturnType<typeof person>>;
  let others: Awaited<ReturnType<typeof person>>[];

  beforeAll(async () => {
    optedIn = await person();
    others = [await person(), await person()];
    const res = await call(me, managementEvent('PATCH', '/v1/me', { sub: optedIn.sub, body: { notifications: { productUpdates: true } } }));
    expect(res.status).toBe(200);
  });

  it('P21: an admin’s update reaches only the one of three accounts that opted in, once, however often its job runs; the text is never logged', async () => {
    const text = `Configs can now route embeddings. ${randomUUID()}`;
    const output = captureOutput();
    let res: Awaited<ReturnType<typeof announce>>;
    try {
      res = await announce({ headline: 'Embeddings routing', text });
      await bus.settle();
    } finally {
      output.restore();
    }
    expect(res.status).toBe(202);
    expect(res.body.updateId).toMatch(/^upd_[A-Za-z0-9_-]{22}$/);

    const mail = await readMail(mailDir);
    expect(mail.map((m) => m.to)).toEqual([optedIn.email]);
    expect(mail[0]?.subject).toBe('RouKey: Embeddings routing');
    expect(mail[0]?.body).toContain(text);
    expect(mail[0]?.body).toContain('you can turn them off');

    // The admin's own account and the two others did not opt in.
    expect((await progress(res.body.updateId)).body).toMatchObject({ id: res.body.updateId, status: 'done', sent: 1, skipped: 3, failed: 0 });

    // A second delivery of the event (EventBridge delivers at least once) sends nothing more.
    await rerun(res.body.updateId);
    expect(await readMail(mailDir)).toHaveLength(1);
    expect((await progress(res.body.updateId)).body).toMatchObject({ status: 'done', sent: 1, failed: 0 });

    // The route left one audit line (no content), and nothing logged the text.
    const lines = output.text().split('\n');
    expect(lines.some((l) => l.includes('"kind":"audit"') && l.includes('/v1/admin/product-updates') && l.includes('"status":202'))).toBe(true);
    expect(output.text()).not.toContain(text);
    expect(output.text()).not.toContain(optedIn.email);
  });

  it('P21/P8: a non-admin gets 403 admin_required, and nothing is sent', async () => {
    const before = (await readMail(mailDir)).length;
    const res = await announce({ headline: 'Not from an admin', text: 'Nope.' }, { sub: optedIn.sub });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({ type: 'permission_error', code: 'admin_required' });
    expect((await progress('upd_AAAAAAAAAAAAAAAAAAAAAA', { sub: optedIn.sub })).status).toBe(403);
    await bus.settle();
    expect(await readMail(mailDir)).toHaveLength(before);
  });

  it.each([
    ['no body', undefined],
    ['an empty headline', { headline: ' ', text: 'Something.' }],
    ['a headline over 120 characters', { headline: 'x'.repeat(121), text: 'Something.' }],
    ['a headline on two lines', { headline: 'One\nBcc: someone@example.org', text: 'Something.' }],
    ['no text', { headline: 'Something' }],
    ['a text over 5000 characters', { headline: 'Something', text: 'x'.repeat(5001) }],
    ['a text with control characters', { headline: 'Something', text: 'bell \u0007' }],
    ['an unknown field', { headline: 'Something', text: 'Something.', to: 'everyone' }],
    ['not an object', '"hello"'],
  ])('P21: %s → 400 in the OpenAI error shape, and nothing is sent', async (_case, body) => {
    const before = (await readMail(mailDir)).length;
    const res = await announce(body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ type: 'invalid_request_error' });
    expect(Object.keys(res.body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
    await bus.settle();
    expect(await readMail(mailDir)).toHaveLength(before);
  });

  it('P21: a run whose sends failed marks nobody; the next run sends them and adds them to `sent`, a third sends nothing', async () => {
    const { accounts, db, config } = managementContext();
    const store = createProductUpdateStore(db, config.tables.limits);
    // Stored as the route stores it, without its event: this test plays the bus's attempts itself.
    const updateId = `upd_${randomUUID().replaceAll('-', '').slice(0, 22)}`;
    expect(await store.create(updateId, { headline: 'Retried news', text: 'Sent on the second try.' })).toBeUndefined();
    const failing = createNotifier({ recipients: accounts, mailer: { send: () => Promise.reject(new Error('throttled')) }, log: () => undefined });
    const deps = {
      accounts,
      markers: createNoticeMarkers(db, config.tables.accounts),
      store,
      notifier: failing,
      wantsUpdates: async () => true,
      now: Date.now,
    };
    expect(await runProductUpdate(deps, updateId)).toMatchObject({ status: 'done', sent: 0, failed: 1 });
    expect((await readMail(mailDir)).filter((m) => m.subject === 'RouKey: Retried news')).toEqual([]);

    await expect(rerun(updateId)).resolves.toBeUndefined();
    expect((await progress(updateId)).body).toMatchObject({ status: 'done', sent: 1, failed: 0 });
    expect((await readMail(mailDir)).filter((m) => m.subject === 'RouKey: Retried news').map((m) => m.to)).toEqual([optedIn.email]);
    await expect(rerun(updateId)).resolves.toBeUndefined();
    expect((await progress(updateId)).body).toMatchObject({ status: 'done', sent: 1, failed: 0 });
  });

  it('an unknown id is a 404', async () => {
    expect((await progress('upd_AAAAAAAAAAAAAAAAAAAAAA')).status).toBe(404);
    expect((await progress('nope')).status).toBe(404);
  });

  it(`P21: at most ${PRODUCT_UPDATE_LIMITS.perDay} a UTC day; the next is a 429 and is not sent`, async () => {
    // The two updates of the tests above count as today's.
    for (let i = 3; i <= PRODUCT_UPDATE_LIMITS.perDay; i++) expect((await announce({ headline: `Update ${i}`, text: 'More news.' })).status).toBe(202);
    const refused = await announce({ headline: 'One too many', text: 'Too much news.' });
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ type: 'rate_limit_error', code: 'product_update_daily_limit' });
    await bus.settle();
    const subjects = (await readMail(mailDir)).map((m) => m.subject);
    expect(subjects).toHaveLength(PRODUCT_UPDATE_LIMITS.perDay);
    expect(subjects).not.toContain('RouKey: One too many');
    for (const other of others) expect((await readMail(mailDir)).filter((m) => m.to === other.email)).toEqual([]);
  });
});
