import { jest } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalRuntime } from '../../lib/local/runtime.js';
import { signIn } from '../support/local-runtime.js';

jest.setTimeout(90_000);

describe('local runtime restarts (persist mode)', () => {
  it('keeps the user pool, app client and dev user across a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'roukey-restart-'));
    try {
      const first = await startLocalRuntime({ dataDir, persist: true, quiet: true });
      const before = first.config;
      await first.stop();

      const second = await startLocalRuntime({ dataDir, persist: true, quiet: true });
      try {
        expect(second.config.userPoolId).toBe(before.userPoolId);
        expect(second.config.userPoolClientId).toBe(before.userPoolClientId);
        expect(second.config.devUser).toEqual(before.devUser);
        // The recorded password still signs in against the restarted cognito-local.
        await expect(signIn(second.config)).resolves.toMatch(/^ey/);
      } finally {
        await second.stop();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
