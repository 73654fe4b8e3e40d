import type { Browser, Page } from 'playwright-core';
import type { TestLocalRuntime } from './local-runtime.js';

export interface SignedInPage {
  readonly page: Page;
  /** Everything the page reported as broken: script errors and refused loads (a CSP violation is one). */
  readonly problems: string[];
}

/** A 1280×900 tab of the local dashboard, signed in as the dev user through the sign-in form, on `path`. */
export async function signedInPage(browser: Browser, local: TestLocalRuntime, path: string): Promise<SignedInPage> {
  const base = local.runtime.gatewayUrl;
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    // The API's refusals are the pages' business (they show them); the browser logs each as an error too.
    if (msg.type() === 'error' && !/status of 4\d\d/.test(msg.text())) problems.push(`console: ${msg.text()}`);
  });
  await page.goto(`${base}${path}`);
  await page.getByLabel('Email').fill(local.runtime.config.devUser.email);
  await page.getByLabel('Password').fill(local.runtime.config.devUser.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}${path}`);
  return { page, problems };
}

export async function expectVisible(locator: ReturnType<Page['getByText']>): Promise<void> {
  await locator.waitFor({ state: 'visible', timeout: 15_000 });
}
