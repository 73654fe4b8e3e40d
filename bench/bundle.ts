import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { ESBUILD_OPTIONS } from '../lib/bundling.js';
import { HANDLER_MODULES } from '../lib/local/handler-modules.js';
import type { LocalRuntimeOptions } from '../lib/local/runtime.js';
import { percentile } from './load.js';

/** Bundles the router exactly as `cdk deploy` does; returns the bundle's path. */
export async function buildRouterBundle(outDir: string): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  const outfile = resolve(join(outDir, 'router.mjs'));
  await build({ ...ESBUILD_OPTIONS, entryPoints: ['lambdas/handlers/chat-completions.ts'], outfile, logLevel: 'silent' });
  return outfile;
}

/**
 * The local runtime's handler modules with `POST /v1/chat/completions` served from the router's deploy bundle:
 * the bench measures the code Lambda runs, not tsx's transform of the sources (which, keeping function names,
 * adds an `Object.defineProperty` to every closure the hot path makes: about 2% of the serving thread's CPU).
 * The bundle has its own copy of the router's container; the local server hands it the writer thread's activity
 * writer through the bundle's `composeGateway` export, as it does the source modules.
 */
export function servingRouterBundle(outfile: string): NonNullable<LocalRuntimeOptions['handlerModules']> {
  return { ...HANDLER_MODULES, 'chat-completions': () => import(pathToFileURL(outfile).href) };
}

/**
 * The bundle's minified size and its cold import time in fresh Node processes (module evaluation only: what a
 * Lambda cold start adds on top of the runtime's own).
 */
export async function measureRouterBundle(outfile: string): Promise<{ bytes: number; coldImportMs: number }> {
  const script = [
    'globalThis.awslambda = { streamifyResponse: (h) => h, HttpResponseStream: { from: (s) => s } };',
    'const t = performance.now();',
    `await import(${JSON.stringify(pathToFileURL(outfile).href)});`,
    'console.log(performance.now() - t);',
  ].join('\n');
  const env = { ...process.env, TABLE_ACCOUNTS: 'a', TABLE_ACTIVITY: 'b', TABLE_USAGE: 'c', TABLE_LIMITS: 'd', TABLE_LEDGER: 'e', KMS_KEY_ID: 'k' };
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env });
    if (run.status !== 0) throw new Error(`router bundle failed to import: ${run.stderr}`);
    times.push(Number(run.stdout.trim()));
  }
  return { bytes: statSync(outfile).size, coldImportMs: percentile(times, 50) };
}
