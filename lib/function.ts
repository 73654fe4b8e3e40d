import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { ObjectEventHandlerName } from '../lambdas/handlers/object-events.js';
import type { EventJobName } from '../lambdas/handlers/event-jobs.js';
import type { JobName } from '../lambdas/handlers/jobs.js';
import type { HandlerName } from '../lambdas/handlers/routes.js';
import type { TriggerName } from '../lambdas/handlers/triggers.js';
import { RETENTION } from '../lambdas/store/retention.js';
import { tableEnvVar } from '../lambdas/store/tables.js';
import { LAMBDA_BUNDLING } from './bundling.js';
import type { RouKeyTable } from './data.js';
import { retentionDays } from './log-retention.js';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** What a function may do with a table; a list of actions is for callers that need less than a whole mode. */
export type TableAccess = 'read' | 'write' | 'readWrite' | { readonly actions: readonly DynamoAction[] };

export type DynamoAction = `dynamodb:${string}`;

const READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable'] as const;
const WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:DescribeTable'] as const;
/** Actions that change items, which also need the table key to encrypt. */
const MUTATING = new Set<string>(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem']);

function actionsFor(access: TableAccess): readonly DynamoAction[] {
  if (typeof access === 'object') return access.actions;
  if (access === 'read') return READ_ACTIONS;
  if (access === 'write') return WRITE_ACTIONS;
  return [...new Set([...READ_ACTIONS, ...WRITE_ACTIONS])] as DynamoAction[];
}

export interface RouKeyFunctionProps {
  /** The file in lambdas/handlers/ whose `handler` export this function runs. */
  readonly handler: HandlerName | TriggerName | ObjectEventHandlerName | JobName | EventJobName | 'billing-sync' | 'policy-notices';
  /** @default 29 seconds, API Gateway's default integration timeout */
  readonly timeout?: Duration;
  /** @default 512 */
  readonly memorySize?: number;
  readonly environment?: Record<string, string>;
  /** Caps the function's concurrency and sets that much aside for it; @default none */
  readonly reservedConcurrentExecutions?: number;
}

/**
 * The one Lambda construct: ARM64, Node.js 24, ESM bundle (minified, with source maps), JSON logs into its own log
 * group kept for the error-log window (P11), and a role that starts with nothing but writing to that log group.
 */
export class RouKeyFunction extends NodejsFunction {
  readonly functionLogGroup: LogGroup;

  constructor(scope: Construct, id: string, props: RouKeyFunctionProps) {
    // Created first so the role can be scoped to this log group instead of AWSLambdaBasicExecutionRole's `*`.
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: retentionDays(RETENTION.errorLogDays),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `RouKey ${props.handler} function`,
    });
    role.addToPolicy(new PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
    super(scope, id, {
      entry: `${PROJECT_ROOT}lambdas/handlers/${props.handler}.ts`,
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}package-lock.json`,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(29),
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      bundling: LAMBDA_BUNDLING,
      environment: {
        // Stack traces point at the TypeScript sources.
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
    });
    this.functionLogGroup = logGroup;
  }

  /**
   * Grants `access` to the table (and its KMS key) and sets the table's environment variable in one call; `indexes`
   * extends the grant to the table's secondary indexes.
   */
  bindTable(table: RouKeyTable, access: TableAccess, options: { indexes?: boolean } = {}): this {
    const actions = actionsFor(access);
    this.addToRolePolicy(new PolicyStatement({ actions: [...actions], resources: table.grantableArns(options) }));
    const kmsActions = ['kms:Decrypt', 'kms:DescribeKey'];
    if (actions.some((a) => MUTATING.has(a))) kmsActions.push('kms:Encrypt', 'kms:GenerateDataKey');
    this.addToRolePolicy(new PolicyStatement({ actions: kmsActions, resources: [table.key.keyArn] }));
    this.addEnvironment(tableEnvVar(table.logicalName), table.tableName);
    return this;
  }
}
