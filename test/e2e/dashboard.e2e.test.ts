import { jest } from '@jest/globals';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import OpenAI from 'openai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startFakeOpenAIUpstream, type FakeOpenAIUpstream } from '../fakes/openai-upstream.js';
import { ARTIFACTS, launchChromium, screenshot, seriousViolations } from '../support/browser.js';
import { startTestLocalRuntime, type TestLocalRuntime } from '../support/local-runtime.js';
import { poll } from '../support/poll.js';

/**
 * The dashboard in a real Chromium against `npm start`'s runtime (built and served at `/`) and a fake OpenAI
 * upstream: one signed-in page walks through what a new user does, in order.
 */
jest.setTimeout(60_000);

let local: TestLocalRuntime;
let upstream: FakeOpenAIUpstream;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let base: string;
/** Everything the page reported as broken: script errors and refused loads (a CSP violation is one). */
const pageProblems: string[] = [];

const PROVIDER_SECRET = `sk-browser-${crypto.randomUUID()}`;
const XSS_NAME = '<img src=x onerror="window.__xss=1">';
let apiKey = '';

beforeAll(async () => {
  upstream = await startFakeOpenAIUpstream();
  local = await startTestLocalRuntime({ dashboard: true });
  base = local.runtime.gatewayUrl;
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  page = await context.newPage();
  page.on('pageerror', (err) => pageProblems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/status of 4\d\d/.test(msg.text())) pageProblems.push(`console: ${msg.text()}`);
  });
  // Questions are asked in the page (ConfirmButton), never by the browser's own dialogs.
  page.on('dialog', (dialog) => {
    pageProblems.push(`dialog: ${dialog.type()}`);
    void dialog.dismiss();
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await local?.stop();
  await upstream?.close();
});

function client(key = apiKey): OpenAI {
  return new OpenAI({ apiKey: key, baseURL: `${base}/v1`, maxRetries: 0, timeout: 20_000 });
}

