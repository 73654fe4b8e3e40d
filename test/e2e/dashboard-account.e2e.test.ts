import { jest } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { readMail } from '../../lib/local/mail-outbox.js';
import { poll } from '../../web/src/ui/poll.js';
import { expectVisible, signedInPage } from '../support/dashboard-page.js';
import { launchChromium, screenshot, seriousViolations } from '../support/browser.js';
import { png } from '../support/images.js';
import { startTestLocalRuntime, type TestLocalRuntime } from '../support/local-runtime.js';

/**
 * The account pages in a real Chromium against `npm start`'s runtime: the avatar's presigned upload to the local S3
 * server, preferences that persist (the theme on the document), an admin's invitation, axe on each page, and signing
 * out everywhere last.
 */
jest.setTimeout(60_000);

let local: TestLocalRuntime;
let browser: Browser;
let page: Page;
let base: string;
let pageProblems: string[] = [];

const INVITEE = `invitee-${crypto.randomUUID().slice(0, 8)}@example.com`;

beforeAll(async () => {
  local = await startTestLocalRuntime({ dashboard: true });
  base = local.runtime.gatewayUrl;
  browser = await launchChromium();
  ({ page, problems: pageProblems } = await signedInPage(browser, local, '/profile'));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await local?.stop();
});

async function me(): Promise<{ avatarSource: string | null; preferences: { timezone: string; dashboard: { theme: string } } }> {
  const res = await fetch(`${base}/v1/me`, { headers: { authorization: `Bearer ${local.accessToken}` } });
  return (await res.json()) as never;
}

/** The page's data has loaded: no "Loading …" state is left. */
async function loaded(): Promise<void> {
  await page.getByRole('heading', { level: 1 }).waitFor();
  await page.waitForFunction(() => !document.querySelector('.state[role=status]'));
}

describe('the account pages in Chromium', () => {
  it('uploads an avatar through the presigned form and shows it', async () => {
    await loaded();
    await page.getByLabel('Upload a picture').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: Buffer.from(png(64, 48)) });
    const picture = page.getByRole('img', { name: 'Your avatar' });
    await picture.waitFor({ timeout: 30_000 });
    // The image itself loaded from the bucket (the CSP allows it): the browser knows its size.
    await page.waitForFunction(() => (document.querySelector('img.avatar-image') as HTMLImageElement | null)?.naturalWidth === 64);
    expect((await me()).avatarSource).toBe('upload');
    await page.getByText('Your new picture is saved.').waitFor();
    await expectVisible(page.getByLabel('Replace the picture'));
    await expectVisible(page.getByRole('button', { name: 'Remove your profile picture' }));
  });

  it('saves the time zone and the dark theme: the document turns dark, and both stay after a reload', async () => {
    await page.getByLabel(/^Time zone/).selectOption('Europe/Berlin');
    await page.getByRole('radio', { name: 'Dark' }).check();
    // Security notices cannot be turned off; product updates are opt-in (P21).
    expect(await page.getByRole('checkbox', { name: 'Security notices' }).isDisabled()).toBe(true);
    expect(await page.getByRole('checkbox', { name: 'Security notices' }).isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: /Product updates/ }).isChecked()).toBe(false);
    await page.getByRole('button', { name: 'Save preferences' }).click();
    await page.getByText('Preferences saved.').waitFor();
    expect(await documentTheme()).toEqual({ theme: 'dark', background: 'rgb(21, 23, 26)' });
    expect((await me()).preferences).toMatchObject({ timezone: 'Europe/Berlin', dashboard: { theme: 'dark' } });

    await page.reload();
    await loaded();
    expect(await page.getByLabel(/^Time zone/).inputValue()).toBe('Europe/Berlin');
    expect(await page.getByRole('radio', { name: 'Dark' }).isChecked()).toBe(true);
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
    expect(await documentTheme()).toEqual({ theme: 'dark', background: 'rgb(21, 23, 26)' });
    await screenshot(page, 'profile');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('P19: changes the email address with the code mailed to the new one', async () => {
    const address = `renamed-${crypto.randomUUID().slice(0, 8)}@example.com`;
    await page.getByLabel('New email address').fill(address);
    await page.getByRole('button', { name: 'Send a verification code' }).click();
    const mail = await poll(15_000, async () => (await readMail(local.runtime.mailDir)).find((m) => m.to === address));
    const code = /(\d{4,10})/.exec(mail?.body ?? '')?.[1] ?? '';
    expect(code).not.toBe('');
    await page.getByLabel('Verification code').fill(code);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByText('Your email address is changed.').waitFor();
    await expectVisible(page.getByText(address, { exact: true }));
  });

  it('an admin invites someone by email onto a plan: the mail lands and the account is listed', async () => {
    await page.getByRole('link', { name: 'Admin', exact: true }).click();
    await loaded();
    await page.getByRole('textbox', { name: 'Email', exact: true }).fill(INVITEE);
    await page.getByRole('combobox', { name: 'Plan', exact: true }).selectOption('starter');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await page.getByText(`Invited ${INVITEE}`).waitFor();
    const mail = await poll(15_000, async () => (await readMail(local.runtime.mailDir)).find((m) => m.to === INVITEE));
    expect(mail?.body).toContain(INVITEE);
    const row = page.getByRole('row', { name: new RegExp(INVITEE.replace(/[.]/g, '\\.')) });
    await expectVisible(row);
    expect(await page.getByLabel(`Plan of ${INVITEE}`).inputValue()).toBe('starter');
    await screenshot(page, 'admin');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('passes axe on the privacy and security pages and writes their screenshots', async () => {
    for (const [link, name] of [
      ['Privacy', 'privacy'],
      ['Security', 'security'],
    ] as const) {
      await page.getByRole('link', { name: link, exact: true }).click();
      await loaded();
      await screenshot(page, name);
      expect({ name, violations: await seriousViolations(page) }).toEqual({ name, violations: [] });
    }
    await expectVisible(page.getByRole('heading', { name: 'Sign-in history' }));
  });

  it('signs out everywhere after the confirmation: the API answers 204 and this tab is back at the sign-in', async () => {
    await page.getByRole('button', { name: /^Sign out everywhere/ }).click();
    const signedOut = page.waitForResponse((res) => res.url().endsWith('/v1/me/sign-out') && res.request().method() === 'POST');
    await page.getByRole('button', { name: /^Yes, sign out everywhere/ }).click();
    expect((await signedOut).status()).toBe(204);
    await page.waitForURL(/\/sign-in/);
    expect(await page.evaluate(() => sessionStorage.getItem('roukey.local-session'))).toBeNull();
  });

  it('reported no script error and no refused load (the CSP allowed the upload and the picture)', () => {
    expect(pageProblems).toEqual([]);
  });
});

async function documentTheme(): Promise<{ theme: string | undefined; background: string }> {
  return page.evaluate(() => ({ theme: document.documentElement.dataset.theme, background: getComputedStyle(document.body).backgroundColor }));
}
