import { deletionService } from '../deletion/deletion-context.js';
import { publicHandler, route } from '../http/management-handler.js';

/**
 * GET /v1/deletions/{deletionId}: how far a deletion has got, for whoever holds its id (random, 128 bits), with
 * nothing of the person. A malformed id is answered without a read; a well-formed one costs one GetItem.
 */
export const handler = publicHandler({
  routes: {
    GET: route({
      handle: async ({ pathParameters }) => ({ status: 200, body: await deletionService().byId(pathParameters.deletionId ?? '') }),
    }),
  },
});
