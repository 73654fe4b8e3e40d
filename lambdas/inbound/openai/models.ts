import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { GatewayDeps } from '../../gateway/deps.js';
import { createModelLister } from '../../gateway/model-list.js';
import { toApiError } from '../../http/errors.js';
import { apiKeyCaller } from '../api-key.js';
import { plainAnswerHeaders } from '../response-headers.js';

/** `GET /v1/models` with a RouKey API key: `<provider-key name>/<model>` ids in OpenAI's list shape. */
export function createModelsHandler(getDeps: () => GatewayDeps) {
  let listModels: ReturnType<typeof createModelLister> | undefined;
  return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const deps = getDeps();
    listModels ??= createModelLister(deps);
    const requestId = event.requestContext?.requestId;
    try {
      const caller = await apiKeyCaller(deps.authenticator, event.headers);
      const data = await listModels(caller.accountId);
      return { statusCode: 200, headers: plainAnswerHeaders(requestId), body: JSON.stringify({ object: 'list', data }) };
    } catch (err) {
      const apiError = toApiError(err);
      return { statusCode: apiError.status, headers: plainAnswerHeaders(requestId, apiError.headers), body: JSON.stringify(apiError.toBody()) };
    }
  };
}
