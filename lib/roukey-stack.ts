import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Api } from './api.js';
import { Auth } from './auth.js';
import { Data } from './data.js';
import { Edge, acknowledgeWafOff } from './edge.js';
import { ProviderKeyKey } from './keys.js';
import { readStackConfig } from './stack-config.js';

/** RouKey in one customer's account. Composes the constructs; holds no logic of its own. */
export class RouKeyStack extends Stack {
  readonly data: Data;
  readonly providerKeys: ProviderKeyKey;
  readonly auth: Auth;
  readonly api: Api;
  /** The WAF on the API stage; absent when the deployer turned it off (`roukey:waf=false`). */
  readonly edge?: Edge;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const config = readStackConfig(this);
    const throttling = { rateLimit: config.throttleRateLimit, burstLimit: config.throttleBurstLimit };
    this.data = new Data(this, 'Data');
    this.providerKeys = new ProviderKeyKey(this, 'ProviderKeys');
    this.auth = new Auth(this, 'Auth', { signUp: { mode: config.signUp, domains: config.signUpDomains }, adminEmail: config.adminEmail });
    this.api = new Api(this, 'Api', {
      tables: this.data.tables,
      providerKeys: this.providerKeys,
      auth: this.auth,
      throttling,
      enableBedrock: config.enableBedrock,
      plans: { overrides: config.plans, defaultPlan: config.defaultPlan },
      tracing: config.tracing,
      routerConcurrency: config.routerConcurrency,
    });
    if (config.waf) this.edge = new Edge(this, 'Edge', { stage: this.api.restApi.deploymentStage, rateLimit: config.wafRateLimit });
    else acknowledgeWafOff(this.api.restApi, throttling);

    new CfnOutput(this, 'GatewayUrl', { value: this.api.restApi.url, description: 'OpenAI base URL: append v1' });
    new CfnOutput(this, 'UserPoolId', { value: this.auth.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.auth.client.userPoolClientId });
  }
}
