import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * Dependencies point one way, read from the import statements of every file in lambdas/: a new import that
 * points the wrong way fails here, naming the file and what it imports.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const LAMBDAS = join(ROOT, 'lambdas');

/** Every relative import (static, re-export, dynamic) of every TypeScript file under lambdas/, as repository paths. */
function imports(): { file: string; target: string }[] {
  const found: { file: string; target: string }[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) {
        const text = readFileSync(path, 'utf8');
        for (const match of text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)'(\.{1,2}\/[^']+)'/g)) {
          found.push({ file: relative(ROOT, path), target: relative(ROOT, resolve(dirname(path), match[1] ?? '')) });
        }
      }
    }
  };
  walk(LAMBDAS);
  return found;
}

const ALL = imports();

/** The imports from files under `from` of anything under one of `forbidden` (repository paths). */
function violations(from: string, forbidden: readonly string[]): string[] {
  return ALL.filter(({ file, target }) => file.startsWith(`${from}/`) && forbidden.some((f) => target === f || target.startsWith(`${f}/`))).map(
    ({ file, target }) => `${file} imports ${target}`,
  );
}

describe('dependency directions in lambdas/', () => {
  it('reads the imports (the check below is not vacuous)', () => {
    expect(ALL.length).toBeGreaterThan(500);
    expect(ALL).toContainEqual({ file: 'lambdas/handlers/chat-completions.ts', target: 'lambdas/gateway/container.js' });
  });

  it('provider adapters import nothing from the router: their contract (providers/types.ts) is theirs', () => {
    expect(violations('lambdas/providers', ['lambdas/gateway', 'lambdas/inbound', 'lambdas/handlers', 'lambdas/routing'])).toEqual([]);
  });

  it('the routing engine is pure: nothing from providers, the gateway, the front ends or the store', () => {
    expect(violations('lambdas/routing', ['lambdas/providers', 'lambdas/gateway', 'lambdas/inbound', 'lambdas/handlers', 'lambdas/store'])).toEqual([]);
  });

  it('the gateway (engine and transport) knows nothing of the front ends that call it', () => {
    expect(violations('lambdas/gateway', ['lambdas/inbound', 'lambdas/handlers'])).toEqual([]);
  });

  it('the transport knows nothing of the engine that uses it', () => {
    expect(violations('lambdas/gateway/transport', ['lambdas/gateway/engine'])).toEqual([]);
  });

  it('nothing in lambdas/ imports from outside it (lib/, bin/, bench/, test/): it does not know which runtime it is in', () => {
    expect(ALL.filter(({ target }) => !target.startsWith('lambdas/')).map(({ file, target }) => `${file} imports ${target}`)).toEqual([]);
  });
});
