import { jest } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startLocalRuntime } from '../../lib/local/runtime.js';
import { signIn } from '../support/local-runtime.js';

jest.setTimeout(90_000);

describe('local runtime restarts (persist mode)', () => {
  it('keeps the user pool, app client and dev user across a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'roukey-restart-'));
    try {
      const coldStart = performance.now();
      const first = await startLocalRuntime({ dataDir, persist: true, quiet: true });
      const coldMs = performance.now() - coldStart;
      const before = first.config;
      await first.stop();

      const warmStart = performance.now();
      const second = await startLocalRuntime({ dataDir, persist: true, quiet: true });
      const warmMs = performance.now() - warmStart;
      try {
        expect(second.config.userPoolId).toBe(before.userPoolId);
        expect(second.config.userPoolClientId).toBe(before.userPoolClientId);
        expect(second.config.devUser).toEqual(before.devUser);
        // The recorded password still signs in against the restarted cognito-local.
        await expect(signIn(second.config)).resolves.toMatch(/^ey/);
      } finally {
        await second.stop();
      }
      process.stdout.write(`local runtime startup: cold ${coldMs.toFixed(0)} ms, warm ${warmMs.toFixed(0)} ms\n`);
      expect(warmMs).toBeLessThan(30_000);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
