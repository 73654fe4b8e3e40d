import { jest } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, screenshot, seriousViolations } from '../support/browser.js';
import { startE2E, type E2EContext } from '../support/e2e-setup.js';

/**
 * The routing-config form editors, the try-it panel, the Roles page's classify box and Plan and billing with billing
 * off, in a real Chromium against `npm start`'s runtime with a fake OpenAI upstream (provider key `fake`; its model
 * `echo` answers with the prompt) and no Stripe.
 */
jest.setTimeout(90_000);

let e2e: E2EContext;
let browser: Browser;
let page: Page;
let base: string;
const pageProblems: string[] = [];

beforeAll(async () => {
  e2e = await startE2E({}, { dashboard: true });
  base = e2e.gatewayUrl;
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  page.on('pageerror', (err) => pageProblems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/status of 4\d\d/.test(msg.text())) pageProblems.push(`console: ${msg.text()}`);
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await e2e?.stop();
});

async function expectVisible(locator: ReturnType<Page['getByText']>): Promise<void> {
  await locator.waitFor({ state: 'visible', timeout: 15_000 });
}

async function newConfig(name: string, strategy: string): Promise<void> {
  await page.goto(`${base}/configs/new`);
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill(name);
  await page.getByRole('combobox', { name: 'Strategy' }).selectOption(strategy);
}

async function save(name: string): Promise<void> {
  await expectVisible(page.getByText('The config is valid.'));
  await page.getByRole('button', { name: 'Save config' }).click();
  await page.waitForURL(`${base}/configs`);
  await expectVisible(page.getByRole('link', { name, exact: true }));
}

/** The field's own error is next to it and names it: aria-invalid, and aria-describedby pointing at the message. */
async function expectFieldError(label: string | RegExp, message: string): Promise<void> {
  const field = page.getByLabel(label);
  await expectVisible(page.getByText(message).first());
  expect(await field.getAttribute('aria-invalid')).toBe('true');
  const describedBy = (await field.getAttribute('aria-describedby')) ?? '';
  expect(await page.locator(`[id="${describedBy}"]`).textContent()).toBe(message);
  expect(await page.getByRole('button', { name: 'Save config' }).isDisabled()).toBe(true);
}

