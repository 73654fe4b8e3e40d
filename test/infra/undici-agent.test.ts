import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * lambdas/gateway/transport/upstream-http.ts imports undici's Agent from a path inside the package
 * (`undici/lib/dispatcher/agent.js`, typed by lambdas/types/undici-agent.d.ts), not from its index, to keep the
 * router bundle small. Nothing in undici promises that path, so the version is pinned and these tests say when
 * an upgrade breaks it.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const INTERNAL_PATH = 'undici/lib/dispatcher/agent.js';
const WHAT_TO_DO =
  `lambdas/gateway/transport/upstream-http.ts imports undici's Agent from ${INTERNAL_PATH}. After changing undici's ` +
  "version: find the file undici's own index.js now takes Agent from (`grep Agent node_modules/undici/index.js`), " +
  'point that import and lambdas/types/undici-agent.d.ts at it, and keep the version pinned exactly in package.json.';

function packageJson(path: string): { version?: string; dependencies?: Record<string, string> } {
  return JSON.parse(readFileSync(path, 'utf8')) as { version?: string; dependencies?: Record<string, string> };
}

describe("undici's Agent, imported from inside the package", () => {
  it('undici is pinned to one exact version, the one installed', () => {
    const pinned = packageJson(resolve(ROOT, 'package.json')).dependencies?.undici;
    const installed = packageJson(resolve(ROOT, 'node_modules/undici/package.json')).version;
    if (pinned === undefined || !/^\d+\.\d+\.\d+$/.test(pinned))
      throw new Error(`package.json must pin undici to an exact version (found ${pinned}): ${WHAT_TO_DO}`);
    if (pinned !== installed) throw new Error(`package.json pins undici ${pinned} but ${installed} is installed: run npm ci, then check: ${WHAT_TO_DO}`);
    expect(installed).toBe(pinned);
  });

  it(`${INTERNAL_PATH} still exports the Agent constructor undici's index exports`, async () => {
    expect(readFileSync(resolve(ROOT, 'lambdas/gateway/transport/upstream-http.ts'), 'utf8')).toContain(`import Agent from '${INTERNAL_PATH}';`);
    let internal: { default?: unknown };
    try {
      internal = (await import(INTERNAL_PATH)) as { default?: unknown };
    } catch (err) {
      throw new Error(`${INTERNAL_PATH} cannot be imported (${(err as Error).message}): ${WHAT_TO_DO}`);
    }
    const { Agent } = (await import('undici')) as { Agent: unknown };
    if (typeof internal.default !== 'function' || internal.default !== Agent) {
      throw new Error(`${INTERNAL_PATH} no longer exports undici's Agent constructor as its default: ${WHAT_TO_DO}`);
    }
    const agent = new (internal.default as typeof import('undici').Agent)({ headersTimeout: 0, bodyTimeout: 0 });
    expect(typeof agent.dispatch).toBe('function');
    await agent.close();
  });
});
