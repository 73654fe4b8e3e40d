import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { DateClock } from 'cognito-local/lib/services/clock.js';
import { CognitoServiceFactoryImpl } from 'cognito-local/lib/services/cognitoService.js';
import { StormDBDataStoreFactory } from 'cognito-local/lib/services/dataStore/stormDb.js';
import { MessageDeliveryService } from 'cognito-local/lib/services/messageDelivery/messageDelivery.js';
import type { MessageSender } from 'cognito-local/lib/services/messageDelivery/messageSender.js';
import type { Lambda } from 'cognito-local/lib/services/lambda.js';
import type { CryptoService } from 'cognito-local/lib/services/crypto.js';
import { MessagesService } from 'cognito-local/lib/services/messages.js';
import { otp } from 'cognito-local/lib/services/otp.js';
import { JwtTokenGenerator } from 'cognito-local/lib/services/tokenGenerator.js';
import { TriggersService } from 'cognito-local/lib/services/triggers/triggers.js';
import { UserPoolServiceFactoryImpl } from 'cognito-local/lib/services/userPoolService.js';
import type { Config } from 'cognito-local/lib/server/config.js';
import { Router } from 'cognito-local/lib/server/Router.js';
import { createServer } from 'cognito-local/lib/server/server.js';
import type { Logger } from 'pino';

export interface CognitoLocal {
  /** `http://127.0.0.1:<port>`: also the token issuer's domain. */
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** No Lambda triggers locally; a stub keeps cognito-local from loading aws-sdk v2 (~0.4 s and a warning). */
const NO_TRIGGERS: Lambda = {
  enabled: () => false,
  invoke: (() => Promise.reject(new Error('cognito-local triggers are not configured'))) as unknown as Lambda['invoke'],
};

/** pino is cognito-local's own logger dependency (pino-http needs a real one), resolved from its package. */
function cognitoLogger(quiet: boolean): Logger {
  const require = createRequire(createRequire(import.meta.url).resolve('cognito-local/package.json'));
  const pino = require('pino') as (options: { level: string }) => Logger;
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
  port?: number;
  quiet?: boolean;
  /** Addresses whose confirmation codes are not echoed (the dev user is confirmed by the runtime itself). */
  muteCodesFor?: readonly string[];
}): Promise<CognitoLocal> {
  const logger = cognitoLogger(options.quiet ?? false);
  const ctx = { logger };
  const dataDirectory = join(options.dataDir, 'db');
  const config: Config = {
    LambdaClient: {},
    TriggerFunctions: {},
    UserPoolDefaults: { UsernameAttributes: ['email'] },
    TokenConfig: { IssuerDomain: 'http://127.0.0.1' },
    ServerConfig: { port: options.port ?? 0, hostname: '127.0.0.1', development: false, https: false },
  };
  const clock = new DateClock();
  const dataStoreFactory = new StormDBDataStoreFactory(dataDirectory);
  const cognito = await new CognitoServiceFactoryImpl(
    dataDirectory,
    dataStoreFactory,
    new UserPoolServiceFactoryImpl(clock, dataStoreFactory),
  ).create(ctx, config.UserPoolDefaults);
  const triggers = new TriggersService(clock, cognito, NO_TRIGGERS, {} as CryptoService);
  const sender = consoleCodeSender(options.quiet ?? false, new Set(options.muteCodesFor ?? []));
  const services = {
    clock,
    cognito,
    config,
    messages: new MessagesService(triggers, new MessageDeliveryService(sender)),
    otp,
    tokenGenerator: new JwtTokenGenerator(clock, triggers, config.TokenConfig),
    triggers,
  };
  const server = (await createServer(Router(services), logger, config.ServerConfig, services).start()) as Server;
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

/** Confirmation codes go to the terminal in one line (there is no mail locally); nothing when quiet. */
function consoleCodeSender(quiet: boolean, muted: ReadonlySet<string>): MessageSender {
  const send = async (_ctx: unknown, _user: unknown, destination: string, message: { __code?: string }) => {
    if (!quiet && message.__code && !muted.has(destination)) process.stderr.write(`cognito-local: code for ${destination}: ${message.__code}\n`);
  };
  return { sendEmail: send, sendSms: send };
}
