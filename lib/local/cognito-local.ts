import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { DateClock } from 'cognito-local/lib/services/clock.js';
import { CognitoServiceFactoryImpl } from 'cognito-local/lib/services/cognitoService.js';
import { StormDBDataStoreFactory } from 'cognito-local/lib/services/dataStore/stormDb.js';
import { MessageDeliveryService } from 'cognito-local/lib/services/messageDelivery/messageDelivery.js';
import { LambdaService, type Lambda } from 'cognito-local/lib/services/lambda.js';
import type { CryptoService } from 'cognito-local/lib/services/crypto.js';
import { MessagesService } from 'cognito-local/lib/services/messages.js';
import { otp } from 'cognito-local/lib/services/otp.js';
import { JwtTokenGenerator } from 'cognito-local/lib/services/tokenGenerator.js';
import { TriggersService } from 'cognito-local/lib/services/triggers/triggers.js';
import { UserPoolServiceFactoryImpl } from 'cognito-local/lib/services/userPoolService.js';
import type { Config } from 'cognito-local/lib/server/config.js';
import { Router } from 'cognito-local/lib/server/Router.js';
import { UserNotFoundError } from 'cognito-local/lib/errors.js';
import type { CognitoService } from 'cognito-local/lib/services/cognitoService.js';
import { createServer } from 'cognito-local/lib/server/server.js';
import type { Logger } from 'pino';
import { mailOutbox } from './mail-outbox.js';

export interface CognitoLocal {
  /** `http://127.0.0.1:<port>`: also the token issuer's domain. */
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** The user pool triggers cognito-local calls through the Lambda Invoke API (lib/local/lambda-invoke-api.ts). */
export interface CognitoTriggers {
  readonly lambdaEndpoint: string;
  /** Cognito's trigger name (`PreSignUp`) → the function to invoke. */
  readonly functions: Readonly<Record<string, string>>;
}

const NO_TRIGGERS: Lambda = {
  enabled: () => false,
  invoke: (() => Promise.reject(new Error('cognito-local triggers are not configured'))) as unknown as Lambda['invoke'],
};

type LambdaClientV2 = ConstructorParameters<typeof LambdaService>[1];

/** `require` as cognito-local's own code sees it, for its dependencies (pino, aws-sdk v2). */
function cognitoRequire(): NodeJS.Require {
  return createRequire(createRequire(import.meta.url).resolve('cognito-local/package.json'));
}

/**
 * cognito-local's own Lambda client (aws-sdk v2's `Lambda`, as its `LambdaClient` config would build it), loaded on
 * the first trigger call rather than at start: loading aws-sdk v2 is the slowest part of starting cognito-local.
 */
function lazyLambdaClient(config: Record<string, unknown>): LambdaClientV2 {
  let client: Promise<LambdaClientV2> | undefined;
  const connect = () =>
    (client ??= Promise.resolve().then(() => {
      // Its end-of-support notice is for code that calls AWS; this client only talks to the local Invoke API.
      process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE ??= '1';
      const AWS = cognitoRequire()('aws-sdk') as { Lambda: new (config: Record<string, unknown>) => LambdaClientV2 };
      return new AWS.Lambda(config);
    }));
  const invoke = (params: Parameters<LambdaClientV2['invoke']>[0]) => ({ promise: async () => (await connect()).invoke(params).promise() });
  return { invoke } as unknown as LambdaClientV2;
}

/** pino is cognito-local's own logger dependency (pino-http needs a real one), resolved from its package. */
function cognitoLogger(quiet: boolean): Logger {
  const pino = cognitoRequire()('pino') as (options: { level: string }) => Logger;
  // Above debug, cognito-local logs neither request bodies (passwords) nor tokens.
  return pino({ level: quiet ? 'silent' : 'error' });
}

/**
 * cognito-local 5.3, assembled in-process from its own parts the way its `createDefaultServer` does, but with
 * the data under `dataDir` (its default is `./.cognito` under the working directory), bound to 127.0.0.1 on a
 * port the OS picks, and the issuer set from that port once known (it reads the config object per token, so
 * HOST/PORT need not be set before import).
 */
export async function startCognitoLocal(options: {
  dataDir: string;
  /** Where the emails it would send are written (lib/local/mail-outbox.ts). */
  mailDir: string;
  port?: number;
  quiet?: boolean;
  /** Without them, no trigger runs. */
  triggers?: CognitoTriggers;
}): Promise<CognitoLocal> {
  const logger = cognitoLogger(options.quiet ?? false);
  const ctx = { logger };
  const dataDirectory = join(options.dataDir, 'db');
  const { triggers } = options;
  const config: Config = {
    // The loopback Invoke API accepts any credentials; aws-sdk v2 still signs with some.
    LambdaClient: triggers
      ? { endpoint: triggers.lambdaEndpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxRetries: 0 }
      : {},
    TriggerFunctions: triggers?.functions ?? {},
    UserPoolDefaults: { UsernameAttributes: ['email'] },
    TokenConfig: { IssuerDomain: 'http://127.0.0.1' },
    ServerConfig: { port: options.port ?? 0, hostname: '127.0.0.1', development: false, https: false },
  };
  const clock = new DateClock();
  const dataStoreFactory = new StormDBDataStoreFactory(dataDirectory);
  const cognito = await new CognitoServiceFactoryImpl(dataDirectory, dataStoreFactory, new UserPoolServiceFactoryImpl(clock, dataStoreFactory)).create(
    ctx,
    config.UserPoolDefaults,
  );
  const lambda = triggers ? new LambdaService(config.TriggerFunctions, lazyLambdaClient(config.LambdaClient as Record<string, unknown>)) : NO_TRIGGERS;
  const triggerService = new TriggersService(clock, cognito, lambda, {} as CryptoService);
  const services = {
    clock,
    cognito,
    config,
    messages: new MessagesService(triggerService, new MessageDeliveryService(mailOutbox(options.mailDir))),
    otp,
    tokenGenerator: new JwtTokenGenerator(clock, triggerService, config.TokenConfig),
    triggers: triggerService,
  };
  const router = Router(services);
  const server = (await createServer(
    (target) => (target === 'AdminUserGlobalSignOut' ? adminUserGlobalSignOut(cognito) : router(target)),
    logger,
    config.ServerConfig,
    services,
  ).start()) as Server;
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('cognito-local started without a TCP address');
  const endpoint = `http://127.0.0.1:${address.port}`;
  config.TokenConfig.IssuerDomain = endpoint;
  return {
    endpoint,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * AdminUserGlobalSignOut, which cognito-local 5.3 lacks (`POST /v1/me/sign-out` calls it): every refresh token of the
 * user is dropped, so REFRESH_TOKEN_AUTH refuses them, as Cognito does. Access tokens live on until they expire, as there.
 */
function adminUserGlobalSignOut(cognito: CognitoService): ReturnType<ReturnType<typeof Router>> {
  return async (ctx, req: { UserPoolId?: string; Username?: string }) => {
    const pool = await cognito.getUserPool(ctx, req.UserPoolId ?? '');
    const user = await pool.getUserByUsername(ctx, req.Username ?? '');
    if (!user) throw new UserNotFoundError();
    await pool.saveUser(ctx, { ...user, RefreshTokens: [] });
    return {};
  };
}
