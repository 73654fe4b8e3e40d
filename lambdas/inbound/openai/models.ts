import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { GatewayDeps } from '../../gateway/deps.js';
import { createModelLister, type ListedModel } from '../../gateway/model-list.js';
import type { ApiKeyPrincipal } from '../../gateway/ports.js';
import { ApiError, toApiError } from '../../http/errors.js';
import { anthropicErrorBody } from '../anthropic/errors.js';
import { apiKeyCaller, speaksAnthropic } from '../api-key.js';
import { reportRefusal } from '../refusal-report.js';
import { plainAnswerHeaders } from '../response-headers.js';

/**
 * `GET /v1/models` and `GET /v1/models/{id}` with a RouKey API key: `<provider-key name>/<model>` ids, in OpenAI's
 * shapes, or in Anthropic's for a caller that speaks Anthropic's API (its SDKs list models here too).
 */
export function createModelsHandler(getDeps: () => GatewayDeps) {
  let listModels: ReturnType<typeof createModelLister> | undefined;
  return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const deps = getDeps();
    listModels ??= createModelLister(deps);
    const requestId = event.requestContext?.requestId;
    const shapes = speaksAnthropic(event.headers) ? ANTHROPIC : OPENAI;
    let caller: ApiKeyPrincipal | undefined;
    try {
      caller = await apiKeyCaller(deps.authenticator, event.headers);
      await deps.gate.assertActive(caller);
      const models = await listModels(caller.accountId);
      const rawId = event.pathParameters?.id;
      if (rawId === undefined) return answer(200, requestId, shapes.list(models));
      const id = modelId(rawId);
      const model = models.find((m) => m.id === id);
      if (!model)
        throw new ApiError('not_found', `The model '${id}' does not exist or this API key cannot route to it.`, { param: 'model', code: 'model_not_found' });
      return answer(200, requestId, shapes.one(model));
    } catch (err) {
      reportRefusal(deps.securityEvents, err, caller, event);
      await deps.securityEvents.flush();
      const apiError = toApiError(err);
      return answer(apiError.status, requestId, shapes.error(apiError), apiError.headers);
    }
  };
}

function answer(statusCode: number, requestId: string | undefined, body: unknown, headers?: Record<string, string>): APIGatewayProxyResult {
  return { statusCode, headers: plainAnswerHeaders(requestId, headers), body: JSON.stringify(body) };
}

/** The id as sent: the openai SDK encodes its slash (`%2F`), curl users do not; decoding an id twice changes nothing, as ids hold no `%`. */
function modelId(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new ApiError('invalid_request', 'The model id is not a valid URL path segment.', { param: 'model' });
  }
}

interface Shapes {
  list(models: readonly ListedModel[]): unknown;
  one(model: ListedModel): unknown;
  error(error: ApiError): unknown;
}

const OPENAI: Shapes = {
  list: (data) => ({ object: 'list', data }),
  one: (model) => model,
  error: (error) => error.toBody(),
};

/** Anthropic's ModelInfo: `created_at` as RFC 3339; the whole list in one page. */
function anthropicModel(model: ListedModel) {
  return { type: 'model', id: model.id, display_name: model.id, created_at: new Date(model.created * 1000).toISOString() };
}

const ANTHROPIC: Shapes = {
  list: (models) => ({ data: models.map(anthropicModel), has_more: false, first_id: models[0]?.id ?? null, last_id: models.at(-1)?.id ?? null }),
  one: anthropicModel,
  error: anthropicErrorBody,
};
