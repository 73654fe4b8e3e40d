import { jest } from '@jest/globals';
import { PassThrough } from 'node:stream';
import { HeldStream } from '../../../lambdas/gateway/transport/held-stream.js';

function opener() {
  const out = new PassThrough();
  const written: string[] = [];
  out.on('data', (chunk: Buffer) => written.push(chunk.toString()));
  const open = jest.fn(() => out);
  return { out, written, open };
}

const ticks = () => new Promise((resolve) => setImmediate(resolve));

describe('HeldStream: an answer held until whole keeps its client connected', () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate'] }));
  afterEach(() => jest.useRealTimers());

  it('a quick answer sends nothing before it is released, so a failure can still be an error status', async () => {
    const { open, written } = opener();
    const held = new HeldStream(open, 1_000);
    jest.advanceTimersByTime(999);
    expect(held.opened).toBe(false);
    expect(open).not.toHaveBeenCalled();
    held.release().write('answer');
    await ticks();
    expect(open).toHaveBeenCalledTimes(1);
    expect(written).toEqual(['answer']);
  });

  it('a slow answer opens the stream and sends an SSE comment each interval, and none after release', async () => {
    const { open, written } = opener();
    const held = new HeldStream(open, 1_000);
    jest.advanceTimersByTime(3_000);
    await ticks();
    expect(held.opened).toBe(true);
    expect(written).toEqual([': keep-alive\n\n', ': keep-alive\n\n', ': keep-alive\n\n']);
    held.release().write('answer');
    jest.advanceTimersByTime(5_000);
    await ticks();
    expect(open).toHaveBeenCalledTimes(1);
    expect(written.slice(3)).toEqual(['answer']);
  });

  it('stop() ends the comments without opening anything', async () => {
    const { open } = opener();
    new HeldStream(open, 1_000).stop();
    jest.advanceTimersByTime(5_000);
    await ticks();
    expect(open).not.toHaveBeenCalled();
  });

  it('a client that has gone does not make a comment throw', async () => {
    const { open, out } = opener();
    out.destroy();
    const held = new HeldStream(open, 1_000);
    jest.advanceTimersByTime(1_000);
    await ticks();
    expect(held.opened).toBe(true);
    held.stop();
  });
});
