import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { BILLING_EVENTS, NOTICE_KINDS, NOTICE_PREFERENCE, SECURITY_EVENTS, renderNotice, type Notice } from '../../../lambdas/notices/notice-messages.js';
import { createSesMailer } from '../../../lambdas/notices/ses-mailer.js';
import { DEFAULT_PREFERENCES, wantsEmail } from '../../../lambdas/profile/preferences.js';

/** One notice of every kind and event, as the senders make them. */
const EVERY_NOTICE: Notice[] = [
  { kind: 'billing', event: 'payment_failed', graceEndsAt: '2026-03-10T04:00:00.000Z' },
  { kind: 'billing', event: 'grace_ended', plan: 'free' },
  { kind: 'billing', event: 'plan_changed', from: 'free', to: 'starter' },
  { kind: 'security', event: 'signed_out_everywhere' },
  { kind: 'security', event: 'email_changed' },
  { kind: 'policy-change', policyVersion: '2026-06-01' },
  { kind: 'product-update', headline: 'Embeddings routing', text: 'Configs can now route embeddings.' },
];

describe('notice templates', () => {
  it('cover every kind and event, each plain text with a subject, a reason and no markup', () => {
    expect(new Set(EVERY_NOTICE.map((n) => n.kind))).toEqual(new Set(NOTICE_KINDS));
    const events = EVERY_NOTICE.flatMap((n) => ('event' in n ? [n.event] : []));
    expect(events.sort()).toEqual([...BILLING_EVENTS, ...SECURITY_EVENTS].sort());
    const subjects = new Set<string>();
    for (const notice of EVERY_NOTICE) {
      const { subject, body } = renderNotice(notice);
      subjects.add(subject);
      expect(subject).toMatch(/RouKey/);
      expect(subject).not.toMatch(/\n/);
      expect(body).not.toMatch(/<[a-z]/i);
      expect(body).toMatch(/— RouKey$/);
    }
    expect(subjects.size).toBe(EVERY_NOTICE.length);
    expect(renderNotice(EVERY_NOTICE[0] as Notice).body).toContain('2026-03-10');
    expect(renderNotice({ kind: 'policy-change', policyVersion: '2026-06-01' }).body).toContain('2026-06-01');
  });

  it('P21: product updates are sent only to those who opted in and say how to stop them; security and policy notices cannot be turned off', () => {
    const off = { ...DEFAULT_PREFERENCES, notifications: { productUpdates: false, billing: false } };
    const on = { ...DEFAULT_PREFERENCES, notifications: { productUpdates: true, billing: true } };
    expect(wantsEmail(DEFAULT_PREFERENCES, NOTICE_PREFERENCE['product-update'])).toBe(false);
    expect(wantsEmail(on, NOTICE_PREFERENCE['product-update'])).toBe(true);
    expect(wantsEmail(off, NOTICE_PREFERENCE.billing)).toBe(false);
    expect(wantsEmail(off, NOTICE_PREFERENCE.security)).toBe(true);
    expect(wantsEmail(off, NOTICE_PREFERENCE['policy-change'])).toBe(true);
    expect(renderNotice({ kind: 'product-update', headline: 'x', text: 'y' }).body).toMatch(/turned them on; you can turn them off/);
  });
});

describe('the SES mailer', () => {
  const ses = mockClient(SESv2Client);
  afterEach(() => ses.reset());

  it('sends one plain-text SendEmail from the configured address to the one recipient', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    const mailer = createSesMailer({ region: 'eu-west-1', from: 'notices@example.com' }, new SESv2Client({ region: 'eu-west-1' }));
    await mailer.send({ to: 'ada@example.org', ...renderNotice({ kind: 'security', event: 'signed_out_everywhere' }) });
    const calls = ses.commandCalls(SendEmailCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      FromEmailAddress: 'notices@example.com',
      Destination: { ToAddresses: ['ada@example.org'] },
      Content: {
        Simple: {
          Subject: { Data: 'RouKey: signed out on every device', Charset: 'UTF-8' },
          Body: { Text: { Data: expect.stringContaining('signed out on every device'), Charset: 'UTF-8' } },
        },
      },
    });
  });

  it("passes SES's refusal on, so the notifier reports the notice as failed", async () => {
    ses.on(SendEmailCommand).rejects(Object.assign(new Error('Email address is not verified.'), { name: 'MessageRejected' }));
    const mailer = createSesMailer({ region: 'eu-west-1', from: 'notices@example.com' }, new SESv2Client({ region: 'eu-west-1' }));
    await expect(mailer.send({ to: 'ada@example.org', subject: 's', body: 'b' })).rejects.toMatchObject({ name: 'MessageRejected' });
  });
});
