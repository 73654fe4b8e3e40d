import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signIn } from '../../lib/local/cognito-bootstrap.js';
import { startLocalRuntime, type LocalRuntime, type LocalRuntimeOptions } from '../../lib/local/runtime.js';

export { signIn };

/** A management API call with someone's access token: the status and the parsed JSON body (if any). */
export type ManagementCall = (method: string, path: string, body?: unknown) => Promise<{ status: number; json: any }>;

export function managementCall(gatewayUrl: string, accessToken: string): ManagementCall {
  return async (method, path, body) => {
    const res = await fetch(`${gatewayUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  };
}

export interface TestLocalRuntime {
  readonly runtime: LocalRuntime;
  /** The dev user's Cognito access token, for `Authorization: Bearer …` on management routes. */
  readonly accessToken: string;
  readonly dataDir: string;
  /** Management calls as the dev user. */
  readonly mgmt: ManagementCall;
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
    mgmt: managementCall(runtime.gatewayUrl, accessToken),
    async stop() {
      await runtime.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
