import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signIn } from '../../lib/local/cognito-bootstrap.js';
import { startLocalRuntime, type LocalRuntime, type LocalRuntimeOptions } from '../../lib/local/runtime.js';

export { signIn };

export interface TestLocalRuntime {
  readonly runtime: LocalRuntime;
  /** The dev user's Cognito access token, for `Authorization: Bearer …` on management routes. */
  readonly accessToken: string;
  readonly dataDir: string;
  stop(): Promise<void>;
}

/**
 * The local runtime for an end-to-end test: a temp data dir, port 0, tables under a unique prefix on jest's
 * shared DynamoDB Local (DYNAMODB_ENDPOINT from global setup; an in-memory one of its own otherwise), and the
 * dev user signed in. Start one per test file: handler modules are shared by the whole process.
 */
export async function startTestLocalRuntime(
  options: Pick<LocalRuntimeOptions, 'quiet' | 'handlerModules' | 'stackConfig' | 'githubSignIn' | 'dashboard'> = {},
): Promise<TestLocalRuntime> {
  const dataDir = await mkdtemp(join(tmpdir(), 'roukey-local-'));
  const runtime = await startLocalRuntime({
    port: 0,
    dataDir,
    persist: false,
    dynamodbEndpoint: process.env.DYNAMODB_ENDPOINT,
    tablePrefix: `e2e${randomUUID().slice(0, 8)}`,
    quiet: options.quiet ?? true,
    handlerModules: options.handlerModules,
    stackConfig: options.stackConfig,
    githubSignIn: options.githubSignIn,
    dashboard: options.dashboard,
  });
  const accessToken = await signIn(runtime.config).catch(async (err: unknown) => {
    await runtime.stop();
    throw err;
  });
  return {
    runtime,
    accessToken,
    dataDir,
    async stop() {
      await runtime.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
