import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Dashboard, GraphWidget, MathExpression, Metric, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, QueryDefinition, QueryString, type ILogGroup } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRIC, METRICS_NAMESPACE, ROUTER_SERVICE } from '../lambdas/gateway/request-metrics.js';
import { ERROR_KINDS, type ErrorKind } from '../lambdas/http/errors.js';
import { HANDLERS, ROUTES, type HandlerName } from '../lambdas/handlers/routes.js';
import { RETENTION } from '../lambdas/store/retention.js';
import { TABLE_NAMES, type TableName } from '../lambdas/store/tables.js';
import type { Api } from './api.js';
import type { RouKeyTable } from './data.js';
import type { RouKeyFunction } from './function.js';
import { retentionDays } from './log-retention.js';

/** When an alarm goes off; each is documented in docs/observability.md. */
export const ALARM_THRESHOLDS = {
  /** Router answers that were 5xx, percent of requests, over 5 minutes. */
  router5xxPercent: 5,
  /** Router latency p99 (arrival to last byte), ms, over 5 minutes: streamed answers run long, so this is generous. */
  routerLatencyP99Ms: 120_000,
  /** The aggregator's oldest unprocessed stream record, ms. */
  aggregatorIteratorAgeMs: 5 * 60_000,
} as const;

export interface ObservabilityProps {
  readonly api: Api;
  readonly tables: Readonly<Record<TableName, RouKeyTable>>;
  /** `roukey:alarmEmail`: subscribed to the alarm topic (a confirmation mail is sent). */
  readonly alarmEmail?: string;
  /** The activity stream's aggregator and its on-failure queue, where deployed. */
  readonly aggregator?: { readonly fn: IFunction; readonly deadLetterQueue: IQueue };
  /** The jobs RouKey's own events start (lib/events.ts), by name, and the queue their failed events land in. */
  readonly eventJobs?: { readonly fns: Readonly<Record<string, IFunction>>; readonly deadLetterQueue: IQueue };
}

const PERIOD = Duration.minutes(5);

/** RouKey's own metrics, as the router writes them (lambdas/gateway/request-metrics.ts): the totals, `service` alone. */
function routerMetric(metricName: string, statistic: string, label?: string): Metric {
  return new Metric({ namespace: METRICS_NAMESPACE, metricName, dimensionsMap: { service: ROUTER_SERVICE }, statistic, period: PERIOD, label });
}

/** A SEARCH over every value of the router's dimensions, for graphs by provider, status class or strategy. */
function routerSearch(metricName: string, label: string): MathExpression {
  return new MathExpression({
    expression: `SEARCH('{${METRICS_NAMESPACE},service,provider,statusClass,strategy} MetricName="${metricName}"', 'Sum', 300)`,
    label,
    period: PERIOD,
  });
}

const SERVER_ERROR_KINDS = (Object.keys(ERROR_KINDS) as ErrorKind[]).filter((kind) => ERROR_KINDS[kind].status >= 500);

/**
 * What an operator watches in CloudWatch: a dashboard, alarms to an SNS topic (mailed to `roukey:alarmEmail`), the
 * audit trail's own log group (its windows: lambdas/store/retention.ts) and saved Logs Insights queries over it and
 * the API's access logs. Costs and what each part shows: docs/observability.md.
 */
export class Observability extends Construct {
  readonly auditLogs: LogGroup;
  readonly alarmTopic: Topic;
  readonly dashboard: Dashboard;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const { api, tables, aggregator, eventJobs } = props;
    const functions = Object.entries(api.functions) as [HandlerName, RouKeyFunction][];
    const routers = functions.filter(([name]) => HANDLERS[name].streaming).map(([, fn]) => fn);

