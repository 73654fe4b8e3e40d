import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { cognitoIssuer, createAccessTokenVerifier } from '../../lambdas/auth/access-token-verifier.js';
import { signUpEnvironment } from '../../lambdas/auth/sign-up-policy.js';
import { enabledRoutes } from '../../lambdas/handlers/routes.js';
import { EVENT_JOBS, type EventJob } from '../../lambdas/handlers/event-jobs.js';
import { JOBS } from '../../lambdas/handlers/jobs.js';
import { TRIGGERS, type TriggerName } from '../../lambdas/handlers/triggers.js';
import { planEnvironment } from '../../lambdas/plans/catalog.js';
import { TABLE_NAMES, tableEnvVar } from '../../lambdas/store/tables.js';
import { readCdkJsonConfig, type StackConfig } from '../stack-config.js';
import { startActivityWriterThread } from './activity-writer-thread.js';
import { cognitoLocalClient, ensureCognitoSetup } from './cognito-bootstrap.js';
import { startCognitoLocal } from './cognito-local.js';
import { ensureDevAccount } from './dev-account.js';
import { ensureTables, LOCAL_REGION, localDynamoDbClient, startDynamoDbLocal, tableNamesFor, type DynamoDbLocal } from './dynamodb-local.js';
import { OBJECT_EVENT_HANDLERS } from '../../lambdas/handlers/object-events.js';
import { startLocalEventBus, type EventJobHandler, type LocalEventBus } from './event-bus.js';
import { EVENT_JOB_MODULES, JOB_MODULES, OBJECT_EVENT_MODULES, SCHEDULED_JOB_MODULES, TRIGGER_MODULES } from './handler-modules.js';
import { startLocalS3 } from './s3-local.js';
import { githubOidcEnvironment, githubSignInFromEnv, type LocalGitHubSignIn } from './github-sign-in.js';
import { startLambdaInvokeApi } from './lambda-invoke-api.js';
import { installLambdaStreamingGlobals } from './lambda-streaming.js';
import { readLocalConfig, writeLocalConfig, type LocalConfig } from './local-config.js';
import { mailDir } from './mail-outbox.js';
import { ensureMasterKey } from './master-key.js';
import { startLocalServer, type LocalServer, type LocalServerOptions } from './server.js';
import { ensureSigningKey } from './signing-key.js';
import { ensureWebBuild, staticSite } from './web-site.js';
import { startStreamReader } from './stream-reader.js';

export type { LocalConfig } from './local-config.js';

/** The project's cdk.json: `npm start` reads the operator's `roukey:*` choices from it, as `cdk deploy` does. */
const CDK_JSON = fileURLToPath(new URL('../../cdk.json', import.meta.url));

/** The local S3 server's bucket for profile pictures (AVATAR_BUCKET). */
export const LOCAL_AVATAR_BUCKET = 'roukey-local-avatars';
/** The local S3 server's bucket for data exports (EXPORT_BUCKET). */
export const LOCAL_EXPORT_BUCKET = 'roukey-local-exports';

/** The name the API's handlers publish to locally (EVENT_BUS_NAME); the local bus has only this one. */
const LOCAL_EVENT_BUS = 'roukey-local';

/** How long the writer thread gathers metadata records into one batch: many requests share this process. */
const ACTIVITY_BATCH_WINDOW_MS = 50;

