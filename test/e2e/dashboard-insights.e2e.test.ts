import { jest } from '@jest/globals';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import OpenAI from 'openai';
import type { Browser, Page } from 'playwright-core';
import { startFakeOpenAIUpstream, type FakeOpenAIUpstream } from '../fakes/openai-upstream.js';
import { startFakeStripe, stripeEnvironment, type FakeStripe } from '../fakes/stripe.js';
import { ARTIFACTS, launchChromium, screenshot, seriousViolations } from '../support/browser.js';
import { startTestLocalRuntime, type TestLocalRuntime } from '../support/local-runtime.js';

/**
 * The dashboard's insight pages in a real Chromium against `npm start`'s runtime, a fake OpenAI upstream and the
 * fake Stripe: traffic sent with the official client shows in the request log, on the overview's chart and on the
 * providers page; a plan is upgraded through Checkout; a provider key rotated and an API key renamed; every page
 * holds at 375 px in the dark theme.
 */
jest.setTimeout(60_000);

const WEBHOOK_SECRET = 'whsec_e2e_dashboard';
const PROVIDER_SECRET = `sk-insights-${crypto.randomUUID()}`;
const ROTATED_SECRET = `sk-rotated-${crypto.randomUUID()}`;
const REQUESTS_SENT = 3;

let upstream: FakeOpenAIUpstream;
let stripe: FakeStripe;
let local: TestLocalRuntime;
let browser: Browser;
let page: Page;
let base: string;
let apiKey = '';
const pageProblems: string[] = [];

beforeAll(async () => {
  upstream = await startFakeOpenAIUpstream();
  stripe = await startFakeStripe(WEBHOOK_SECRET);
  // Billing on, as an operator turns it on before `npm start` (docs/billing.md).
  Object.assign(process.env, stripeEnvironment(stripe, WEBHOOK_SECRET));
  local = await startTestLocalRuntime({ dashboard: true });
  base = local.runtime.gatewayUrl;
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' })).newPage();
  page.on('pageerror', (err) => pageProblems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/status of 4\d\d/.test(msg.text())) pageProblems.push(`console: ${msg.text()}`);
  });
  // Checkout is Stripe's page: the browser "arrives" there and the test completes the payment on the fake.
  await page.route('https://checkout.stripe.test/**', (route) =>
    route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>Checkout</title><h1>Stripe Checkout</h1>' }),
  );

  const key = await mgmt('POST', '/v1/provider-keys', { provider: 'openai', name: 'fake', apiKey: PROVIDER_SECRET, baseUrl: upstream.baseUrl });
  expect(key.status).toBe(201);
  const created = await mgmt('POST', '/v1/api-keys', { name: 'insights-app' });
  expect(created.status).toBe(201);
  apiKey = created.json.key;
  const client = new OpenAI({ apiKey, baseURL: `${base}/v1`, maxRetries: 0, timeout: 20_000 });
  for (let i = 0; i < REQUESTS_SENT; i++) {
    const answer = await client.chat.completions.create({ model: 'fake/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect(answer.object).toBe('chat.completion');
  }
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await local?.stop();
  await stripe?.close();
  await upstream?.close();
  for (const name of Object.keys(stripeEnvironment(stripe, WEBHOOK_SECRET))) delete process.env[name];
});

