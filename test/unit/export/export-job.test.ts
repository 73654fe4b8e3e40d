import { gunzipSync } from 'node:zlib';
import type { Readable } from 'node:stream';
import { createExportJob } from '../../../lambdas/export/export-job.js';
import type { ExportSection } from '../../../lambdas/export/export-document.js';
import type { ExportFiles, ExportState, ExportStatus, ExportStatusStore } from '../../../lambdas/export/ports.js';

/** Status items in memory, with every write kept in order. */
function memoryStatuses(initial: ExportStatus = 'queued') {
  const writes: { status: ExportStatus; progress: number; sizeBytes?: number }[] = [];
  let state: ExportState = { exportId: 'exp_1', status: initial, progress: 0, createdAt: '2026-12-01T00:00:00.000Z' };
  let released = 0;
  const store: ExportStatusStore = {
    start: async () => undefined,
    get: async () => state,
    async update(_a, _e, change) {
      if (state.status === 'ready') return false;
      writes.push(change);
      state = { ...state, ...change };
      return true;
    },
    release: async () => void released++,
  };
  return { store, writes, released: () => released };
}

function memoryFiles() {
  const files = new Map<string, Buffer>();
  const impl: ExportFiles = {
    async write(key, body: Readable) {
      const chunks: Buffer[] = [];
      for await (const chunk of body) chunks.push(chunk as Buffer);
      const file = Buffer.concat(chunks);
      files.set(key, file);
      return { sizeBytes: file.length };
    },
    downloadUrl: async () => 'http://example.invalid',
  };
  return { impl, files };
}

async function* records(n: number): AsyncGenerator<unknown> {
  for (let i = 0; i < n; i++) yield { requestId: `r${i}`, pad: 'z'.repeat(100) };
}

describe('the export job', () => {
  it('writes the gzipped document under exports/<account>/<export>.json.gz, status running then ready with its size, and frees the slot', async () => {
    const statuses = memoryStatuses();
    const files = memoryFiles();
    let clock = 0;
    const sections = (): ExportSection[] => [
      { name: 'profile', value: async () => ({ accountId: 'acc_1' }) },
      // Each record moves the clock, so progress is due several times along the list.
      {
        name: 'requests',
        items: async function* () {
          for await (const r of records(20_000)) {
            clock += 1;
            yield r;
          }
        },
      },
    ];
    const job = createExportJob({ statuses: statuses.store, files: files.impl, sections, now: () => clock, progressIntervalMs: 2_000 });
    await job.run('acc_1', 'exp_1');

    const file = files.files.get('exports/acc_1/exp_1.json.gz');
    expect(file).toBeDefined();
    const doc = JSON.parse(gunzipSync(file as Buffer).toString('utf8'));
    expect(doc).toMatchObject({ schemaVersion: '1.0.0', exportId: 'exp_1', accountId: 'acc_1', profile: { accountId: 'acc_1' } });
    expect(doc.requests).toHaveLength(20_000);
    const { writes } = statuses;
    expect(writes[0]).toEqual({ status: 'running', progress: 0 });
    expect(writes.at(-1)).toEqual({ status: 'ready', progress: 100, sizeBytes: (file as Buffer).length });
    // Progress as it goes, a handful of writes rather than one per record.
    const running = writes.filter((w) => w.status === 'running');
    expect(running.length).toBeGreaterThan(2);
    expect(running.length).toBeLessThan(50);
    expect(statuses.released()).toBe(1);
  });

  it('does nothing for an export already ready (a redelivered event)', async () => {
    const statuses = memoryStatuses('ready');
    const files = memoryFiles();
    await createExportJob({ statuses: statuses.store, files: files.impl, sections: () => [] }).run('acc_1', 'exp_1');
    expect(files.files.size).toBe(0);
    expect(statuses.writes).toEqual([]);
  });

  it('marks the export failed, frees the slot and throws (so the event is retried) when a read fails', async () => {
    const statuses = memoryStatuses();
    const files = memoryFiles();
    const sections = (): ExportSection[] => [
      {
        name: 'requests',
        items: async function* () {
          yield* records(10);
          throw new Error('ProvisionedThroughputExceededException');
        },
      },
    ];
    await expect(createExportJob({ statuses: statuses.store, files: files.impl, sections }).run('acc_1', 'exp_1')).rejects.toThrow(
      'ProvisionedThroughputExceededException',
    );
    expect(statuses.writes.at(-1)?.status).toBe('failed');
    expect(statuses.released()).toBe(1);
  });
});
