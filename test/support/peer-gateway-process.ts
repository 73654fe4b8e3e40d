import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalRuntime } from '../../lib/local/runtime.js';

/**
 * A second local runtime in a process of its own, as a second Lambda container would be: the same tables on the
 * same DynamoDB Local (argument 2: their prefix) and the same master key (argument 1: its file), so it serves the
 * first runtime's API keys and provider keys, with its own router state. Prints `ready {"gatewayUrl":…}` once it
 * serves; SIGTERM stops it.
 */
const [masterKeyFile = '', tablePrefix = ''] = process.argv.slice(2);
const dataDir = await mkdtemp(join(tmpdir(), 'roukey-peer-'));
await copyFile(masterKeyFile, join(dataDir, 'master.key'));
const runtime = await startLocalRuntime({ port: 0, dataDir, persist: false, dynamodbEndpoint: process.env.DYNAMODB_ENDPOINT, tablePrefix, quiet: true });
process.stdout.write(`ready ${JSON.stringify({ gatewayUrl: runtime.gatewayUrl })}\n`);
process.once('SIGTERM', () => {
  void runtime
    .stop()
    .then(() => rm(dataDir, { recursive: true, force: true }))
    .finally(() => process.exit(0));
});
