/** undici's Agent as a module of its own (lambdas/gateway/transport/upstream-http.ts); its types are the package index's. */
declare module 'undici/lib/dispatcher/agent.js' {
  import { Agent } from 'undici';
  export default Agent;
}
