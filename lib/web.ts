import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssetHashType, DockerImage, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import type { Bucket, CfnBucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { DashboardConfig } from '../web/src/runtime-config.js';
import { RETENTION } from '../lambdas/store/retention.js';
import { dashboardCsp, HSTS_SECONDS } from './dashboard-headers.js';
import { privateBucket } from './private-bucket.js';
import { retentionDays } from './log-retention.js';

const REPO = fileURLToPath(new URL('../', import.meta.url));

/** What the dashboard reads from `/config.json` in AWS (web/src/runtime-config.ts, mode `cognito`). */
export type DashboardRuntimeConfig = Omit<Extract<DashboardConfig, { mode: 'cognito' }>, 'mode'>;

export interface DashboardProps {
  /** The API's base URL (with its stage path): the only API the page may call (CSP `connect-src` matches by prefix). */
  readonly apiUrl: string;
  /** Managed login's base URL: oidc-client-ts exchanges the code for tokens there. */
  readonly signInDomain: string;
  /** The avatars bucket's address (`https://<bucket>.s3.<region>.amazonaws.com`): avatar uploads post there and pictures load from it. */
  readonly avatarsUrl: string;
}

/**
 * The dashboard: the Vite build of web/ in a private S3 bucket, served by CloudFront through origin access control,
 * with strict security headers and every unknown path answered by `index.html` (the app routes in the browser).
 * `/config.json` is written at deploy time (`deploy`), so one build serves any stack.
 */
export class Dashboard extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  /** `https://<id>.cloudfront.net`: a stack output, managed login's callback and the API's CORS origin. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: DashboardProps) {
    super(scope, id);
    const region = Stack.of(this).region;
    // Nothing in it is data (the build is deployed again on every deploy).
    this.bucket = privateBucket(this, 'Site');
    const headers = new ResponseHeadersPolicy(this, 'Headers', {
      comment: 'RouKey dashboard: CSP without inline scripts, HSTS, no framing, no referrer',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: dashboardCsp([props.apiUrl, `https://cognito-idp.${region}.amazonaws.com`, props.signInDomain], [props.avatarsUrl]),
          override: true,
        },
        strictTransportSecurity: { accessControlMaxAge: Duration.seconds(HSTS_SECONDS), includeSubdomains: true, override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        contentTypeOptions: { override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'RouKey dashboard',
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        compress: true,
      },
      // S3 answers 403 for a key that does not exist (the distribution may not list the bucket): a page's path.
      errorResponses: [403, 404].map((httpStatus) => ({ httpStatus, responseHttpStatus: 200, responsePagePath: '/index.html', ttl: Duration.seconds(0) })),
    });
    this.url = `https://${this.distribution.distributionDomainName}`;
    acknowledgeDashboardFindings(this);
  }

  /** Uploads the build and writes `/config.json`; called once the app client the config names exists. */
  deploy(config: DashboardRuntimeConfig): BucketDeployment {
    const deployment = new BucketDeployment(this, 'Deploy', {
      destinationBucket: this.bucket,
      sources: [webBuild(), Source.jsonData('config.json', { mode: 'cognito', ...config })],
      distribution: this.distribution,
      distributionPaths: ['/index.html', '/config.json'],
      prune: true,
      memoryLimit: 512,
      // The helper's logs keep the error-log window like every RouKey function's (P11).
      logGroup: new LogGroup(this, 'DeployLogs', { retention: retentionDays(RETENTION.errorLogDays), removalPolicy: RemovalPolicy.DESTROY }),
    });
    acknowledgeDeploymentFindings(Stack.of(this), this.bucket);
    return deployment;
  }
}

