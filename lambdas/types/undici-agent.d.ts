/**
 * undici's Agent and its request API as modules of their own (lambdas/gateway/upstream-http.ts); the types are
 * the package index's. The index attaches `request` to every dispatcher; these modules alone do not.
 */
declare module 'undici/lib/dispatcher/agent.js' {
  import { Agent } from 'undici';
  export default Agent;
}

declare module 'undici/lib/api/api-request.js' {
  import type { Dispatcher } from 'undici';
  export default function request(this: Dispatcher, options: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData>;
}