    // The audit trail outlives the functions' own logs; kept when the stack is deleted, as audit records should be.
    this.auditLogs = new LogGroup(this, 'AuditLogs', { retention: retentionDays(RETENTION.auditLogDays), removalPolicy: RemovalPolicy.RETAIN });
    const management = new Set(ROUTES.filter((route) => route.auth === 'cognito').map((route) => route.handler));
    for (const [name, fn] of functions) {
      if (!management.has(name)) continue;
      fn.addToRolePolicy(new PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.auditLogs.logGroupArn] }));
      fn.addEnvironment('AUDIT_LOG_GROUP', this.auditLogs.logGroupName);
    }

    this.alarmTopic = new Topic(this, 'AlarmTopic', { displayName: 'RouKey alarms', enforceSSL: true });
    Validations.of(this.alarmTopic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'The topic carries CloudWatch alarm notifications only (alarm names, states and metric values: no account data, no request content); CloudWatch can publish to an encrypted topic only through a customer managed key whose policy admits it, a monthly charge for nothing secret.',
    });
    if (props.alarmEmail) this.alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));

    const requests = routerMetric(METRIC.requests, 'Sum', 'requests');
    const serverErrors = Object.fromEntries(SERVER_ERROR_KINDS.map((kind, i) => [`e${i}`, routerMetric(METRIC.errors(kind), 'Sum')]));
    this.alarm('Router5xxRate', {
      metric: new MathExpression({
        expression: `100 * (${Object.keys(serverErrors)
          .map((k) => `FILL(${k}, 0)`)
          .join(' + ')}) / requests`,
        usingMetrics: { requests, ...serverErrors },
        label: 'router 5xx, % of requests',
        period: PERIOD,
      }),
      threshold: ALARM_THRESHOLDS.router5xxPercent,
      description: 'More than 5% of router requests answered 5xx (upstream errors, timeouts, internal errors) in 5 minutes.',
    });
    this.alarm('RouterLatencyP99', {
      metric: routerMetric(METRIC.latency, 'p99'),
      threshold: ALARM_THRESHOLDS.routerLatencyP99Ms,
      description: 'Router p99 latency (arrival to last byte) above 2 minutes for 15 minutes.',
      evaluationPeriods: 3,
    });
    const tableThrottles = Object.fromEntries(
      TABLE_NAMES.flatMap((name, i) => [
        [`r${i}`, tables[name].metric('ReadThrottleEvents', { statistic: 'Sum', period: PERIOD })],
        [`w${i}`, tables[name].metric('WriteThrottleEvents', { statistic: 'Sum', period: PERIOD })],
      ]),
    );
    this.alarm('DynamoDbThrottles', {
      metric: new MathExpression({
        expression: Object.keys(tableThrottles)
          .map((k) => `FILL(${k}, 0)`)
          .join(' + '),
        usingMetrics: tableThrottles,
        label: 'throttled',
        period: PERIOD,
      }),
      threshold: 1,
      description: 'A DynamoDB table throttled reads or writes (on-demand tables throttle only past their account or partition limits).',
    });
    this.alarm('RouterThrottles', {
      metric: sumOf(
        routers.map((fn) => fn.metricThrottles({ period: PERIOD })),
        'router throttles',
      ),
      threshold: 1,
      description: 'Lambda throttled router invocations: reserved concurrency (roukey:routerConcurrency) or the account limit reached.',
    });
    for (const [name, fn] of functions) {
      this.alarm(`LambdaErrors${pascalCase(name)}`, {
        metric: fn.metricErrors({ period: PERIOD }),
        threshold: 1,
        description: `The ${name} function failed (an error its handler did not turn into an HTTP answer, or a timeout).`,
      });
    }
    if (aggregator) {
      this.alarm('AggregatorIteratorAge', {
        metric: aggregator.fn.metric('IteratorAge', { statistic: 'Maximum', period: PERIOD }),
        threshold: ALARM_THRESHOLDS.aggregatorIteratorAgeMs,
        description: 'The usage aggregator is more than 5 minutes behind the activity stream.',
      });
      this.alarm('AggregatorDeadLetters', {
        metric: aggregator.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }),
        threshold: 1,
        description: 'Activity stream batches the aggregator gave up on are waiting in its dead-letter queue.',
      });
    }

    if (eventJobs) {
      for (const [name, fn] of Object.entries(eventJobs.fns)) {
        this.alarm(`JobErrors${pascalCase(name)}`, {
          metric: fn.metricErrors({ period: PERIOD }),
          threshold: 1,
          description: `The ${name} job failed (it is retried twice; an export or deletion may be late).`,
        });
      }
      this.alarm('JobDeadLetters', {
        metric: eventJobs.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }),
        threshold: 1,
        description:
          'An export or deletion event failed all its attempts and waits in the jobs dead-letter queue (send it back once fixed: jobs are idempotent).',
      });
    }

    this.dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(6) });
    const graph = (title: string, left: IMetric[], right: IMetric[] = []) => new GraphWidget({ title, left, right, width: 12 });
    this.dashboard.addWidgets(
      graph('Traffic', [requests, routerSearch(METRIC.requests, 'by provider, status class, strategy')]),
      graph(
        'Latency and time to first token (ms)',
        ['p50', 'p90', 'p99'].map((p) => routerMetric(METRIC.latency, p, `latency ${p}`)),
        [routerMetric(METRIC.ttft, 'p50', 'TTFT p50'), routerMetric(METRIC.ttft, 'p99', 'TTFT p99')],
      ),
      graph('Errors by class', [searchByName('Errors', 'errors')]),
      graph('Fallbacks and refusals by limit', [routerMetric(METRIC.fallbacks, 'Sum', 'fallbacks'), searchByName('Refused', 'refused')]),
      graph('Tokens', [routerMetric(METRIC.promptTokens, 'Sum', 'prompt'), routerMetric(METRIC.completionTokens, 'Sum', 'completion')]),
      graph(
        'Router Lambda: duration p99 (ms) and concurrency',
        routers.map((fn) => fn.metricDuration({ statistic: 'p99', period: PERIOD })),
        routers.map((fn) => fn.metric('ConcurrentExecutions', { statistic: 'Maximum', period: PERIOD })),
      ),
      graph('DynamoDB throttles', Object.values(tableThrottles)),
      ...(aggregator
        ? [
            graph(
              'Aggregator: iterator age (ms), errors and dead letters',
              [aggregator.fn.metric('IteratorAge', { statistic: 'Maximum', period: PERIOD })],
              [aggregator.fn.metricErrors({ period: PERIOD }), aggregator.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: PERIOD })],
            ),
          ]
        : []),
    );

    savedQueries(this, this.auditLogs, api.accessLogs);
  }

  private alarm(id: string, options: { metric: IMetric; threshold: number; description: string; evaluationPeriods?: number }): void {
    const alarm = new Alarm(this, id, {
      metric: options.metric,
      threshold: options.threshold,
      evaluationPeriods: options.evaluationPeriods ?? 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // No traffic is no trouble.
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: options.description,
    });
    alarm.addAlarmAction(new SnsAction(this.alarmTopic));
    this.alarms.push(alarm);
  }
}

