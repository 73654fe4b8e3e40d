import { AbortSwitch } from '../../../lambdas/gateway/transport/abort-switch.js';

describe('AbortSwitch: the client signal of a request and of each upstream call', () => {
  it('runs each listener once, skips removed ones, and stays aborted', () => {
    const signal = new AbortSwitch();
    const calls: string[] = [];
    const kept = () => calls.push('kept');
    const removed = () => calls.push('removed');
    signal.addEventListener('abort', kept);
    signal.addEventListener('abort', removed);
    signal.removeEventListener('abort', removed);
    signal.abort();
    signal.abort();
    expect(signal.aborted).toBe(true);
    expect(calls).toEqual(['kept']);
    // A listener added after the abort is not called: callers check `aborted` first, as with AbortSignal.
    signal.addEventListener('abort', kept);
    expect(calls).toEqual(['kept']);
  });

  it('gives a real AbortSignal that aborts with it, made before or after the abort', () => {
    const before = new AbortSwitch();
    const early = before.asAbortSignal();
    expect(early.aborted).toBe(false);
    before.abort();
    expect(early.aborted).toBe(true);

    const after = new AbortSwitch();
    after.abort();
    expect(after.asAbortSignal().aborted).toBe(true);
  });

  it('combines with other signals where an API wants AbortSignals (the role classifier)', () => {
    const client = new AbortSwitch();
    const timeout = new AbortController();
    const either = AbortSignal.any([timeout.signal, client.asAbortSignal()]);
    client.abort();
    expect(either.aborted).toBe(true);
  });
});
