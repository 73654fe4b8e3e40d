import { jest } from '@jest/globals';
import { gunzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { poll } from '../../web/src/ui/poll.js';
import { expectVisible, signedInPage } from '../support/dashboard-page.js';
import { launchChromium, screenshot, seriousViolations } from '../support/browser.js';
import { startTestLocalRuntime, type TestLocalRuntime } from '../support/local-runtime.js';

/**
 * The privacy page in a real Chromium against `npm start`'s runtime: an export requested, followed and downloaded
 * (P18), then the account deleted with the typed confirmation and the deletion followed to its end on the public
 * status page (P20). Runs against the export and deletion APIs of issue 20.
 */
jest.setTimeout(90_000);

let local: TestLocalRuntime;
let browser: Browser;
let page: Page;
let base: string;
let email: string;
let apiKey: string;
let pageProblems: string[] = [];
/** A name that must come back in the export. */
const PROBE = `export-probe-${crypto.randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  local = await startTestLocalRuntime({ dashboard: true });
  base = local.runtime.gatewayUrl;
  email = local.runtime.config.devUser.email;
  const created = await fetch(`${base}/v1/api-keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${local.accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: PROBE }),
  });
  apiKey = ((await created.json()) as { key: string }).key;
  browser = await launchChromium();
  ({ page, problems: pageProblems } = await signedInPage(browser, local, '/privacy'));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await local?.stop();
});

describe('the privacy page in Chromium', () => {
  it('shows the accepted policy version', async () => {
    await page.getByRole('heading', { name: 'Privacy policy' }).waitFor();
    await expectVisible(page.getByText(/You accepted version \S+ on/));
  });

  it('P18: requests an export, follows its progress to the download link, and downloads it', async () => {
    const statuses: string[] = [];
    page.on('response', (res) => {
      if (res.request().method() === 'GET' && res.url().includes('/v1/me/exports/'))
        void res.json().then(
          (body: { status: string }) => statuses.push(body.status),
          () => undefined,
        );
    });
    const requested = page.waitForResponse((res) => res.url().endsWith('/v1/me/export') && res.request().method() === 'POST');
    await page.getByRole('button', { name: 'Request an export' }).click();
    expect((await requested).status()).toBe(202);
    const link = page.getByRole('link', { name: /^Download your data/ });
    await link.waitFor({ timeout: 60_000 });
    expect(statuses.at(-1)).toBe('ready');
    await screenshot(page, 'privacy-export');
    expect(await seriousViolations(page)).toEqual([]);

    const href = await link.getAttribute('href');
    expect(href).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    const file = await fetch(href ?? '');
    expect(file.status).toBe(200);
    const bytes = Buffer.from(await file.arrayBuffer());
    // gzipped JSON; fetch has already undone it if the object is served with `content-encoding: gzip`.
    const document = (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString('utf8');
    const parsed = JSON.parse(document) as unknown;
    expect(typeof parsed).toBe('object');
    expect(document).toContain(PROBE);
    expect(document).toContain(email);
  });

  it('P20: deletes the account after the typed confirmation, ends the session and follows the deletion to done', async () => {
    const confirm = page.getByLabel(/^To confirm, type your email address/);
    const button = page.getByRole('button', { name: 'Delete my account' });
    await confirm.fill('someone-else@example.com');
    expect(await button.isDisabled()).toBe(true);
    await confirm.fill(email);
    expect(await button.isDisabled()).toBe(false);
    const deleted = page.waitForResponse((res) => res.url().endsWith('/v1/me') && res.request().method() === 'DELETE');
    await button.click();
    expect((await deleted).status()).toBe(202);

    await page.waitForURL(/\/deleted\/[^/]+$/);
    expect(await page.evaluate(() => sessionStorage.getItem('roukey.local-session'))).toBeNull();
    await expectVisible(page.getByRole('heading', { name: 'Deleting your account' }));
    await page.getByText(/^Done: your account/).waitFor({ timeout: 60_000 });
    expect(await page.getByRole('progressbar', { name: 'Deletion progress' }).getAttribute('value')).toBe('100');
    await screenshot(page, 'deletion');
    expect(await seriousViolations(page)).toEqual([]);

    // The account's API keys are refused from the tombstone on.
    const refused = await poll(30_000, async () => {
      const res = await fetch(`${base}/v1/models`, { headers: { authorization: `Bearer ${apiKey}` } });
      return res.status === 401 ? res.status : undefined;
    });
    expect(refused).toBe(401);
  });

  it('a reload of the status page still shows the deletion, without signing in', async () => {
    await page.reload();
    await page.getByText(/^Done: your account/).waitFor();
    expect(page.url()).toMatch(/\/deleted\//);
  });

  it('reported no script error and no refused load', () => {
    expect(pageProblems).toEqual([]);
  });
});
