import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { cognitoLocalClient } from '../../lib/local/cognito-bootstrap.js';
import type { LocalConfig } from '../../lib/local/local-config.js';
import { startLocalRuntime, type LocalRuntime } from '../../lib/local/runtime.js';

export interface TestLocalRuntime {
  readonly runtime: LocalRuntime;
  /** The dev user's Cognito access token, for `Authorization: Bearer …` on management routes. */
  readonly accessToken: string;
  readonly dataDir: string;
  stop(): Promise<void>;
}

/** Signs a user in against cognito-local with USER_PASSWORD_AUTH; returns the access token. */
export async function signIn(config: LocalConfig, user: { email: string; password: string } = config.devUser): Promise<string> {
  const client = cognitoLocalClient(config.cognitoEndpoint, config.region);
  try {
    const out = await client.send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: config.userPoolClientId,
        AuthParameters: { USERNAME: user.email, PASSWORD: user.password },
      }),
    );
    const token = out.AuthenticationResult?.AccessToken;
    if (!token) throw new Error('cognito-local returned no access token');
    return token;
  } finally {
    client.destroy();
  }
}

/**
 * The local runtime for an end-to-end test: a temp data dir, port 0, tables under a unique prefix on jest's
 * shared DynamoDB Local (DYNAMODB_ENDPOINT from global setup; an in-memory one of its own otherwise), and the
 * dev user signed in. Start one per test file: handler modules are shared by the whole process.
 */
export async function startTestLocalRuntime(options: { quiet?: boolean } = {}): Promise<TestLocalRuntime> {
  const dataDir = await mkdtemp(join(tmpdir(), 'roukey-local-'));
  const runtime = await startLocalRuntime({
    port: 0,
    dataDir,
    persist: false,
    dynamodbEndpoint: process.env.DYNAMODB_ENDPOINT,
    tablePrefix: `e2e${randomUUID().slice(0, 8)}`,
    quiet: options.quiet ?? true,
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