export interface LocalRuntimeOptions {
  /** Gateway port; 0 (the default) lets the OS pick. */
  readonly port?: number;
  /** Holds local.json, master.key, cognito/, mail/, s3/ and (when persisting) dynamodb/. */
  readonly dataDir: string;
  /** false: DynamoDB Local keeps tables in memory. Default true. */
  readonly persist?: boolean;
  /** Use an already running DynamoDB Local (tests share jest's) instead of starting one. */
  readonly dynamodbEndpoint?: string;
  /** Prefix of the physical table names; tests sharing one DynamoDB Local pass a unique one. */
  readonly tablePrefix?: string;
  readonly quiet?: boolean;
  /** Where each handler module comes from (lib/local/handler-modules.ts by default); the benchmark serves the router's deploy bundle. */
  readonly handlerModules?: LocalServerOptions['handlerModules'];
  /** The operator's choices; by default the `roukey:*` context of the project's cdk.json, as `cdk deploy` reads it. */
  readonly stackConfig?: StackConfig;
  /** Serves the GitHub OIDC provider (`/oidc/github/…`); by default from GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET, … (github-sign-in.ts). */
  readonly githubSignIn?: LocalGitHubSignIn;
  /** How often the billing sync runs while billing is on (STRIPE_SECRET_KEY set); EventBridge Scheduler runs it nightly in AWS. */
  readonly billingSyncIntervalMs?: number;
  /** Serves the dashboard at `/`, building web/ first when its sources changed. Default false. */
  readonly dashboard?: boolean;
}

const DAY_MS = 86_400_000;

export interface LocalRuntime {
  readonly gatewayUrl: string;
  readonly config: LocalConfig;
  /** Where every email Cognito would send, and every notice, is written, one file per message (lambdas/notices/mail-files.ts). */
  readonly mailDir: string;
  /** Stores every request record the router has handed over so far (tests read the tables after it). */
  flushActivity(): Promise<void>;
  /** Resolves once every job started by an event so far (an export, a deletion) has finished. */
  settleEvents(): Promise<void>;
  stop(): Promise<void>;
}

/** The function name each Cognito trigger has locally, as cognito-local invokes it. */
function localFunctionName(trigger: TriggerName): string {
  return `roukey-local-${trigger}`;
}

/**
 * The whole stack on this machine: DynamoDB Local, cognito-local, the local keyring's master key, a user pool
 * with a dev user, and the HTTP front calling the Lambda handlers. The environment the handlers read is set
 * before any of them is imported. Handler modules are process-wide, so run one runtime per process.
 */
