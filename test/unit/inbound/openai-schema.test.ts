import { openaiSchemaErrors, expectValid } from '../../support/openai-schema.js';

/** The validator itself must be able to fail, or every "validates against OpenAI's schema" test proves nothing. */
describe('openai-schema validators', () => {
  const chunk = { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: 'x' }, finish_reason: null }] };

  it('accepts a minimal valid chunk, including nullable finish_reason', () => {
    expect(openaiSchemaErrors('chunk', chunk)).toEqual([]);
  });

  it('rejects a chunk with a wrong object type, a bad finish_reason or a missing field', () => {
    expect(openaiSchemaErrors('chunk', { ...chunk, object: 'chat.completion' })).not.toEqual([]);
    expect(openaiSchemaErrors('chunk', { ...chunk, choices: [{ ...chunk.choices[0], finish_reason: 'bored' }] })).not.toEqual([]);
    const { created: _created, ...noCreated } = chunk;
    expect(openaiSchemaErrors('chunk', noCreated)).not.toEqual([]);
  });

  it('follows $refs: an error body needs every field of Error', () => {
    expectValid('error', { error: { message: 'm', type: 't', param: null, code: null } });
    expect(openaiSchemaErrors('error', { error: { message: 'm', type: 't' } })).not.toEqual([]);
  });

  it('checks model lists and completions', () => {
    expectValid('models', { object: 'list', data: [{ id: 'a/b', object: 'model', created: 0, owned_by: 'o' }] });
    expect(openaiSchemaErrors('models', { object: 'list', data: [{ id: 'a/b', object: 'model' }] })).not.toEqual([]);
    expect(openaiSchemaErrors('completion', { id: 'x', object: 'chat.completion', created: 1, model: 'm', choices: [{}] })).not.toEqual([]);
    expect(() => expectValid('completion', {})).toThrow(/CreateChatCompletionResponse/);
  });
});
