import { readFileSync } from 'node:fs';
import { CONTEXT_KEYS } from '../../lib/stack-config.js';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('operator settings are documented where operators look', () => {
  const reference = read('docs/configuration.md');
  const readme = read('README.md');

  it.each(Object.values(CONTEXT_KEYS))('%s has a row in docs/configuration.md and is named in the README', (key) => {
    expect(reference).toContain(`| \`${key}\` |`);
    expect(readme).toContain(`\`${key}\``);
  });

  it('docs/configuration.md names no key the stack does not read', () => {
    const documented = [...reference.matchAll(/^\| `(roukey:[A-Za-z]+)` \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.values(CONTEXT_KEYS).sort());
  });
});
