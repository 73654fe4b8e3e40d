import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { hasJava17, JAVA_MISSING } from '../lib/local/dynamodb-local.js';
import { localConfigPath } from '../lib/local/local-config.js';
import { startLocalRuntime } from '../lib/local/runtime.js';

/** `npm start`: the whole of RouKey on this machine, state kept in `.roukey/` across restarts. */
const DATA_DIR = '.roukey';
const port = z.coerce
  .number()
  .int()
  .min(0)
  .max(65_535)
  .default(8787)
  .parse(process.env.PORT || undefined);

// Checked before anything starts, so a missing JVM is one clear line rather than a half-started stack.
if (!hasJava17()) {
  console.error(JAVA_MISSING);
  process.exit(1);
}

const started = performance.now();
const runtime = await startLocalRuntime({ port, dataDir: DATA_DIR, persist: true, dashboard: true }).catch((err: unknown) => {
  console.error(`RouKey could not start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

console.log(
  [
    `RouKey is running at ${runtime.gatewayUrl} (started in ${((performance.now() - started) / 1000).toFixed(1)} s)`,
    `  dashboard: ${runtime.gatewayUrl}/`,
    `  dev user:  ${runtime.config.devUser.email}`,
    `  password:  ${runtime.config.devUser.password}`,
    `  config:    ${localConfigPath(DATA_DIR)}`,
    `  mail:      ${runtime.mailDir} (every email Cognito would send: invitations with their temporary password, codes)`,
    ...(runtime.config.githubOidc
      ? [`  GitHub OIDC provider: ${runtime.config.githubOidc.issuer} (client ${runtime.config.githubOidc.clientId}; its secret is in the config file)`]
      : []),
    ...(process.env.STRIPE_SECRET_KEY
      ? [
          `  billing:   Stripe${process.env.STRIPE_API_BASE ? ` at ${process.env.STRIPE_API_BASE}` : ''}; webhook endpoint ${runtime.gatewayUrl}/v1/billing/webhook; \`npm run job billing-sync\` syncs now`,
        ]
      : []),
    `  DynamoDB Local listens on all interfaces (it has no bind option): ${runtime.config.dynamodbEndpoint}`,
    'Press Ctrl-C to stop.',
  ].join('\n'),
);

let stopping = false;
const shutdown = () => {
  if (stopping) return;
  stopping = true;
  runtime.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
