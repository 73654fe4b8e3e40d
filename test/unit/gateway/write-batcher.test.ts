import { createWriteBatcher, MAX_BATCH_ITEMS } from '../../../lambdas/store/write-batcher.js';

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

  it('retries unprocessed items and rejects the writes that never went through', async () => {
    let attempts = 0;
    const retried = createWriteBatcher<string>(async (items) => (++attempts === 1 ? items : []), { windowMs: 0 });
    await expect(retried('a')).resolves.toBeUndefined();
    expect(attempts).toBe(2);

    const failing = createWriteBatcher<string>(async () => {
      throw new Error('table unavailable');
    }, { windowMs: 0 });
    await expect(failing('b')).rejects.toThrow('table unavailable');
  });
});
