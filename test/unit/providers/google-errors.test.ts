import { google } from '../../../lambdas/providers/google/index.js';
import { upstreamFailureToApiError } from '../../../lambdas/gateway/client-errors.js';
import { fixedResponse } from '../../fakes/google-upstream.js';

const googleError = (code: number, status: string, message: string, details?: unknown[]) => ({
  error: { code, message, status, ...(details ? { details } : {}) },
});

describe('google adapter: errors', () => {
  it('reads {error:{code,message,status}} into an http failure with the HTTP status and message', async () => {
    const failure = await google.readFailure(fixedResponse(400, googleError(400, 'INVALID_ARGUMENT', 'Invalid value at generation_config.top_p.')));
    expect(failure).toEqual({ kind: 'http', status: 400, message: 'Invalid value at generation_config.top_p.', retryAfter: undefined });
    expect(upstreamFailureToApiError(failure).status).toBe(400);
  });

  it('treats 400 API_KEY_INVALID as an authentication failure (424 through the gateway)', async () => {
    const body = googleError(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
      { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' },
    ]);
    const failure = await google.readFailure(fixedResponse(400, body));
    expect(failure).toMatchObject({ kind: 'http', status: 401 });
    expect(upstreamFailureToApiError(failure)).toMatchObject({ status: 424, kind: 'provider_auth_failed' });
  });

  it('keeps a 403 PERMISSION_DENIED an authentication failure', async () => {
    const failure = await google.readFailure(fixedResponse(403, googleError(403, 'PERMISSION_DENIED', 'Permission denied.')));
    expect(upstreamFailureToApiError(failure).status).toBe(424);
  });

  it('keeps 429 RESOURCE_EXHAUSTED with its Retry-After header, or the RetryInfo delay when there is none', async () => {
    const body = googleError(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded.', [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '36.2s' }]);
    const withHeader = await google.readFailure(fixedResponse(429, body, { 'retry-after': '12' }));
    expect(withHeader).toMatchObject({ status: 429, retryAfter: '12' });
    const fromDetails = await google.readFailure(fixedResponse(429, body));
    expect(fromDetails).toMatchObject({ status: 429, retryAfter: '37' });
    const apiError = upstreamFailureToApiError(fromDetails);
    expect(apiError.status).toBe(429);
    expect(apiError.headers['retry-after']).toBe('37');
  });

  it.each([500, 503, 504])('maps %i to 502', async (status) => {
    const failure = await google.readFailure(fixedResponse(status, googleError(status, 'INTERNAL', 'Internal error.')));
    expect(failure).toMatchObject({ kind: 'http', status });
    expect(upstreamFailureToApiError(failure).status).toBe(502);
  });

  it("falls back to the status alone when the body is not Google's error shape", async () => {
    expect(await google.readFailure(fixedResponse(502, '<html>Bad gateway</html>'))).toEqual({
      kind: 'http',
      status: 502,
      message: undefined,
      retryAfter: undefined,
    });
  });
});

describe('google adapter: models', () => {
  it('lists only generateContent models, without the models/ prefix', async () => {
    const body = {
      models: [
        { name: 'models/gemini-2.5-flash', supportedGenerationMethods: ['generateContent', 'countTokens'] },
        { name: 'models/text-embedding-004', supportedGenerationMethods: ['embedContent'] },
        { name: 'models/gemini-2.5-pro', supportedGenerationMethods: ['generateContent'] },
      ],
      nextPageToken: 'x',
    };
    expect((await google.readModels(fixedResponse(200, body))).map((m) => m.id)).toEqual(['gemini-2.5-flash', 'gemini-2.5-pro']);
    expect(await google.readModels(fixedResponse(200, 'not json'))).toEqual([]);
  });
});
