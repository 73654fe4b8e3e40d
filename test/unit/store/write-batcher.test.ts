import { jest } from '@jest/globals';
import { createWriteBatcher, flushWriteBatchers, MAX_BATCH_ITEMS, MAX_IN_FLIGHT } from '../../../lambdas/store/write-batcher.js';

describe('write batcher', () => {
  it('writes at once, one item per call, when there is no window (as in a Lambda container)', async () => {
    const calls: number[][] = [];
    const add = createWriteBatcher<number>(async (items) => (calls.push(items), []), { windowMs: 0 });
    await add(1);
    await add(2);
    expect(calls).toEqual([[1], [2]]);
  });

  it('gathers writes within the window into batches of at most 25', async () => {
    const calls: number[][] = [];
    const add = createWriteBatcher<number>(async (items) => (calls.push(items), []), { windowMs: 20 });
    await Promise.all(Array.from({ length: 60 }, (_, i) => add(i)));
    expect(calls.flat()).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect(calls.every((c) => c.length <= MAX_BATCH_ITEMS)).toBe(true);
    expect(calls.length).toBeLessThanOrEqual(4);
  });

  it('keeps batches full under steady load: a partial batch waits for its window even while a call is in flight', async () => {
    jest.useFakeTimers();
    try {
      const calls: number[][] = [];
      // Each call takes longer than items take to trickle in, as a busy table would.
      const add = createWriteBatcher<number>(async (items) => (calls.push(items), await new Promise((r) => setTimeout(r, 4)), []), { windowMs: 30 });
      const writes: Promise<void>[] = [];
      // One item a millisecond (of jest's clock) for 100 ms.
      for (let i = 0; i < 100; i++) {
        writes.push(add(i));
        await jest.advanceTimersByTimeAsync(1);
      }
      await jest.advanceTimersByTimeAsync(100);
      await Promise.all(writes);
      expect(calls.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
      // Full batches, plus at most one partial batch per window the trickle lasted, and the last: never a call per trickle.
      expect(calls.length).toBeLessThanOrEqual(Math.ceil(100 / MAX_BATCH_ITEMS) + Math.ceil(100 / 30) + 1);
    } finally {
      jest.useRealTimers();
    }
  });

  it('keeps at most MAX_IN_FLIGHT calls open when the table is slower than the traffic, and loses nothing', async () => {
    let open = 0;
    let most = 0;
    const written: number[] = [];
    const add = createWriteBatcher<number>(
      async (items) => {
        most = Math.max(most, ++open);
        await new Promise((r) => setTimeout(r, 10));
        written.push(...items);
        open--;
        return [];
      },
      { windowMs: 5 },
    );
    await Promise.all(Array.from({ length: 500 }, (_, i) => add(i)));
    expect(most).toBe(MAX_IN_FLIGHT);
    expect(written.sort((a, b) => a - b)).toEqual(Array.from({ length: 500 }, (_, i) => i));
  });

  it('flushes what is queued at once when the process is stopping, and waits for the calls in flight', async () => {
    jest.useFakeTimers();
    try {
      const written: number[] = [];
      const add = createWriteBatcher<number>(async (items) => (await new Promise((r) => setTimeout(r, 5)), written.push(...items), []), { windowMs: 60_000 });
      const writes = Array.from({ length: 60 }, (_, i) => add(i));
      // Two full batches went at once; the last 10 would otherwise wait a minute for their window.
      let flushed = false;
      const flushing = flushWriteBatchers().then(() => (flushed = true));
      await jest.advanceTimersByTimeAsync(1_000);
      expect(flushed).toBe(true);
      expect(written.sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, i) => i));
      await flushing;
      await Promise.all(writes);
    } finally {
      jest.useRealTimers();
    }
  });

  it('retries unprocessed items and rejects the writes that never went through', async () => {
    let attempts = 0;
    const retried = createWriteBatcher<string>(async (items) => (++attempts === 1 ? items : []), { windowMs: 0 });
    await expect(retried('a')).resolves.toBeUndefined();
    expect(attempts).toBe(2);

    const failing = createWriteBatcher<string>(
      async () => {
        throw new Error('table unavailable');
      },
      { windowMs: 0 },
    );
    await expect(failing('b')).rejects.toThrow('table unavailable');
  });
});
