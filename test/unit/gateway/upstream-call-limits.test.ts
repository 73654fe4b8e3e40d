import { jest } from '@jest/globals';
import { AbortSwitch } from '../../../lambdas/gateway/transport/abort-switch.js';
import { UpstreamCall, type CallLimits } from '../../../lambdas/gateway/transport/upstream-call.js';
import type { UpstreamError } from '../../../lambdas/providers/types.js';

/** What the call says an error met while reading means: its time limit, once one has cut it. */
const verdict = (call: UpstreamCall) => (call.classify(new Error('read failed')) as UpstreamError).failure;

beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
afterEach(() => jest.useRealTimers());

function call(limits: Partial<CallLimits>): UpstreamCall {
  return new UpstreamCall(new AbortSwitch(), { startMs: 1_000, idleMs: 100, deadline: Date.now() + 60_000, answerBytes: 1024, ...limits });
}

describe('UpstreamCall time limits', () => {
  it('before the answer starts, the start limit cuts the call', () => {
    const c = call({});
    jest.advanceTimersByTime(999);
    expect(verdict(c)).toEqual({ kind: 'network' });
    jest.advanceTimersByTime(1);
    expect(verdict(c)).toEqual({ kind: 'timeout' });
    c.close();
  });

  it('once started, only time spent waiting for the upstream counts toward the idle timeout (a slow client does not)', () => {
    const c = call({});
    c.streamStarted();
    jest.advanceTimersByTime(500); // the reader is busy writing to the client
    expect(verdict(c)).toEqual({ kind: 'network' });
    c.awaitingChunk();
    jest.advanceTimersByTime(99);
    expect(verdict(c)).toEqual({ kind: 'network' });
    jest.advanceTimersByTime(1);
    expect(verdict(c)).toEqual({ kind: 'timeout', limit: 'idle' });
    c.close();
  });

  it('each chunk restarts the idle clock; the timer is re-armed once per idle period, not once per chunk', () => {
    const setTimeoutSpy = jest.spyOn(globalThis, 'setTimeout');
    const c = call({});
    c.streamStarted();
    for (let i = 0; i < 1_000; i++) {
      c.awaitingChunk();
      jest.advanceTimersByTime(i % 100 === 0 ? 99 : 10);
      c.chunkArrived();
    }
    expect(verdict(c)).toEqual({ kind: 'network' });
    // About 11 s of chunks at an idle timeout of 100 ms: a timer every 100 ms or so, not one per chunk.
    expect(setTimeoutSpy.mock.calls.length).toBeLessThan(200);
    c.awaitingChunk();
    jest.advanceTimersByTime(100);
    expect(verdict(c)).toEqual({ kind: 'timeout', limit: 'idle' });
    c.close();
    setTimeoutSpy.mockRestore();
  });

  it("the request's deadline cuts the call before its start limit and during a stream that never idles", () => {
    const early = call({ deadline: Date.now() + 300 });
    jest.advanceTimersByTime(300);
    expect(verdict(early)).toEqual({ kind: 'timeout', limit: 'duration' });
    early.close();

    const busy = call({ deadline: Date.now() + 5_000 });
    busy.streamStarted();
    for (let t = 0; t < 4_990; t += 10) {
      busy.awaitingChunk();
      jest.advanceTimersByTime(10);
      busy.chunkArrived();
    }
    expect(verdict(busy)).toEqual({ kind: 'network' });
    jest.advanceTimersByTime(10);
    expect(verdict(busy)).toEqual({ kind: 'timeout', limit: 'duration' });
    busy.close();
  });
});