async function signIn(): Promise<void> {
  await page.getByLabel('Email').fill(local.runtime.config.devUser.email);
  await page.getByLabel('Password').fill(local.runtime.config.devUser.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe('the dashboard in Chromium', () => {
  it('sends a signed-out visitor to the sign-in, says it is local mode, and returns to the page asked for', async () => {
    await page.goto(`${base}/provider-keys`);
    await page.waitForURL(/\/sign-in\?next=%2Fprovider-keys$/);
    await expectVisible(page.getByText(/Local mode \(npm start\)/));
    await screenshot(page, 'sign-in');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel('Email').fill(local.runtime.config.devUser.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectVisible(page.getByRole('alert'));
    await signIn();
    await page.waitForURL(`${base}/provider-keys`);
    await expectVisible(page.getByRole('heading', { name: 'Provider keys', level: 1 }));
  });

  it('adds a provider key with the preset fields and shows only its hint', async () => {
    await expectVisible(page.getByText(/No provider keys yet/));
    await page.getByRole('combobox', { name: /^Provider/ }).selectOption('azure');
    await expectVisible(page.getByLabel(/API version/));
    await page.getByRole('combobox', { name: /^Provider/ }).selectOption('bedrock');
    expect(await page.getByLabel('API key').count()).toBe(0);
    await expectVisible(page.getByLabel('AWS region'));
    await page.getByRole('combobox', { name: /^Provider/ }).selectOption('openai');
    await page.getByLabel(/^Name/).fill('fake');
    await page.getByLabel('API key').fill(PROVIDER_SECRET);
    await page.getByLabel(/Base URL/).fill(upstream.baseUrl);
    await page.getByRole('button', { name: 'Add key' }).click();
    const row = page.getByRole('row', { name: /fake/ });
    await expectVisible(row);
    expect(await row.textContent()).toContain(PROVIDER_SECRET.slice(-4));
    expect(await page.content()).not.toContain(PROVIDER_SECRET);
    await screenshot(page, 'provider-keys-added');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('creates an API key shown once with a copy button, renders a hostile name as text, and the key calls the API', async () => {
    await page.getByRole('link', { name: 'API keys' }).click();
    await expectVisible(page.getByText(/No API keys yet/));
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill(XSS_NAME);
    await page.getByRole('button', { name: 'Create key' }).click();
    const shown = page.getByTestId('new-api-key');
    await expectVisible(shown);
    apiKey = (await shown.textContent()) ?? '';
    expect(apiKey).toMatch(/^rk_/);
    await expectVisible(page.getByText(/only time RouKey shows it/));
    await page.getByRole('button', { name: 'Copy key' }).click();
    await expectVisible(page.getByRole('button', { name: 'Copied' }));
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(apiKey);
    // The name is in the table as text; no element was made from it and nothing ran.
    await expectVisible(page.getByRole('cell', { name: XSS_NAME, exact: true }));
    expect(await page.locator('main img').count()).toBe(0);
    expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
    await screenshot(page, 'api-keys-created');
    expect(await seriousViolations(page)).toEqual([]);

    const answer = await client().chat.completions.create({ model: 'fake/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect(answer.object).toBe('chat.completion');
  });

  it('creates a config with the form, its field errors shown live by the API schema', async () => {
    await page.getByRole('link', { name: 'Routing configs' }).click();
    await expectVisible(page.getByText(/No routing configs yet/));
    await screenshot(page, 'configs-empty');
    await page.getByRole('link', { name: 'New config' }).click();
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('via-form');
    await page.getByLabel(/Model 1/).fill('not a model');
    await expectVisible(page.getByText('must have the form "<provider-key name>/<model id>"').first());
    expect(await page.getByRole('button', { name: 'Save config' }).isDisabled()).toBe(true);
    await page.getByLabel(/Model 1/).fill('fake/gpt-4o-mini');
    await expectVisible(page.getByText('The config is valid.'));
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'config-form');
    await page.getByRole('button', { name: 'Save config' }).click();
    await page.waitForURL(`${base}/configs`);
    await expectVisible(page.getByRole('link', { name: 'via-form' }));
  });

  it('creates a config in the JSON editor: an invalid one shows the field error and cannot be saved', async () => {
    await page.getByRole('link', { name: 'New config' }).click();
    await page.getByRole('button', { name: 'JSON' }).click();
    const editor = page.getByRole('textbox', { name: 'Routing config as JSON' });
    await editor.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    // CodeMirror closes brackets as one types; inserting the text avoids that.
    await page.keyboard.insertText(JSON.stringify({ name: 'via-json', strategy: 'weighted', targets: [{ model: 'fake/gpt-4o-mini', weight: 0 }] }));
    await expectVisible(page.getByText('must be at least 1').first());
    await expectVisible(page.getByRole('list', { name: 'Problems' }).getByText('targets.0.weight'));
    expect(await page.getByRole('button', { name: 'Save config' }).isDisabled()).toBe(true);
    await screenshot(page, 'config-json-invalid');
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(JSON.stringify({ name: 'via-json', strategy: 'weighted', targets: [{ model: 'fake/gpt-4o-mini', weight: 3 }] }));
    await expectVisible(page.getByText('The config is valid.'));
    await page.getByRole('button', { name: 'Save config' }).click();
    await page.waitForURL(`${base}/configs`);
    await expectVisible(page.getByRole('link', { name: 'via-json' }));
  });

  it('shows the 409 naming the configs when a provider key in use is deleted', async () => {
    await page.getByRole('link', { name: 'Provider keys' }).click();
    await page.getByRole('button', { name: 'Delete provider key fake' }).click();
    // Two steps: the question takes focus, Escape steps back, and the second press deletes.
    await expectVisible(page.getByRole('button', { name: 'Yes, delete provider key fake' }));
    await page.keyboard.press('Escape');
    await expectVisible(page.getByRole('button', { name: 'Delete provider key fake' }));
    await page.getByRole('button', { name: 'Delete provider key fake' }).click();
    // Enter answers the question once it has focus.
    await page.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === 'Yes, delete provider key fake');
    await page.keyboard.press('Enter');
    const alert = page.getByRole('alert');
    await expectVisible(alert);
    expect(await alert.textContent()).toMatch(/used by configs: .*via-form/);
  });

  it('binds the API key to a config: any model name is routed by it', async () => {
    await page.getByRole('link', { name: 'API keys' }).click();
    const patched = page.waitForResponse((res) => res.request().method() === 'PATCH' && res.url().includes('/v1/api-keys/'));
    await page.getByLabel(`Routing config of ${XSS_NAME}`).selectOption('via-json');
    expect((await patched).status()).toBe(200);
    // The router reads a key's binding through its short cache of the key.
    const strategy = await poll(
      'the binding to reach the router',
      async () => {
        const answer = await client()
          .chat.completions.create({ model: 'whatever', messages: [{ role: 'user', content: 'hi' }] })
          .withResponse()
          .catch(() => undefined);
        return answer?.response.headers.get('x-roukey-strategy') ?? undefined;
      },
      40_000,
    );
    expect(strategy).toBe('weighted');
  });

  it('revokes the API key: calls with it fail', async () => {
    await page.getByRole('button', { name: `Revoke API key ${XSS_NAME}` }).click();
    await page.getByRole('button', { name: `Yes, revoke API key ${XSS_NAME}` }).click();
    await expectVisible(page.getByText(/No API keys yet/));
    const status = await poll(
      'the revoked key to be refused',
      async () => {
        const err = await client()
          .models.list()
          .then(() => undefined)
          .catch((e: unknown) => e);
        return err instanceof OpenAI.APIError && err.status === 401 ? err.status : undefined;
      },
      40_000,
    );
    expect(status).toBe(401);
  }, 60_000);

  it('passes axe on every other page and writes their screenshots', async () => {
    for (const [link, name] of [
      ['Overview', 'overview-first-steps'],
      ['Roles', 'roles'],
      ['Security', 'security'],
      ['Admin', 'admin'],
    ] as const) {
      await page.getByRole('link', { name: link, exact: true }).click();
      await expectVisible(page.getByRole('heading', { level: 1 }));
      await page.waitForFunction(() => !document.querySelector('[role=status]'));
      await screenshot(page, name);
      expect({ name, violations: await seriousViolations(page) }).toEqual({ name, violations: [] });
    }
    await page.setViewportSize({ width: 375, height: 800 });
    await screenshot(page, 'admin-375px');
    await page.setViewportSize({ width: 1280, height: 900 });
    // axe on four pages, the overview's with a chart: a busy shared machine needs the headroom.
  }, 120_000);

  it('an expired session goes back to the sign-in, then back to the page', async () => {
    await page.evaluate(() => {
      const key = 'roukey.local-session';
      const stored = JSON.parse(sessionStorage.getItem(key) ?? '{}') as { accessToken: string };
      sessionStorage.setItem(key, JSON.stringify({ ...stored, accessToken: `${stored.accessToken}x` }));
    });
    await page.goto(`${base}/roles`);
    await page.waitForURL(/\/sign-in\?next=%2Froles$/);
    await signIn();
    await page.waitForURL(`${base}/roles`);
    await expectVisible(page.getByRole('cell', { name: 'coding', exact: true }));
  });

  it('loads the overview within budget: JavaScript compressed and time to interactive', async () => {
    const fresh = await browser.newContext();
    const first = await fresh.newPage();
    // A signed-in tab: the session copied as the sign-in page stores it.
    const stored = await page.evaluate(() => sessionStorage.getItem('roukey.local-session'));
    await first.addInitScript((s) => sessionStorage.setItem('roukey.local-session', s ?? ''), stored);
    const scripts: Buffer[] = [];
    first.on('response', (res) => {
      if (res.request().resourceType() === 'script') void res.body().then((b) => scripts.push(b));
    });
    const started = Date.now();
    await first.goto(`${base}/`);
    await expectVisible(first.getByText(/so far|None yet/).first());
    await first.waitForFunction(() => !document.querySelector('[role=status]'));
    const interactiveMs = Date.now() - started;
    await first.waitForLoadState('networkidle');
    const gzipBytes = scripts.reduce((sum, b) => sum + gzipSync(b).length, 0);
    await writeFile(join(ARTIFACTS, 'overview-load.json'), `${JSON.stringify({ scripts: scripts.length, gzipBytes, interactiveMs }, null, 2)}\n`);
    await fresh.close();
    expect(gzipBytes).toBeLessThanOrEqual(200 * 1024);
    // The bar is 1 s on the local runtime; the shared CI machine gets headroom, the figure is recorded.
    expect(interactiveMs).toBeLessThan(5_000);
  });

  it('reported no script error and no refused load (the CSP allowed everything the app needs)', () => {
    expect(pageProblems).toEqual([]);
  });
});

async function expectVisible(locator: ReturnType<Page['getByText']>): Promise<void> {
  await locator.waitFor({ state: 'visible', timeout: 15_000 });
}
