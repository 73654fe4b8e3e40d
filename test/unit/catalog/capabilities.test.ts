import { checkCapabilities, checkModelKind, requiredCapabilities } from '../../../lambdas/catalog/capabilities.js';
import { catalogEntry, modelKindOfId } from '../../../lambdas/catalog/catalog-entry.js';
import { ApiError } from '../../../lambdas/http/errors.js';

const NONE = { tools: false, vision: false, jsonSchema: false, reasoning: false };
const text = { model: 'k/m', messages: [{ role: 'user', content: 'hello' }] };
const image = {
  role: 'user',
  content: [
    { type: 'text', text: 'what is this?' },
    { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
  ],
};
const tool = { type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } };

describe('requiredCapabilities', () => {
  it('asks nothing of a plain text request', () => {
    expect(requiredCapabilities(text)).toEqual(NONE);
  });

  it('reads each capability from its field', () => {
    expect(requiredCapabilities({ ...text, messages: [{ role: 'system', content: 'be brief' }, image] })).toEqual({ ...NONE, vision: true });
    expect(requiredCapabilities({ ...text, tools: [tool] })).toEqual({ ...NONE, tools: true });
    expect(requiredCapabilities({ ...text, functions: [tool.function] })).toEqual({ ...NONE, tools: true });
    expect(requiredCapabilities({ ...text, response_format: { type: 'json_schema', json_schema: { name: 's', schema: {} } } })).toEqual({
      ...NONE,
      jsonSchema: true,
    });
    expect(requiredCapabilities({ ...text, reasoning_effort: 'low' })).toEqual({ ...NONE, reasoning: true });
  });

  it('does not count what asks for nothing', () => {
    expect(requiredCapabilities({ ...text, tools: [], reasoning_effort: null, response_format: { type: 'json_object' } })).toEqual(NONE);
    expect(requiredCapabilities({ ...text, messages: [{ role: 'user', content: [{ type: 'text', text: 'image_url' }] }] })).toEqual(NONE);
    expect(requiredCapabilities({ messages: 'not an array', response_format: 'json_schema' })).toEqual(NONE);
  });
});

describe('checkCapabilities', () => {
  const textOnly = catalogEntry('deepseek', 'deepseek-chat')!;
  const everything = catalogEntry('openai', 'gpt-5')!;

  it('passes a request the model supports', () => {
    expect(checkCapabilities({ tools: true, vision: true, jsonSchema: true, reasoning: true }, everything)).toBeUndefined();
    expect(checkCapabilities({ ...NONE, tools: true }, textOnly)).toBeUndefined();
  });

  it('passes any request to a model the catalog does not know', () => {
    expect(checkCapabilities({ tools: true, vision: true, jsonSchema: true, reasoning: true }, undefined)).toBeUndefined();
  });

  it.each([
    ['vision', 'messages'],
    ['jsonSchema', 'response_format'],
    ['reasoning', 'reasoning_effort'],
  ] as const)('refuses %s with a 400 naming %s', (capability, param) => {
    const error = checkCapabilities({ ...NONE, [capability]: true }, textOnly);
    expect(error).toBeInstanceOf(ApiError);
    expect(error!.status).toBe(400);
    expect(error!.toBody().error).toMatchObject({ type: 'invalid_request_error', param, code: 'unsupported_capability' });
    expect(error!.message).toContain('deepseek-chat');
  });

  it('refuses tools naming the tools field', () => {
    const noTools = { ...textOnly, capabilities: { ...textOnly.capabilities, tools: false } };
    expect(checkCapabilities({ ...NONE, tools: true }, noTools)?.toBody().error.param).toBe('tools');
  });

  it('names the same first field every time (images before the rest)', () => {
    const error = checkCapabilities({ tools: false, vision: true, jsonSchema: true, reasoning: true }, textOnly);
    expect(error?.toBody().error.param).toBe('messages');
  });

  it('P1: the refusal quotes no request content', () => {
    const canary = 'CANARY-7f3a';
    const body = {
      ...text,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: canary },
            { type: 'image_url', image_url: { url: `https://x/${canary}.png` } },
          ],
        },
      ],
    };
    const error = checkCapabilities(requiredCapabilities(body), textOnly);
    expect(error).toBeDefined();
    expect(JSON.stringify(error!.toBody())).not.toContain(canary);
  });
});

describe('model kinds', () => {
  it('knows embedding models from chat models, by entry and by id whatever the provider', () => {
    expect(modelKindOfId('text-embedding-3-small')).toBe('embedding');
    expect(modelKindOfId('amazon.titan-embed-text-v2:0')).toBe('embedding');
    expect(modelKindOfId('gpt-4o-mini-2024-07-18')).toBe('chat');
    expect(modelKindOfId('my-own-model')).toBeUndefined();
  });

  it('refuses a request sent to the other kind of model with a 400 naming model; unknown models pass', () => {
    expect(checkModelKind('chat', catalogEntry('openai', 'text-embedding-3-large'))).toMatchObject({
      status: 400,
      options: { param: 'model', code: 'wrong_model_kind' },
    });
    expect(checkModelKind('embedding', catalogEntry('openai', 'gpt-4o-mini'))).toMatchObject({ status: 400, options: { code: 'wrong_model_kind' } });
    expect(checkModelKind('embedding', catalogEntry('google', 'gemini-embedding-001'))).toBeUndefined();
    expect(checkModelKind('embedding', undefined)).toBeUndefined();
  });
});
