import { exportDocumentText, type ExportSection } from '../../../lambdas/export/export-document.js';

async function collect(gen: AsyncIterable<string>): Promise<string[]> {
  const pieces: string[] = [];
  for await (const piece of gen) pieces.push(piece);
  return pieces;
}

async function* count(n: number, make: (i: number) => unknown): AsyncGenerator<unknown> {
  for (let i = 0; i < n; i++) yield make(i);
}

describe('the export document text', () => {
  it('is one JSON object: the header’s members, then each section in order, values and lists alike', async () => {
    const sections: ExportSection[] = [
      { name: 'profile', value: async () => ({ email: 'a@example.com', quote: 'say "hi"\n\u2028' }) },
      { name: 'empty', items: () => count(0, () => ({})) },
      { name: 'missing', value: async () => undefined },
      { name: 'requests', items: () => count(3, (i) => ({ i })) },
    ];
    const text = (await collect(exportDocumentText({ schemaVersion: '1.0.0', exportId: 'exp_1' }, sections))).join('');
    const doc = JSON.parse(text);
    expect(Object.keys(doc)).toEqual(['schemaVersion', 'exportId', 'profile', 'empty', 'missing', 'requests']);
    expect(doc).toEqual({
      schemaVersion: '1.0.0',
      exportId: 'exp_1',
      profile: { email: 'a@example.com', quote: 'say "hi"\n\u2028' },
      empty: [],
      missing: null,
      requests: [{ i: 0 }, { i: 1 }, { i: 2 }],
    });
  });

  it('works without a header', async () => {
    const text = (await collect(exportDocumentText({}, [{ name: 'a', items: () => count(2, (i) => i) }]))).join('');
    expect(JSON.parse(text)).toEqual({ a: [0, 1] });
  });

  it('hands text on in bounded pieces while a long list is still being read, never the whole document at once', async () => {
    let read = 0;
    const big = 'x'.repeat(200);
    const pieces: string[] = [];
    const readWhenYielded: number[] = [];
    const gen = exportDocumentText({ v: 1 }, [
      {
        name: 'requests',
        items: () =>
          count(20_000, (i) => {
            read = i + 1;
            return { i, big };
          }),
      },
    ]);
    for await (const piece of gen) {
      pieces.push(piece);
      readWhenYielded.push(read);
    }
    expect(pieces.length).toBeGreaterThan(20);
    // The first piece left before most records were read: pieces are produced as the list goes.
    expect(readWhenYielded[0]).toBeLessThan(1_000);
    // No piece is much bigger than the piece size (64 Ki characters) plus one record.
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(64 * 1024 + 400);
    expect(JSON.parse(pieces.join('')).requests).toHaveLength(20_000);
  });

  it('reports progress per piece and per section, by the sections done and the position within a list, below 100', async () => {
    const reports: number[] = [];
    const sections: ExportSection[] = [
      { name: 'profile', value: async () => ({}) },
      { name: 'requests', items: () => count(10_000, (i) => ({ i, pad: 'y'.repeat(100) })), position: (item) => (item as { i: number }).i / 10_000 },
    ];
    await collect(exportDocumentText({}, sections, (p) => reports.push(p)));
    expect(reports[0]).toBe(50);
    // Within the list: between 50 and 99, never going back, far fewer reports than records.
    expect(reports.length).toBeGreaterThan(3);
    expect(reports.length).toBeLessThan(100);
    expect([...reports].sort((a, b) => a - b)).toEqual(reports);
    expect(Math.max(...reports)).toBe(99);
  });

  it('fails when a section fails, so no partial document is taken for a whole one', async () => {
    async function* broken(): AsyncGenerator<unknown> {
      yield { ok: true };
      throw new Error('DynamoDB unavailable');
    }
    await expect(collect(exportDocumentText({}, [{ name: 'requests', items: broken }]))).rejects.toThrow('DynamoDB unavailable');
  });
});
