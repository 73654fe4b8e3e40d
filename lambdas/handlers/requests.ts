import { managementContext } from '../http/management-context.js';
import { managementHandler, route } from '../http/management-handler.js';
import { createRequestLogReader } from '../store/activity-request-log.js';
import { createRequestLogService, requestsQuerySchema, type RequestLogService } from '../usage/request-log.js';

let service: RequestLogService | undefined;
function requestLog(): RequestLogService {
  const { config, db } = managementContext();
  return (service ??= createRequestLogService({ reader: createRequestLogReader(db, config.tables.activity) }));
}

/** GET /v1/requests (the caller's own request log, metadata only, newest first) and GET /v1/requests/{id} (one record with its attempts). */
export const handler = managementHandler({
  routes: {
    GET: route({
      query: requestsQuerySchema,
      handle: async ({ accountId, account, query, pathParameters: { id } }) => ({
        status: 200,
        body: id === undefined ? await requestLog().list(accountId, account.limits.analyticsDays, query) : await requestLog().get(accountId, id),
      }),
    }),
  },
});
