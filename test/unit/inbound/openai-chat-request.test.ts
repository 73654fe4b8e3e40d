import { ApiError } from '../../../lambdas/http/errors.js';
import { parseChatRequest } from '../../../lambdas/inbound/openai/chat-request.js';

const valid = { model: 'work/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };
const parse = (body: unknown) => parseChatRequest(typeof body === 'string' ? body : JSON.stringify(body));

function rejection(body: unknown): ApiError {
  try {
    parse(body);
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

describe('parseChatRequest', () => {
  it('keeps model as sent: routing decides what it names (a target, a config, or anything under a bound config)', () => {
    expect(parse(valid)).toMatchObject({ model: 'work/gpt-4o-mini', stream: false, includeUsage: false });
    expect(parse({ ...valid, model: 'roukey/support-bot' }).model).toBe('roukey/support-bot');
    expect(parse({ ...valid, model: 'gpt-4o' }).model).toBe('gpt-4o');
  });

  it('reads an inline fallback list (models), with or without model', () => {
    expect(parse({ ...valid, models: ['a/x', 'b/y'] })).toMatchObject({ model: 'work/gpt-4o-mini', models: ['a/x', 'b/y'] });
    expect(parse({ messages: valid.messages, models: ['a/x'] })).toMatchObject({ model: '', models: ['a/x'] });
  });

  it('keeps unknown fields for passthrough', () => {
    const body = { ...valid, temperature: 0, tools: [{ type: 'function', function: { name: 'f' } }], x_future: { a: 1 } };
    expect(parse(body).body).toEqual(body);
  });

  it('reads stream and stream_options.include_usage', () => {
    expect(parse({ ...valid, stream: true, stream_options: { include_usage: true } })).toMatchObject({ stream: true, includeUsage: true });
    expect(parse({ ...valid, stream: true, stream_options: null })).toMatchObject({ stream: true, includeUsage: false });
  });

  it.each([
    ['not JSON', '{"model":', undefined],
    ['a JSON array', '[1]', undefined],
    ['no model', { messages: valid.messages }, 'model'],
    ['an empty model', { ...valid, model: '' }, 'model'],
    ['a model over 256 characters', { ...valid, model: 'x'.repeat(257) }, 'model'],
    ['models entries that name no target', { ...valid, models: ['gpt-4o'] }, 'models.0'],
    ['an empty models list', { ...valid, models: [] }, 'models'],
    ['a model that is not a string', { ...valid, model: 3 }, 'model'],
    ['no messages', { model: valid.model }, 'messages'],
    ['empty messages', { ...valid, messages: [] }, 'messages'],
    ['a message without role', { ...valid, messages: [{ content: 'x' }] }, 'messages.0.role'],
    ['stream not a boolean', { ...valid, stream: 'yes' }, 'stream'],
  ])('rejects %s with a 400 naming the field', (_name, body, param) => {
    const err = rejection(body);
    expect(err.status).toBe(400);
    expect(err.toBody().error.param).toBe(param ?? null);
    if (param) expect(err.message).toContain(param);
  });

  it('P1: a rejection never quotes the offending value', () => {
    const err = rejection({ ...valid, model: `CANARY-7f3a ${'prompt text '.repeat(30)}` });
    expect(JSON.stringify(err.toBody())).not.toContain('CANARY-7f3a');
  });
});
