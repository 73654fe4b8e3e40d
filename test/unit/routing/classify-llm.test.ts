import { jest } from '@jest/globals';
import {
  BUILTIN_ROLE_SET,
  BUILTIN_ROLES,
  classifyWithLlm,
  type ClassifierMessage,
  type LlmClassifierOptions,
} from '../../../lambdas/routing/classify/index.js';
import type { Classification, RoutingRequest } from '../../../lambdas/routing/decision.js';
import { newCanary } from '../../support/canary.js';
import { routingRequest } from '../../fixtures/roles/labelled-sets.js';

const FALLBACK: Classification = { role: 'chat', confidence: 0.3, method: 'local' };
const request = routingRequest({ text: 'Write a function that parses ISO dates.', system: 'You are a helpful assistant.' });

function options(complete: LlmClassifierOptions['complete'], timeoutMs = 1_000) {
  const fallback = jest.fn((_request: RoutingRequest) => FALLBACK);
  return { complete, timeoutMs, fallback };
}
const answering = (answer: string) => jest.fn(async (_messages: readonly ClassifierMessage[], _signal: AbortSignal) => answer);

describe('classifyWithLlm', () => {
  it('answers the role the model names, with its confidence and method llm', async () => {
    const opts = options(answering('{"role":"coding","confidence":0.9}'));
    await expect(classifyWithLlm(request, BUILTIN_ROLE_SET, opts)).resolves.toEqual({ role: 'coding', confidence: 0.9, method: 'llm' });
    expect(opts.fallback).not.toHaveBeenCalled();
  });

  it.each([
    ['a code fence and chatter', 'Sure! Here is the classification:\n```json\n{ "role": "coding", "confidence": 0.8 }\n```\nHope this helps.', 0.8],
    ['a role in other case and spacing', '{"role": " Coding ", "confidence": "0.8"}', 0.8],
    ['no confidence (taken at even odds)', '{"role":"coding"}', 0.5],
    ['a confidence out of range (taken at even odds)', '{"role":"coding","confidence":90}', 0.5],
  ])('tolerates %s', async (_case, answer, confidence) => {
    await expect(classifyWithLlm(request, BUILTIN_ROLE_SET, options(answering(answer)))).resolves.toEqual({ role: 'coding', confidence, method: 'llm' });
  });

  it.each([
    ['an unknown role', '{"role":"poetry","confidence":0.9}'],
    ['bad JSON', '{"role": coding'],
    ['no JSON at all', 'coding'],
    ['JSON without a role', '{"label":"coding"}'],
    ['an empty answer', ''],
  ])('falls back to the local classifier on %s', async (_case, answer) => {
    const opts = options(answering(answer));
    await expect(classifyWithLlm(request, BUILTIN_ROLE_SET, opts)).resolves.toEqual(FALLBACK);
    expect(opts.fallback).toHaveBeenCalledWith(request, BUILTIN_ROLE_SET);
  });

  it('falls back when the call fails', async () => {
    const opts = options(async () => {
      throw new Error('upstream 500');
    });
    await expect(classifyWithLlm(request, BUILTIN_ROLE_SET, opts)).resolves.toEqual(FALLBACK);
  });

  describe("on the clock (jest's)", () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('aborts the call after timeoutMs and falls back', async () => {
      let seen: AbortSignal | undefined;
      const opts = options(
        (_messages, signal) =>
          new Promise<string>((_, reject) => {
            seen = signal;
            signal.addEventListener('abort', () => reject(new Error('aborted')));
          }),
        50,
      );
      const result = classifyWithLlm(request, BUILTIN_ROLE_SET, opts);
      await jest.advanceTimersByTimeAsync(49);
      expect(seen?.aborted).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      await expect(result).resolves.toEqual(FALLBACK);
      expect(seen?.aborted).toBe(true);
    });

    it('keeps its deadline even when the call ignores the signal', async () => {
      const opts = options(() => new Promise<string>(() => {}), 50);
      let settled = false;
      const result = classifyWithLlm(request, BUILTIN_ROLE_SET, opts).finally(() => (settled = true));
      await jest.advanceTimersByTimeAsync(49);
      expect(settled).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      await expect(result).resolves.toEqual(FALLBACK);
    });
  });

  it('makes no call for a request without user text', async () => {
    const complete = answering('{"role":"coding","confidence":1}');
    const empty: RoutingRequest = { ...request, body: { messages: [{ role: 'system', content: 'You are terse.' }] } };
    await expect(classifyWithLlm(empty, BUILTIN_ROLE_SET, options(complete))).resolves.toEqual(FALLBACK);
    expect(complete).not.toHaveBeenCalled();
  });

  it('asks with every role name and description, the system prompt as context, and a bounded last user turn', async () => {
    const complete = answering('{"role":"summarization","confidence":0.7}');
    const long = `Summarize this:\n${'lorem ipsum dolor sit amet '.repeat(2_000)}\nThe end.`;
    const custom = [...BUILTIN_ROLES, { name: 'legal', description: 'Contracts and liability.', examples: [], keywords: [] }];
    await classifyWithLlm(routingRequest({ text: long, system: 'You help lawyers.' }), { key: 'custom', roles: custom }, options(complete));
    const [messages] = complete.mock.calls[0]!;
    expect(messages.map((m) => m.role)).toEqual(['system', 'user']);
    for (const role of custom) expect(messages[0]!.content).toContain(`- ${role.name}: ${role.description.slice(0, 50)}`);
    expect(messages[1]!.content).toContain('You help lawyers.');
    expect(messages[1]!.content).toContain('Summarize this:');
    expect(messages[1]!.content).toContain('The end.');
    expect(messages[1]!.content.length).toBeLessThan(2_200);
  });

  it('P1: logs nothing and keeps nothing of the prompt, even from an error that quotes it', async () => {
    const canary = newCanary();
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) => jest.spyOn(console, level).mockImplementation(() => {}));
    try {
      const opts = options(async (messages) => {
        throw new Error(`provider refused: ${messages[1]!.content}`);
      });
      const result = await classifyWithLlm(routingRequest({ text: `Translate ${canary} into French.` }), BUILTIN_ROLE_SET, opts);
      expect(JSON.stringify(result)).not.toContain(canary);
      const success = await classifyWithLlm(
        routingRequest({ text: canary }),
        BUILTIN_ROLE_SET,
        options(answering(`{"role":"chat","confidence":1,"note":"${canary}"}`)),
      );
      expect(Object.keys(success).sort()).toEqual(['confidence', 'method', 'role']);
      expect(JSON.stringify(success)).not.toContain(canary);
      for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });
});