describe('routing configs and roles in Chromium', () => {
  it('signs in and builds a role config with the form: a role mapped to a model, the default role, an invalid model shown at its field', async () => {
    await page.goto(`${base}/configs/new`);
    await page.waitForURL(/\/sign-in/);
    await page.getByLabel('Email').fill(e2e.local.runtime.config.devUser.email);
    await page.getByLabel('Password').fill(e2e.local.runtime.config.devUser.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/configs/new`);

    await newConfig('by-role', 'role');
    await page.getByRole('combobox', { name: 'Role to map' }).selectOption('coding');
    await page.getByRole('button', { name: 'Map role' }).click();
    await page.getByLabel(/^Role coding model 1/).fill('not a model');
    await expectFieldError(/^Role coding model 1/, 'must have the form "<provider-key name>/<model id>"');
    await page.getByLabel(/^Role coding model 1/).fill('fake/echo');
    await expectFieldError(/^Default role/, 'is required for strategy role');
    await page.getByRole('combobox', { name: /^Default role/ }).selectOption('coding');
    await page.getByLabel(/^Minimum confidence/).fill('0.2');
    await screenshot(page, 'config-form-role');
    expect(await seriousViolations(page)).toEqual([]);
    await save('by-role');
    const saved = await e2e.mgmt('GET', '/v1/configs/by-role');
    expect(saved.json).toMatchObject({
      strategy: 'role',
      roles: { coding: [{ model: 'fake/echo' }] },
      defaultRole: 'coding',
      classifier: { minConfidence: 0.2 },
    });
  });

  it('builds a complexity config with two bands and a rule', async () => {
    await newConfig('by-band', 'complexity');
    await page.getByRole('button', { name: 'Add band 1', exact: true }).click();
    await page.getByLabel(/^Band 1 model 1/).fill('fake/echo');
    await page.getByRole('button', { name: 'Add band 5', exact: true }).click();
    await page.getByLabel(/^Band 5 model 1/).fill('fake/gpt-4o');
    await page.getByRole('button', { name: 'Add rule', exact: true }).click();
    await page.getByLabel(/^Rule 1 requested models/).fill('gpt-4*, o1*');
    await page.getByLabel(/^Rule 1 model 1/).fill('fake/gpt-4o');
    await screenshot(page, 'config-form-bands');
    expect(await seriousViolations(page)).toEqual([]);
    await save('by-band');
    const saved = await e2e.mgmt('GET', '/v1/configs/by-band');
    expect(saved.json).toMatchObject({
      strategy: 'complexity',
      bands: { '1': [{ model: 'fake/echo' }], '5': [{ model: 'fake/gpt-4o' }] },
      rules: [{ when: { model: ['gpt-4*', 'o1*'], tools: true }, targets: [{ model: 'fake/gpt-4o' }] }],
    });
  });

  it('builds an A/B config with two variants and reliability settings; shares off 100 and too many retries are shown at their fields', async () => {
    await newConfig('by-variant', 'ab');
    await page.getByRole('button', { name: 'Add variant', exact: true }).click();
    await page.getByLabel('Variant 1 name').fill('small');
    await page.getByLabel(/^Variant 1 model 1/).fill('fake/echo');
    await page.getByRole('button', { name: 'Add variant', exact: true }).click();
    await page.getByLabel('Variant 2 name').fill('large');
    await page.getByLabel(/^Variant 2 model 1/).fill('fake/gpt-4o');
    await page.getByLabel('Variant 1 percent').fill('70');
    await page.getByLabel('Variant 2 percent').fill('20');
    await expectVisible(page.getByRole('group', { name: 'A/B variants' }).getByText('percentages must add up to 100'));
    await page.getByLabel('Variant 2 percent').fill('30');
    await page.getByLabel('Retries per target').fill('5');
    await expectFieldError('Retries per target', 'must be at most 3');
    await page.getByLabel('Retries per target').fill('2');
    await page.getByRole('checkbox', { name: 'auth' }).check();
    await screenshot(page, 'config-form-variants');
    expect(await seriousViolations(page)).toEqual([]);
    await save('by-variant');
    const saved = await e2e.mgmt('GET', '/v1/configs/by-variant');
    expect(saved.json).toMatchObject({
      strategy: 'ab',
      variants: [
        { name: 'small', percent: 70, targets: [{ model: 'fake/echo' }] },
        { name: 'large', percent: 30, targets: [{ model: 'fake/gpt-4o' }] },
      ],
      reliability: { retries: 2, fallbackOn: ['429', '5xx', 'timeout', 'network', 'auth'] },
    });
  });

  it('deletes a config only after its question is answered; Cancel keeps it', async () => {
    await page.goto(`${base}/configs`);
    await page.getByRole('button', { name: 'Delete config by-band' }).click();
    await expectVisible(page.getByText('Requests for roukey/by-band are refused from then on.'));
    await page.getByRole('button', { name: 'Cancel' }).click();
    expect((await e2e.mgmt('GET', '/v1/configs/by-band')).status).toBe(200);
    await page.getByRole('button', { name: 'Delete config by-band' }).click();
    await page.getByRole('button', { name: 'Yes, delete config by-band' }).click();
    await page.getByRole('link', { name: 'by-band', exact: true }).waitFor({ state: 'detached', timeout: 15_000 });
    expect((await e2e.mgmt('GET', '/v1/configs/by-band')).status).toBe(404);
    await expectVisible(page.getByRole('link', { name: 'by-variant', exact: true }));
  });

  it('tries a config: the routing decision and the answer, with the key kept out of storage', async () => {
    await page.getByRole('link', { name: 'by-role', exact: true }).click();
    await expectVisible(page.getByRole('heading', { name: 'Try it' }));
    await page.getByLabel(/^API key/).fill(e2e.apiKey);
    const prompt = `Write a TypeScript function that reverses a string ${crypto.randomUUID()}`;
    await page.getByLabel('Prompt', { exact: true }).fill(prompt);
    await page.getByRole('button', { name: 'Send' }).click();
    const result = page.getByRole('region', { name: 'Result' });
    await expectVisible(result.getByText(prompt));
    const decision = await result.locator('dl.decision').textContent();
    expect(decision).toContain('Strategyrole');
    expect(decision).toContain('Route (role, band, variant or rule)coding');
    expect(decision).toContain('Provideropenai');
    expect(decision).toContain('Modelfake/echo');
    expect(decision).toMatch(/Request idreq_|Request id\S+/);
    expect(await page.evaluate(() => JSON.stringify({ ...sessionStorage, ...localStorage }))).not.toContain(e2e.apiKey);
    expect(page.url()).not.toContain('rk_');
    await screenshot(page, 'config-try-it');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('classifies a sample prompt on the Roles page: role and confidence', async () => {
    await page.getByRole('link', { name: 'Roles', exact: true }).click();
    await page.getByLabel('Sample prompt').fill('Fix this TypeScript function: `const f = (a) => a.map(x => x * 2` throws a syntax error');
    await page.getByRole('button', { name: 'Classify' }).click();
    const result = page.getByRole('definition').first();
    await expectVisible(result);
    const text = await page.locator('dl[aria-label="Classification"]').textContent();
    expect(text).toMatch(/^Rolecoding/);
    expect(text).toMatch(/Confidence\d{1,3}%/);
    await page.waitForFunction(() => !document.querySelector('[role=status]'));
    await screenshot(page, 'roles-classify');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('with billing off (this runtime has no Stripe), Plan and billing shows the plan and its limits and sends plan changes to the administrator', async () => {
    await page.getByRole('link', { name: 'Plan and billing', exact: true }).click();
    await expectVisible(page.getByRole('heading', { name: 'Changing your plan' }));
    await expectVisible(page.getByText('Plans on this RouKey are set by its administrator.'));
    expect(await page.locator('meter').count()).toBeGreaterThan(0);
    expect(await page.getByRole('button', { name: /^(Upgrade|Switch) to / }).count()).toBe(0);
    await screenshot(page, 'billing-off');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('reported no script error and no refused load', () => {
    expect(pageProblems).toEqual([]);
  });
});