/** The Vite build of web/, made at synth (`vite build` into the asset's folder); hashed by its output. */
function webBuild() {
  return Source.asset(join(REPO, 'web'), {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Required by the type; the local build below always answers, so no container runs.
      image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:24'),
      local: {
        tryBundle(outputDir: string): boolean {
          const vite = join(REPO, 'node_modules/vite/bin/vite.js');
          const built = spawnSync(
            process.execPath,
            [vite, 'build', '--config', join(REPO, 'web/vite.config.ts'), '--outDir', outputDir, '--logLevel', 'warn'],
            {
              cwd: REPO,
              stdio: 'inherit',
            },
          );
          if (built.status !== 0) throw new Error(`The dashboard's build failed (vite exited with ${built.status}).`);
          // The list of sources is for `npm start`'s staleness check, not for the public site.
          rmSync(join(outputDir, '.sources.json'), { force: true });
          return true;
        },
      },
    },
  });
}

function acknowledgeDashboardFindings(dashboard: Dashboard): void {
  Validations.of(dashboard.bucket).acknowledge({
    id: 'AwsSolutions-S1',
    reason:
      'The bucket holds only the public build of the dashboard, read by CloudFront alone (origin access control); every request to it is a CloudFront request, and the API it calls keeps its own access logs.',
  });
  Validations.of(dashboard.distribution).acknowledge(
    {
      id: 'AwsSolutions-CFR1',
      reason:
        'The dashboard is static files for whoever may sign in; where people sign in from is the operator’s policy, enforced by Cognito and the API, not by the static site.',
    },
    {
      id: 'AwsSolutions-CFR2',
      reason:
        'The distribution serves only static, public files (no data, no API); the API behind the dashboard has its own WAF (roukey:waf) and rate limits, which is where attacks are stopped.',
    },
    {
      id: 'AwsSolutions-CFR3',
      reason:
        'Access logs of static files would record visitors’ addresses for no purpose (PRIVACY: no IPs outside security events); the API’s access logs and security events record what matters.',
    },
    {
      id: 'AwsSolutions-CFR4',
      reason:
        'The distribution uses its default *.cloudfront.net certificate, whose viewer TLS policy CloudFront fixes (browsers negotiate TLS 1.2 or 1.3 with it); choosing a policy needs a custom domain and certificate, which an operator puts in front with roukey:dashboardUrl.',
    },
  );
}

/** CDK's deployment helper (one Lambda per stack, shared by every BucketDeployment): its findings, acknowledged there. */
function acknowledgeDeploymentFindings(stack: Stack, bucket: Bucket): void {
  const bucketId = stack.getLogicalId(bucket.node.defaultChild as CfnBucket);
  const helper = stack.node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
  if (!helper) throw new Error("No BucketDeployment helper in the stack: aws-cdk-lib's construct id changed");
  const copy =
    "CDK's deployment helper copies the build from CDK's asset bucket into the dashboard's bucket and deletes what the new build no longer has: object-level wildcards (bucket/*) and S3's read/write action groups, on those two buckets only";
  Validations.of(helper).acknowledge(
    {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: "CDK's deployment helper uses AWSLambdaBasicExecutionRole to write its own logs; its S3 and CloudFront rights are inline and scoped.",
    },
    ...['Action::s3:GetBucket*', 'Action::s3:GetObject*', 'Action::s3:List*', 'Action::s3:Abort*', 'Action::s3:DeleteObject*'].map((finding) => ({
      id: `AwsSolutions-IAM5[${finding}]`,
      reason: `${copy}.`,
    })),
    {
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
      reason: `${copy}; this is CDK's bootstrap asset bucket, where the build is staged.`,
    },
    { id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*]`, reason: `${copy}; this is the dashboard's own bucket.` },
    {
      id: 'AwsSolutions-L1',
      reason: "The runtime of CDK's own deployment helper is chosen by aws-cdk-lib and moves with it; the helper runs only while a deploy copies the build.",
    },
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        "cloudfront:CreateInvalidation and GetInvalidation, which the helper calls on the dashboard's distribution after a deploy, support no resource-level scoping in the policy CDK writes.",
    },
  );
}
