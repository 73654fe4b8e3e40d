import { provisionGateway } from '../test/support/e2e-setup.js';
import { buildRouterBundle, servingRouterBundle } from './bundle.js';
import { liftRequestLimits } from './limits.js';

/**
 * The local runtime in a process of its own, provisioned like the bench's (a provider key `fake` for the
 * upstream given as argument, an API key), for comparisons where every gateway runs in its own process.
 * Prints `ready {"gatewayUrl":…,"apiKey":…,"activityTable":…}` once it serves, the table so a stand-in can take its
 * writes (its other output is the runtime's logs); SIGTERM stops it.
 */
const gateway = await provisionGateway(process.argv[2] ?? '', { handlerModules: servingRouterBundle(await buildRouterBundle('.roukey/bench-peer')) });
// As in the bench: limits stay on, far above the comparison's load.
await liftRequestLimits(gateway.mgmt);
process.stdout.write(
  `ready ${JSON.stringify({ gatewayUrl: gateway.gatewayUrl, apiKey: gateway.apiKey, activityTable: gateway.local.runtime.config.tables.activity })}\n`,
);
process.once('SIGTERM', () => void gateway.stop().then(() => process.exit(0)));
