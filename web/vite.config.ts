import { relative, resolve } from 'node:path';
import preact from '@preact/preset-vite';
import { defineConfig, type Plugin } from 'vite';

/** The name of the list of source files a build was made from (lib/local/web-site.ts rebuilds when one changes). */
export const SOURCES_FILE = '.sources.json';

/** Writes SOURCES_FILE into the build: every project file bundled, relative to the repository. */
function sourceList(): Plugin {
  const repo = resolve(import.meta.dirname, '..');
  return {
    name: 'roukey-source-list',
    apply: 'build',
    generateBundle() {
      const files = [...this.getModuleIds()]
        .filter((id) => !id.startsWith('\0') && !id.includes('/node_modules/') && !id.includes('?'))
        .map((id) => relative(repo, id))
        .sort();
      this.emitFile({ type: 'asset', fileName: SOURCES_FILE, source: JSON.stringify(files) });
    },
  };
}

/** Where `npm run web:dev` sends API calls and `/config.json`: the gateway `npm start` runs. */
const gateway = process.env.ROUKEY_GATEWAY ?? 'http://127.0.0.1:8787';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [preact(), sourceList()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The CSP allows no inline script: every script is a file.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  server: {
    // localhost, not 127.0.0.1: managed login's development callbacks (roukey:devCallbacks) name localhost:5173.
    host: 'localhost',
    port: 5173,
    strictPort: true,
    proxy: { '/v1': gateway, '/config.json': gateway },
  },
});
