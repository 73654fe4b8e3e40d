import { ROUTES } from '../../lambdas/handlers/routes.js';
import { installLambdaStreamingGlobals } from '../../lib/local/lambda-streaming.js';
import { startLocalServer } from '../../lib/local/server.js';

/**
 * A second router process beside a test's local runtime: the same handlers on the same tables (the environment the
 * runtime set, inherited), serving the API-key routes only, as another Lambda container would. Prints
 * `ready <url>` once it serves; SIGTERM stops it.
 */
installLambdaStreamingGlobals();
const server = await startLocalServer({
  port: 0,
  routes: ROUTES.filter((route) => route.auth === 'apiKey'),
  // No management routes here, so no token is ever verified.
  verifier: { verify: async () => undefined },
  quiet: true,
});
await server.warmUp();
process.stdout.write(`ready ${server.url}\n`);
process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
