import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { toApiError } from '../../http/errors.js';
import type { GatewayDeps } from '../../gateway/deps.js';
import { createModelLister } from '../../gateway/model-list.js';
import { authenticateApiKey } from '../../http/request-event.js';

/** `GET /v1/models` with a RouKey API key: `<provider-key name>/<model>` ids in OpenAI's list shape. */
export function createModelsHandler(getDeps: () => GatewayDeps) {
  let listModels: ReturnType<typeof createModelLister> | undefined;
  return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const deps = getDeps();
    listModels ??= createModelLister(deps);
    const headers: Record<string, string> = { 'content-type': 'application/json', 'cache-control': 'no-cache' };
    if (event.requestContext?.requestId) headers['x-roukey-request-id'] = event.requestContext.requestId;
    try {
      const principal = await authenticateApiKey(deps.authenticator, event);
      const data = await listModels(principal.accountId);
      return { statusCode: 200, headers, body: JSON.stringify({ object: 'list', data }) };
    } catch (err) {
      const apiError = toApiError(err);
      return { statusCode: apiError.status, headers: { ...headers, ...apiError.headers }, body: JSON.stringify(apiError.toBody()) };
    }
  };
}