export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const dataDir = resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const previous = await readLocalConfig(dataDir);
  const keyFile = join(dataDir, 'master.key');
  const signingKeyFile = join(dataDir, 'oidc-signing-key.pem');
  const githubSignIn = options.githubSignIn ?? githubSignInFromEnv(process.env);
  const stack: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stack.splice(0).reverse()) await stop().catch(() => undefined);
  };

  try {
    const stackConfig = options.stackConfig ?? readCdkJsonConfig(CDK_JSON);
    // Cognito's triggers (the sign-up policy) run the same handlers, called by cognito-local through Lambda's API.
    const lambdaApi = await startLambdaInvokeApi(
      Object.fromEntries((Object.keys(TRIGGER_MODULES) as TriggerName[]).map((t) => [localFunctionName(t), TRIGGER_MODULES[t]])),
    );
    stack.push(lambdaApi.stop);
    const triggers = {
      lambdaEndpoint: lambdaApi.endpoint,
      functions: Object.fromEntries((Object.keys(TRIGGERS) as TriggerName[]).map((t) => [TRIGGERS[t].cognitoTrigger, localFunctionName(t)])),
    };
    // The three are independent; DynamoDB Local's JVM start dominates, so the others hide behind it.
    const stopLater = <T extends { stop: () => Promise<void> }>(started: T): T => {
      stack.push(started.stop);
      return started;
    };
    const [dynamo, cognito, s3, events] = await Promise.all([
      startDynamo(options, dataDir).then(stopLater),
      startCognitoLocal({ dataDir: join(dataDir, 'cognito'), mailDir: mailDir(dataDir), quiet: options.quiet, triggers }).then(stopLater),
      // Uploads are checked by the same handler S3 invokes in AWS; it is imported only once the environment is set.
      startLocalS3({
        directory: join(dataDir, 's3'),
        buckets: [LOCAL_AVATAR_BUCKET, LOCAL_EXPORT_BUCKET],
        // The dashboard posts avatars straight to the bucket, as in AWS; its origin (the gateway's port) is not known
        // yet, and this server listens on loopback only.
        corsOrigins: ['*'],
        subscriptions: [
          {
            bucket: LOCAL_AVATAR_BUCKET,
            prefix: OBJECT_EVENT_HANDLERS['avatar-upload'].prefix,
            handler: async (event) => (await OBJECT_EVENT_MODULES['avatar-upload']()).handler(event),
          },
        ],
        onError: (err) => {
          if (!options.quiet) console.error('avatar upload check failed:', (err as Error | null)?.name ?? 'error');
        },
      }).then(stopLater),
      startEventBus(options.quiet).then(stopLater),
      ensureMasterKey(keyFile),
      ensureSigningKey(signingKeyFile),
      options.dashboard ? ensureWebBuild({ quiet: options.quiet }) : undefined,
    ]);

    const tables = tableNamesFor(options.tablePrefix ?? 'roukey-local');
    const cognitoClient = cognitoLocalClient(cognito.endpoint, LOCAL_REGION);
    const [, cognitoSetup] = await Promise.all([ensureTables(dynamo.client, tables), ensureCognitoSetup(cognitoClient, previous)]).finally(() =>
      cognitoClient.destroy(),
    );
    const db = DynamoDBDocumentClient.from(localDynamoDbClient(dynamo.endpoint));
    await ensureDevAccount(db, tables.accounts, { sub: cognitoSetup.devUserSub, email: cognitoSetup.devUser.email }).finally(() => db.destroy());

    setHandlerEnvironment({
      tables,
      dynamodbEndpoint: dynamo.endpoint,
      keyFile,
      cognitoEndpoint: cognito.endpoint,
      s3Endpoint: s3.endpoint,
      eventBusEndpoint: events.endpoint,
      mailDir: mailDir(dataDir),
      ...cognitoSetup,
      stackConfig,
    });
    installLambdaStreamingGlobals();

    const verifier = createAccessTokenVerifier({
      issuer: cognitoIssuer(cognitoSetup.userPoolId, { region: LOCAL_REGION, endpoint: cognito.endpoint }),
      clientId: cognitoSetup.userPoolClientId,
    });
    // The router's request metadata is recorded on a thread of its own, handed to the router's handlers as they load.
    const writer = startActivityWriterThread({ region: LOCAL_REGION, dynamodbEndpoint: dynamo.endpoint, batchWindowMs: ACTIVITY_BATCH_WINDOW_MS });
    stack.push(() => writer.stop());
    // The activity table's stream feeds the usage aggregator, as the event source mapping does in AWS.
    const { handler: aggregate } = await JOB_MODULES['usage-aggregator']();
    const streamReader = startStreamReader({
      endpoint: dynamo.endpoint,
      tableName: tables.activity,
      handler: aggregate,
      batchSize: JOBS['usage-aggregator'].batchSize,
      log: options.quiet ? undefined : (message) => console.error(message),
    });
    stack.push(() => streamReader.stop());
    // Stopping runs this stack backwards: the server closes, then the writer thread writes what it still holds
    // and stops, then cognito-local and DynamoDB Local stop.
    const server: LocalServer = await startLocalServer({
      port: options.port,
      routes: enabledRoutes({ githubSignIn: githubSignIn !== undefined }),
      verifier,
      quiet: options.quiet,
      handlerModules: options.handlerModules,
      gatewayParts: { activity: writer.writer(tables.activity) },
      site: options.dashboard
        ? staticSite(
            {
              mode: 'local',
              // The same origin: the dashboard and the API share the gateway's port.
              apiUrl: '',
              region: LOCAL_REGION,
              userPoolId: cognitoSetup.userPoolId,
              clientId: cognitoSetup.userPoolClientId,
              cognitoEndpoint: cognito.endpoint,
              adminContact: cognitoSetup.devUser.email,
            },
            undefined,
            [s3.endpoint],
          )
        : undefined,
    });
    stack.push(() => server.close());
    // The provider's issuer is the server's own URL, known only now; its handler reads the environment on first use.
    let githubOidc: LocalConfig['githubOidc'];
    if (githubSignIn) {
      const clientSecret = previous?.githubOidc?.clientSecret ?? randomBytes(32).toString('base64url');
      const env = githubOidcEnvironment({
        gatewayUrl: server.url,
        signIn: githubSignIn,
        oidcClientSecret: clientSecret,
        signingKeyFile,
        orgs: stackConfig.githubOrgs,
      });
      Object.assign(process.env, env);
      githubOidc = { issuer: env.GITHUB_OIDC_ISSUER, clientId: env.GITHUB_OIDC_CLIENT_ID, clientSecret };
    }
    // Billing (when STRIPE_SECRET_KEY is set) sends people back to the dashboard, else to this server.
    process.env.BILLING_RETURN_URL ??= stackConfig.dashboardUrl ?? server.url;
    if (process.env.STRIPE_SECRET_KEY) stack.push(startBillingSyncTimer(options.billingSyncIntervalMs ?? DAY_MS, options.quiet));
    stack.push(runPolicyNoticesOnce(options.quiet));
    // Imported in the background: a handler that fails to load answers 500 per request rather than blocking startup.
    void server.warmUp().catch(() => undefined);

    const config: LocalConfig = {
      gatewayUrl: server.url,
      region: LOCAL_REGION,
      userPoolId: cognitoSetup.userPoolId,
      userPoolClientId: cognitoSetup.userPoolClientId,
      cognitoEndpoint: cognito.endpoint,
      dynamodbEndpoint: dynamo.endpoint,
      s3Endpoint: s3.endpoint,
      tables,
      devUser: cognitoSetup.devUser,
      ...(githubOidc ? { githubOidc } : {}),
    };
    await writeLocalConfig(dataDir, config);
    return { gatewayUrl: server.url, config, mailDir: mailDir(dataDir), flushActivity: writer.flush, settleEvents: events.settle, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

async function startDynamo(options: LocalRuntimeOptions, dataDir: string): Promise<DynamoDbLocal> {
  if (!options.dynamodbEndpoint) {
    return startDynamoDbLocal(options.persist === false ? {} : { dataDir: join(dataDir, 'dynamodb') });
  }
  const client = localDynamoDbClient(options.dynamodbEndpoint);
  // Someone else's DynamoDB Local: stopping only releases our client.
  return { endpoint: options.dynamodbEndpoint, client, stop: async () => client.destroy() };
}

/** The nightly billing sync's stand-in: the same handler on a timer (`npm run job billing-sync` runs it at once). */
function startBillingSyncTimer(intervalMs: number, quiet?: boolean): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = SCHEDULED_JOB_MODULES['billing-sync']()
      .then(({ handler }) => handler({ runDate: new Date().toISOString() }))
      .catch((err: unknown) => {
        if (!quiet) console.error(`billing sync failed: ${err instanceof Error ? err.message : String(err)}`);
      });
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}

/** RouKey's event bus: each event type calls its job's handler (lambdas/handlers/event-jobs.ts), as a rule does in AWS. */
function startEventBus(quiet?: boolean): Promise<LocalEventBus> {
  const modules: Readonly<Record<string, () => Promise<{ handler: unknown }>>> = EVENT_JOB_MODULES;
  const specs: Readonly<Record<string, EventJob>> = EVENT_JOBS;
  const jobs = Object.fromEntries(
    Object.entries(specs).map(([name, job]) => [
      job.on,
      async () => {
        const load = modules[name];
        if (!load) throw new Error(`lib/local/handler-modules.ts lists no module for the job ${name}`);
        return (await load()).handler as EventJobHandler;
      },
    ]),
  );
  return startLocalEventBus({ jobs, log: quiet ? undefined : (message) => console.error(message) });
}

/**
 * The daily policy-change notices (P25) run once after start-up, in the background: a bumped POLICY_VERSION tells
 * every flagged account by a file under `.roukey/mail/` (`npm run job policy-notices` runs it again at will).
 */
function runPolicyNoticesOnce(quiet?: boolean): () => Promise<void> {
  const running = SCHEDULED_JOB_MODULES['policy-notices']()
    .then(({ handler }) => handler({ runDate: new Date().toISOString() }))
    .catch((err: unknown) => {
      if (!quiet) console.error(`policy notices failed: ${err instanceof Error ? err.message : String(err)}`);
    });
  return async () => {
    await running;
  };
}

/** What the CDK stack sets on each Lambda in AWS (lambdas/runtime-config.ts reads it); `npm run job` sets it too. */
export function setHandlerEnvironment(env: {
  tables: Record<(typeof TABLE_NAMES)[number], string>;
  dynamodbEndpoint: string;
  keyFile: string;
  cognitoEndpoint: string;
  /** The local S3 server; a job run by `npm run job` that touches no bucket may not know it. */
  s3Endpoint?: string;
  /** The local event bus; likewise unknown to `npm run job`. */
  eventBusEndpoint?: string;
  /** Where notices are written as files (`<dataDir>/mail/`), as SES would send them in AWS. */
  mailDir: string;
  userPoolId: string;
  userPoolClientId: string;
  stackConfig: StackConfig;
}): void {
  for (const t of TABLE_NAMES) process.env[tableEnvVar(t)] = env.tables[t];
  process.env.AWS_REGION = LOCAL_REGION;
  process.env.DYNAMODB_ENDPOINT = env.dynamodbEndpoint;
  process.env.LOCAL_KEYRING_FILE = env.keyFile;
  process.env.ALLOW_LOOPBACK_BASE_URL = 'true';
  process.env.COGNITO_USER_POOL_ID = env.userPoolId;
  process.env.COGNITO_CLIENT_ID = env.userPoolClientId;
  process.env.COGNITO_ENDPOINT = env.cognitoEndpoint;
  if (env.s3Endpoint !== undefined) process.env.S3_ENDPOINT = env.s3Endpoint;
  process.env.AVATAR_BUCKET = LOCAL_AVATAR_BUCKET;
  process.env.EXPORT_BUCKET = LOCAL_EXPORT_BUCKET;
  if (env.eventBusEndpoint !== undefined) {
    process.env.EVENTBRIDGE_ENDPOINT = env.eventBusEndpoint;
    process.env.EVENT_BUS_NAME = LOCAL_EVENT_BUS;
  }
  process.env.ROUKEY_MAIL_DIR = env.mailDir;
  Object.assign(process.env, planEnvironment(env.stackConfig.plans, env.stackConfig.defaultPlan));
  Object.assign(process.env, signUpEnvironment({ mode: env.stackConfig.signUp, domains: env.stackConfig.signUpDomains }));
  process.env.ROUKEY_ADMIN_MFA = env.stackConfig.adminMfa;
  process.env.ROUKEY_MAX_ANSWER_MIB = String(env.stackConfig.maxAnswerMiB);
  // `roukey:stripePrices` from cdk.json, unless STRIPE_PRICES overrides it; the Stripe key and secret come from the shell.
  process.env.STRIPE_PRICES ??= JSON.stringify(env.stackConfig.stripePrices);
  // The router's EMF metrics are for CloudWatch: locally they would be one JSON line per request in the terminal.
  // POWERTOOLS_METRICS_DISABLED=false in the shell shows them (docs/observability.md).
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  // Locally the handlers must never pick up a real KMS key from the shell.
  delete process.env.KMS_KEY_ID;
}
