import { Validations } from 'aws-cdk-lib';
import type { RestApi, Stage } from 'aws-cdk-lib/aws-apigateway';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { ROUTES, type Route } from '../lambdas/handlers/routes.js';
import { ApiError } from '../lambdas/http/errors.js';

/** WAF's rate-based window; the context key `roukey:wafRateLimit` counts requests per IP over it. */
export const RATE_WINDOW_SECONDS = 300;

/** The AWS Managed Rules groups on the stage (both free of subscription fees). */
export const MANAGED_RULE_GROUPS = ['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet'] as const;

const BODY_METHODS: ReadonlySet<Route['method']> = new Set(['POST', 'PUT', 'PATCH']);
const RATE_LIMITED_BODY = 'rate-limited';
const NO_TRANSFORMATION = [{ priority: 0, type: 'NONE' }];

/** The routes whose requests carry a body, from the one route table: a route added there is covered here. */
export function bodyRoutes(routes: readonly Route[] = ROUTES): Route[] {
  return routes.filter((r) => BODY_METHODS.has(r.method));
}

export interface EdgeProps {
  /** The API stage the web ACL protects. */
  readonly stage: Stage;
  /** Requests one IP may send per RATE_WINDOW_SECONDS before it is answered 429. */
  readonly rateLimit: number;
  /** @default ROUTES, the one route table */
  readonly routes?: readonly Route[];
}

/**
 * AWS WAF on the API stage (per-IP protection at the edge, P7; costs in docs/edge.md). In order:
 *  1. PerIpRateLimit: requests per source IP over 5 minutes; past the limit, 429 in OpenAI's error shape.
 *  2. CommonRuleSet and 3. KnownBadInputs: AWS's managed groups, for every request except those to routes that take a
 *     body. Chat and messages bodies are arbitrary text up to 10 MB (code, HTML, exploit write-ups), and role prompts
 *     and configs pass 8 KB too: the groups' body rules (SizeRestrictions_BODY blocks anything over 8 KB; XSS, LFI,
 *     RFI, SSRF, Log4J patterns) would refuse them, and a body rule AWS adds to a group later would too. So those
 *     requests are scoped out of the groups, not patched rule by rule; every body is validated by its handler's schema.
 * No rule of RouKey's reads a body, so the body inspection limit stays at API Gateway's default (no AssociationConfig,
 * no fee); on the requests the groups do see, each AWS rule keeps its own oversize handling.
 * Privacy: no WAF logging and no sampled requests (they keep client IPs for hours); only per-rule counts in CloudWatch.
 */
export class Edge extends Construct {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: EdgeProps) {
    super(scope, id);
    const outsideBodyRoutes: CfnWebACL.StatementProperty = { notStatement: { statement: anyOf(bodyRoutes(props.routes).map(routeMatch)) } };
    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      description: 'RouKey: per-IP rate limit and AWS managed rules on the API stage',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('RouKeyEdge'),
      customResponseBodies: {
        [RATE_LIMITED_BODY]: {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify(
            new ApiError('rate_limited', 'Too many requests from this IP address; retry in a few minutes.', { code: 'rate_limit_exceeded' }).toBody(),
          ),
        },
      },
      rules: [
        {
          name: 'PerIpRateLimit',
          priority: 0,
          statement: { rateBasedStatement: { aggregateKeyType: 'IP', limit: props.rateLimit, evaluationWindowSec: RATE_WINDOW_SECONDS } },
          action: { block: { customResponse: { responseCode: 429, customResponseBodyKey: RATE_LIMITED_BODY } } },
          visibilityConfig: visibility('PerIpRateLimit'),
        },
        ...MANAGED_RULE_GROUPS.map((name, i) => ({
          name,
          priority: i + 1,
          statement: { managedRuleGroupStatement: { vendorName: 'AWS', name, scopeDownStatement: outsideBodyRoutes } },
          overrideAction: { none: {} },
          visibilityConfig: visibility(name),
        })),
      ],
    });
    new CfnWebACLAssociation(this, 'StageAssociation', { resourceArn: props.stage.stageArn, webAclArn: this.webAcl.attrArn });
  }
}

/**
 * When the deployer turns WAF off (`roukey:waf=false`), cdk-nag's finding is acknowledged with what is left at the edge;
 * with WAF on there is nothing to acknowledge.
 */
export function acknowledgeWafOff(api: RestApi, throttling: { readonly rateLimit: number; readonly burstLimit: number }): void {
  Validations.of(api).acknowledge({
    id: 'AwsSolutions-APIG3',
    reason: `The deployer turned AWS WAF off (roukey:waf=false), so there is no per-IP limit and no managed rule group at the edge; what remains is API Gateway's stage-wide throttle (${throttling.rateLimit} requests/s, burst ${throttling.burstLimit}) and the handlers' own key checks, per-key and per-account request limits (lambdas/limits/) and input validation.`,
  });
}

/** A request to `route`: its method, and its path at the end of the URI (after the stage name, or none on a custom domain). */
function routeMatch(route: Route): CfnWebACL.StatementProperty {
  const path = route.path
    .split('/')
    .map((segment) => (segment.startsWith('{') ? '[^/]+' : segment.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
    .join('/');
  return {
    andStatement: {
      statements: [
        {
          byteMatchStatement: {
            fieldToMatch: { method: {} },
            positionalConstraint: 'EXACTLY',
            searchString: route.method,
            textTransformations: NO_TRANSFORMATION,
          },
        },
        { regexMatchStatement: { fieldToMatch: { uriPath: {} }, regexString: `${path}/?$`, textTransformations: NO_TRANSFORMATION } },
      ],
    },
  };
}

/** WAF's OR needs two statements or more. */
function anyOf(statements: CfnWebACL.StatementProperty[]): CfnWebACL.StatementProperty {
  return statements.length === 1 ? statements[0]! : { orStatement: { statements } };
}

/** Counts per rule in CloudWatch; no sampled requests, which would keep callers' IPs and headers (P7). */
function visibility(metricName: string): CfnWebACL.VisibilityConfigProperty {
  return { cloudWatchMetricsEnabled: true, metricName, sampledRequestsEnabled: false };
}
