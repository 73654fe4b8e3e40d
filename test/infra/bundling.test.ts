import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { ESBUILD_OPTIONS, ESM_REQUIRE_BANNER } from '../../lib/bundling.js';

const ROUTER = fileURLToPath(new URL('../../lambdas/handlers/chat-completions.ts', import.meta.url));

describe('shared esbuild options (as the benchmark uses them)', () => {
  it('bundle the router as minified ESM with the require banner, leaving @aws-sdk to the runtime, under 1 MB', async () => {
    const result = await build({ ...ESBUILD_OPTIONS, entryPoints: [ROUTER], outdir: '/bundle', write: false, metafile: true });
    const js = result.outputFiles.find((f) => f.path.endsWith('.js'))!;
    expect(result.outputFiles.some((f) => f.path.endsWith('.js.map'))).toBe(true);
    expect(js.text.startsWith(ESM_REQUIRE_BANNER)).toBe(true);
    expect(js.text).toMatch(/export\s*\{[^}]*\bas handler\b/);
    const bundled = Object.keys(result.metafile.inputs);
    expect(bundled.filter((p) => p.includes('node_modules/@aws-sdk/'))).toEqual([]);
    // The target for the router bundle.
    expect(js.contents.byteLength).toBeLessThanOrEqual(1024 * 1024);
  });
});
