import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AccessTokenVerifier } from '../../lambdas/auth/access-token-verifier.js';
import { startLocalServer, type LocalServer } from '../../lib/local/server.js';
import { staticSite, webBuildIsStale, type LocalDashboardConfig } from '../../lib/local/web-site.js';

/** `npm start` serves the dashboard's build beside the API: files, the app's pages, its config, its headers. */
const CONFIG: LocalDashboardConfig = {
  mode: 'local',
  apiUrl: '',
  region: 'local',
  userPoolId: 'local_pool',
  clientId: 'client',
  cognitoEndpoint: 'http://127.0.0.1:9229',
};
const verifier: AccessTokenVerifier = { verify: async () => undefined };
let dist: string;
let server: LocalServer;

beforeAll(async () => {
  dist = await mkdtemp(join(tmpdir(), 'roukey-web-'));
  await mkdir(join(dist, 'assets'));
  await writeFile(join(dist, 'index.html'), '<!doctype html><title>RouKey</title>');
  await writeFile(join(dist, 'assets', 'index-abc.js'), 'console.log(1)');
  await writeFile(join(dist, '.sources.json'), '["web/src/main.tsx"]');
  server = await startLocalServer({ verifier, site: staticSite(CONFIG, dist), quiet: true });
});

afterAll(async () => {
  await server?.close();
  await rm(dist, { recursive: true, force: true });
});

const get = (path: string, init?: RequestInit) => fetch(`${server.url}${path}`, init);

describe('the dashboard on the local gateway', () => {
  it('serves index.html at / and at every page path, with the CSP (no inline script), no framing and no referrer', async () => {
    for (const path of ['/', '/configs/support-bot', '/auth/callback?code=x']) {
      const res = await get(path);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('<title>RouKey</title>');
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self';");
      expect(csp).toContain(`connect-src 'self' ${CONFIG.cognitoEndpoint}`);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
  });

  it('serves hashed assets as immutable, and /config.json from the runtime', async () => {
    const asset = await get('/assets/index-abc.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const config = await get('/config.json');
    expect(config.headers.get('cache-control')).toBe('no-store');
    expect(await config.json()).toEqual(CONFIG);
  });

  it("leaves the API's paths, other methods, missing files, dotfiles and paths outside the build to the API's 404", async () => {
    for (const [path, init] of [
      ['/v1/nope', undefined],
      ['/v1', undefined],
      ['/oidc/github/nope', undefined],
      ['/', { method: 'POST', body: '{}' }],
      ['/assets/missing.js', undefined],
      ['/.sources.json', undefined],
      ['/..%2foutside.js', undefined],
    ] as const) {
      const res = await get(path, init);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
      expect((await res.json()).error.type).toBe('invalid_request_error');
    }
  });

  it('the build is stale when missing or older than a source it lists, fresh otherwise', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'roukey-web-empty-'));
    expect(await webBuildIsStale(empty)).toBe(true);
    await rm(empty, { recursive: true });
    const listed = join(dist, '.sources.json');
    await writeFile(listed, JSON.stringify(['web/index.html']));
    const future = new Date(Date.now() + 60_000);
    await utimes(join(dist, 'index.html'), future, future);
    expect(await webBuildIsStale(dist)).toBe(false);
    await writeFile(listed, JSON.stringify(['web/index.html', 'web/src/no-such-file.ts']));
    expect(await webBuildIsStale(dist)).toBe(true);
    const past = new Date(0);
    await writeFile(listed, JSON.stringify(['web/index.html']));
    await utimes(join(dist, 'index.html'), past, past);
    expect(await webBuildIsStale(dist)).toBe(true);
  });
});
