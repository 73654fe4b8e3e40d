import type { GatewayDeps } from '../deps.js';
import { AttemptLoop, type DeliverAnswer } from './attempt-loop.js';
import { NOTHING_ROUTED, type Routed } from './outcome.js';
import type { InboundRequest } from './request.js';
import { selectRoute, type SelectedRoute } from './route-selection.js';

export type { ChatAnswer } from './answer.js';
export type { DeliverAnswer } from './attempt-loop.js';
export type { ChosenTarget, RouteOutcome, Routed } from './outcome.js';
export type { ClientChatRequest, InboundRequest } from './request.js';

/**
 * The engine's entry: routes an authenticated caller's request. It chooses the route (a config's strategy, an
 * inline list or one target), then tries its targets until one answers and hands the answer to `deliver`; the
 * upstream call ends when `deliver` returns. Nothing is thrown: the result says what `deliver` returned, or the
 * failure the client should see (an ApiError, an UpstreamError, a ClientDisconnectedError), with what was done.
 */
export async function routeChat<T>(deps: GatewayDeps, inbound: InboundRequest, deliver: DeliverAnswer<T>): Promise<Routed<T>> {
  let route: SelectedRoute;
  try {
    route = await selectRoute(deps, inbound);
  } catch (error) {
    return { ok: false, error, outcome: NOTHING_ROUTED };
  }
  return new AttemptLoop(deps, route, inbound).run(deliver);
}
