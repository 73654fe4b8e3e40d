import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { basename, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DashboardConfig } from '../../web/src/runtime-config.js';
import { DASHBOARD_HEADERS, dashboardCsp } from '../dashboard-headers.js';

/** The repository root, where web/ and the sources it imports live. */
const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const WEB_DIR = join(REPO, 'web');
/** web/vite.config.ts writes it: the project files the build was made from. */
const SOURCES_FILE = '.sources.json';
/** Besides the bundled files, what changes a build without being imported. */
const BUILD_INPUTS = ['web/vite.config.ts', 'package-lock.json'];

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** What the local gateway answers at `/config.json` (web/src/runtime-config.ts reads it). */
export type LocalDashboardConfig = Extract<DashboardConfig, { mode: 'local' }>;

/** Whether the build in `web/dist` is missing or older than any file it was made from. */
export async function webBuildIsStale(distDir = join(WEB_DIR, 'dist')): Promise<boolean> {
  const built = await stat(join(distDir, 'index.html')).catch(() => undefined);
  const listed = await readFile(join(distDir, SOURCES_FILE), 'utf8').then(
    (text) => JSON.parse(text) as string[],
    () => undefined,
  );
  if (!built || !listed) return true;
  for (const file of [...listed, ...BUILD_INPUTS]) {
    const source = await stat(join(REPO, file)).catch(() => undefined);
    // A deleted source means the imports changed: rebuild.
    if (!source || source.mtimeMs > built.mtimeMs) return true;
  }
  return false;
}

/** Builds the dashboard with Vite when the build is stale; `true` when it built. */
export async function ensureWebBuild(options: { quiet?: boolean } = {}): Promise<boolean> {
  if (!(await webBuildIsStale())) return false;
  if (!options.quiet) console.log('Building the dashboard (web/) …');
  // A process of its own: Vite's bundler stays out of the gateway's memory, and out of jest's module system in tests.
  const vite = spawn(
    process.execPath,
    [join(REPO, 'node_modules/vite/bin/vite.js'), 'build', '--config', join(WEB_DIR, 'vite.config.ts'), '--logLevel', 'warn'],
    {
      cwd: REPO,
      stdio: ['ignore', options.quiet ? 'ignore' : 'inherit', 'pipe'],
    },
  );
  let errors = '';
  vite.stderr.on('data', (chunk: Buffer) => {
    errors += chunk.toString();
    if (!options.quiet) process.stderr.write(chunk);
  });
  const [code] = (await once(vite, 'close')) as [number | null];
  if (code !== 0) throw new Error(`The dashboard's build failed (vite exited with ${code}): ${errors.trim().split('\n').slice(-5).join(' ')}`);
  return true;
}

export type StaticSite = (req: IncomingMessage, res: ServerResponse, path: string) => Promise<boolean>;

/**
 * Serves the built dashboard on the gateway's port: `/config.json` from `config`, a file from `web/dist` when one
 * matches, otherwise `index.html` (the app routes in the browser). Answers GET and HEAD only; `false` leaves the
 * request to the API's own 404.
 */
export function staticSite(config: LocalDashboardConfig, distDir = join(WEB_DIR, 'dist'), uploads: readonly string[] = []): StaticSite {
  const root = resolve(distDir);
  const headers = { ...DASHBOARD_HEADERS, 'content-security-policy': dashboardCsp([config.cognitoEndpoint], uploads) };
  const send = (req: IncomingMessage, res: ServerResponse, status: number, type: string, body: Buffer | string, cache: string) => {
    res.writeHead(status, { ...headers, 'content-type': type, 'cache-control': cache, 'content-length': Buffer.byteLength(body) });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  return async (req, res, path) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    if (path === '/config.json') {
      send(req, res, 200, CONTENT_TYPES['.json'] as string, JSON.stringify(config), 'no-store');
      return true;
    }
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return false;
    }
    const file = resolve(root, `.${decoded}`);
    const inside = file.startsWith(`${root}${sep}`);
    if (extname(file) !== '') {
      // A file's path that names nothing (or a dotfile, such as the build's source list) is the API's 404.
      const found = inside && !basename(file).startsWith('.') ? await readFile(file).catch(() => undefined) : undefined;
      if (!found) return false;
      // Vite names assets by content hash: they never change under one name.
      const cache = file.startsWith(join(root, 'assets') + sep) ? 'public, max-age=31536000, immutable' : 'no-cache';
      send(req, res, 200, CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', found, cache);
      return true;
    }
    // Any other path is one of the app's pages.
    const index = await readFile(join(root, 'index.html')).catch(() => undefined);
    if (!index) return false;
    send(req, res, 200, CONTENT_TYPES['.html'] as string, index, 'no-cache');
    return true;
  };
}