function sumOf(metrics: IMetric[], label: string): MathExpression {
  const using = Object.fromEntries(metrics.map((m, i) => [`m${i}`, m]));
  return new MathExpression({
    expression: Object.keys(using)
      .map((k) => `FILL(${k}, 0)`)
      .join(' + '),
    usingMetrics: using,
    label,
    period: PERIOD,
  });
}

/** Every router metric whose name starts with `prefix.` (Errors.<kind>, Refused.<limit>), totals only. */
function searchByName(prefix: string, label: string): MathExpression {
  return new MathExpression({ expression: `SEARCH('{${METRICS_NAMESPACE},service} MetricName="${prefix}."', 'Sum', 300)`, label, period: PERIOD });
}

/** Saved Logs Insights queries: the audit trail's questions, and failed sign-ins from the API's access logs. */
function savedQueries(scope: Construct, audit: ILogGroup, accessLogs: ILogGroup): void {
  const fields = ['@timestamp', 'accountId', 'user', 'admin', 'method', 'route', 'resourceId', 'createdId', 'status', 'errorCode'];
  const auditQuery = (id: string, name: string, filter?: string) =>
    new QueryDefinition(scope, id, {
      queryDefinitionName: `RouKey/${name}`,
      logGroups: [audit],
      queryString: new QueryString({ fields, ...(filter ? { filterStatements: [filter] } : {}), sort: '@timestamp desc', limit: 1000 }),
    });
  auditQuery('ManagementChangesQuery', 'Management changes');
  auditQuery('KeyChangesQuery', 'API and provider key creation and deletion', `route like /^\\/v1\\/(api|provider)-keys/ and method in ['POST', 'DELETE']`);
  auditQuery('AdminActionsQuery', 'Admin actions', 'admin = 1');
  auditQuery('SecurityEventsQuery', 'Security events (refused management calls)', 'status in [401, 403]');
  auditQuery('DeletionsAndExportsQuery', 'Deletions and exports', `method = 'DELETE' or route like /export/`);
  new QueryDefinition(scope, 'FailedSignInsQuery', {
    queryDefinitionName: 'RouKey/Failed sign-ins (rejected tokens and API keys)',
    logGroups: [accessLogs],
    queryString: new QueryString({
      fields: ['@timestamp', 'httpMethod', 'resourcePath', 'status', 'errorType'],
      filterStatements: ['status = 401 or status = 403'],
      statsStatements: ['count(*) as refused by resourcePath, status, bin(5m)'],
    }),
  });
}

/** `data-export` → `DataExport`: construct ids from handler names. */
function pascalCase(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_m, _d: string, c: string) => c.toUpperCase());
}