async function mgmt(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${local.accessToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

async function expectVisible(locator: ReturnType<Page['getByText']>, timeout = 15_000): Promise<void> {
  await locator.waitFor({ state: 'visible', timeout });
}

async function settled(): Promise<void> {
  await page.waitForFunction(() => !document.querySelector('[role=status]'));
}

/** Polls `attempt` until it answers true, with a deadline (rollups arrive through the stream reader). */
async function until(what: string, attempt: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await attempt())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Reloads the billing page until it shows `plan`: the API trusts an account's plan for a short while (ACCOUNT_STATE_TTL_MS). */
async function untilPlanShows(plan: string): Promise<void> {
  await until(
    `the ${plan} plan to show`,
    async () => {
      await page.goto(`${base}/billing`);
      await expectVisible(page.getByTestId('current-plan'));
      return (await page.getByTestId('current-plan').textContent()) === plan;
    },
    45_000,
  );
}

describe('the dashboard insight pages in Chromium', () => {
  it('signs in and shows the traffic on the overview: totals and a uPlot chart with its points', async () => {
    await page.goto(`${base}/`);
    await page.getByLabel('Email').fill(local.runtime.config.devUser.email);
    await page.getByLabel('Password').fill(local.runtime.config.devUser.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectVisible(page.getByRole('heading', { name: 'Overview', level: 1 }));
    const requestsTile = page.locator('.tile', { hasText: 'Requests' }).locator('dd');
    await until(
      'the requests to reach the overview',
      async () => {
        await page.getByRole('button', { name: 'Refresh' }).click();
        await settled();
        return (await requestsTile.count()) > 0 && (await requestsTile.textContent()) === String(REQUESTS_SENT);
      },
      40_000,
    );
    const chart = page.getByRole('figure', { name: /Requests per hour/ });
    await expectVisible(chart.locator('canvas'));
    expect(await chart.getAttribute('aria-label')).toContain(`total over the range ${REQUESTS_SENT}`);
    expect(Number(await chart.locator('.chart-canvas').getAttribute('data-points'))).toBeGreaterThanOrEqual(24);

    await page.getByLabel('By').selectOption('model');
    await expectVisible(page.getByRole('cell', { name: 'gpt-4o-mini', exact: true }));
    // Thirty days of hourly points: the chart redraws with every one of them, and the time it takes is recorded.
    const started = Date.now();
    await page.getByRole('radio', { name: '30 days' }).check();
    await page.waitForFunction(() => Number(document.querySelector('.chart-canvas')?.getAttribute('data-points')) >= 720);
    await expectVisible(page.getByRole('figure', { name: /Requests per hour by model/ }).locator('canvas'));
    await writeFile(join(ARTIFACTS, 'overview-30-days.json'), `${JSON.stringify({ hourlyPoints: 720, renderedMs: Date.now() - started }, null, 2)}\n`);
    await page.getByRole('radio', { name: '24 hours' }).check();
    await settled();
    await screenshot(page, 'overview');
    expect(await seriousViolations(page)).toEqual([]);

    // Axes and grid take the palette's colours, so a theme change (here the system's) draws the chart again.
    await page
      .locator('.uplot')
      .first()
      .evaluate((el) => el.setAttribute('data-drawn-in', 'light'));
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark' && !document.querySelector('.uplot[data-drawn-in]'));
    await expectVisible(page.locator('.uplot canvas').first());
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('lists the requests, filters them, and opens one: the routing decision and the attempts as a timeline', async () => {
    await page.getByRole('link', { name: 'Requests', exact: true }).click();
    await expectVisible(page.getByRole('heading', { name: 'Requests', level: 1 }));
    const rows = page.getByRole('region', { name: 'Requests, newest first' }).locator('tbody tr');
    await expectVisible(rows.first());
    expect(await rows.count()).toBe(REQUESTS_SENT);
    expect(await rows.first().textContent()).toContain('insights-app');

    await rows
      .first()
      .getByRole('button', { name: /^Details/ })
      .click();
    const detail = page.getByRole('region', { name: 'Request' });
    await expectVisible(detail.getByRole('heading', { name: 'Routing decision' }));
    const attempt = detail.getByRole('listitem').filter({ hasText: 'fake/gpt-4o-mini' });
    await expectVisible(attempt);
    expect(await attempt.textContent()).toMatch(/ok · HTTP 200/);
    await screenshot(page, 'request-detail');
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByLabel('Status').selectOption('5xx');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expectVisible(page.getByText(/No request matches these filters/));
    await page.getByLabel('Status').selectOption('2xx');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expectVisible(rows.first());
    await screenshot(page, 'requests');
  });

  it('shows the provider and model on the providers page', async () => {
    await page.getByRole('link', { name: 'Providers', exact: true }).click();
    const row = page.getByRole('row', { name: /openai.*gpt-4o-mini/ });
    await expectVisible(row);
    expect(await row.textContent()).toContain(String(REQUESTS_SENT));
    await screenshot(page, 'providers');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('rotates a provider key: the new hint is shown, never the key, and requests still go through', async () => {
    await page.getByRole('link', { name: 'Provider keys' }).click();
    await page.getByRole('button', { name: 'Rotate provider key fake' }).click();
    await page.getByLabel('New API key for provider key fake').fill(ROTATED_SECRET);
    const patched = page.waitForResponse((res) => res.request().method() === 'PATCH' && res.url().includes('/v1/provider-keys/'));
    await page.keyboard.press('Enter');
    expect((await patched).status()).toBe(200);
    await expectVisible(page.getByRole('row', { name: new RegExp(`fake.*${ROTATED_SECRET.slice(-4)}`) }));
    expect(await page.content()).not.toContain(ROTATED_SECRET);
    // The router reads a provider key through its short cache: the new secret reaches the upstream soon after.
    const client = new OpenAI({ apiKey, baseURL: `${base}/v1`, maxRetries: 0, timeout: 20_000 });
    await until(
      'the rotated key to reach the upstream',
      async () => {
        await client.chat.completions.create({ model: 'fake/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
        return upstream.requests.at(-1)?.headers.authorization === `Bearer ${ROTATED_SECRET}`;
      },
      45_000,
    );
    await screenshot(page, 'provider-keys');
    expect(await seriousViolations(page)).toEqual([]);
  }, 90_000);

  it('renames an API key in place', async () => {
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByRole('button', { name: 'Rename API key insights-app' }).click();
    await page.getByLabel('New name for API key insights-app').fill('renamed-app');
    await page.getByRole('button', { name: /^Save new name/ }).click();
    await expectVisible(page.getByRole('cell', { name: 'renamed-app', exact: true }));
    expect((await mgmt('GET', '/v1/api-keys')).json.data.map((k: { name: string }) => k.name)).toEqual(['renamed-app']);
    await screenshot(page, 'api-keys');
  });

  it('upgrades the plan through the fake Stripe Checkout and shows the new plan and its invoice', async () => {
    // The dev account starts on Enterprise; an admin moves it to Free, the plan a new customer upgrades from.
    const [account] = (await mgmt('GET', '/v1/admin/accounts')).json.data;
    expect((await mgmt('PATCH', `/v1/admin/accounts/${account.id}`, { plan: 'free' })).status).toBe(200);
    await untilPlanShows('Free');
    await expectVisible(page.getByText(/Requests this month/));
    await page.getByRole('button', { name: 'Upgrade to Starter' }).click();
    await page.waitForURL(/^https:\/\/checkout\.stripe\.test\//);
    const session = [...stripe.sessions.values()].find((s) => s.url === page.url());
    expect(session).toBeDefined();
    const { session: completed, invoice } = stripe.completeCheckout(session.id);
    for (const event of [stripe.event('checkout.session.completed', completed), stripe.event('invoice.paid', invoice)]) {
      const payload = JSON.stringify(event);
      const res = await fetch(`${base}/v1/billing/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'stripe-signature': stripe.sign(payload) },
        body: payload,
      });
      expect(res.status).toBe(200);
    }
    await untilPlanShows('Starter');
    await expectVisible(page.getByText(/Starter, active/));
    await expectVisible(page.getByRole('cell', { name: 'invoice', exact: true }));
    await expectVisible(page.getByRole('button', { name: /Change plan, payment method or cancel/ }));
    await settled();
    await screenshot(page, 'billing');
    expect(await seriousViolations(page)).toEqual([]);
  }, 120_000);

  it('every page at 375 px in the dark theme: no sideways scrolling of the page, axe passes, the menu folds', async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    await page.emulateMedia({ colorScheme: 'dark' });
    for (const [path, name] of [
      ['/', 'overview'],
      ['/requests', 'requests'],
      ['/providers', 'providers'],
      ['/provider-keys', 'provider-keys'],
      ['/api-keys', 'api-keys'],
      ['/billing', 'billing'],
    ] as const) {
      await page.goto(`${base}${path}`);
      await expectVisible(page.getByRole('heading', { level: 1 }));
      await settled();
      if (path === '/') await expectVisible(page.locator('.chart-canvas canvas'));
      // The page's own sideways overflow (a wide table scrolls inside its region), naming the outermost culprits if any.
      const overflow = await page.evaluate(() => {
        const by = document.documentElement.scrollWidth - window.innerWidth;
        if (by <= 0) return { by: 0, elements: [] };
        const past = [...document.querySelectorAll('body *')].filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1);
        return { by, elements: past.filter((el) => !past.includes(el.parentElement as Element)).map((el) => `${el.tagName}.${el.className}`) };
      });
      expect({ name, overflow }).toEqual({ name, overflow: { by: 0, elements: [] } });
      expect({ name, violations: await seriousViolations(page) }).toEqual({ name, violations: [] });
      await screenshot(page, `${name}-dark-375px`);
    }
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Menu' }).click();
    await nav.getByRole('link', { name: 'Requests' }).click();
    await page.waitForURL(`${base}/requests`);
    expect(await nav.isVisible()).toBe(false);
  }, 120_000);

  it('reported no script error and no refused load', () => {
    expect(pageProblems).toEqual([]);
  });
});
