import { existsSync } from 'node:fs';
import { App, Stack, Validations } from 'aws-cdk-lib';
import type { CfnStage } from 'aws-cdk-lib/aws-apigateway';
import { Key } from 'aws-cdk-lib/aws-kms';
import { AwsSolutionsChecks, NagRuleCompliance, rules } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { createApp } from '../../lib/app.js';
import type { RouKeyStack } from '../../lib/roukey-stack.js';
import { CDK_JSON_CONTEXT, resourcesOnly } from './synth-context.js';

// Bundling is irrelevant to cdk-nag's rules, so this file synthesizes without it (test/infra/stack.test.ts bundles).
const { app, stack } = createApp(resourcesOnly(CDK_JSON_CONTEXT));
const wafOff = createApp(resourcesOnly({ ...CDK_JSON_CONTEXT, 'roukey:waf': 'false', 'roukey:tracing': 'true' }));

/** Every acknowledgment recorded in the tree: rule id → reasons. */
function acknowledgments(root: IConstruct): { id: string; reason: string; path: string }[] {
  return root.node
    .findAll()
    .flatMap((c) =>
      c.node.metadata
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) => Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({ id, reason, path: c.node.path }))),
    );
}

function stageOf(roukey: RouKeyStack): CfnStage {
  return roukey.api.restApi.deploymentStage.node.defaultChild as CfnStage;
}

describe('cdk-nag AwsSolutions', () => {
  it('the app synthesizes with the AwsSolutions plugin and zero unacknowledged findings', () => {
    expect(() => app.synth()).not.toThrow();
    const report = new AwsSolutionsChecks(app, { verbose: true }).validateScope(app);
    expect(report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(',')}`)).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('acknowledges only the reviewed rules, each with a specific reason', () => {
    const acks = acknowledgments(app);
    // Granular findings (`AwsSolutions-IAM5[Action::…]`) count under their rule.
    const ids = [...new Set(acks.map((a) => a.id.replace(/^annotation::/i, '').replace(/\[.*\]$/, '')))].sort();
    expect(ids).toEqual([
      'AwsSolutions-APIG2',
      'AwsSolutions-APIG4',
      'AwsSolutions-APIG6',
      'AwsSolutions-CFR1',
      'AwsSolutions-CFR2',
      'AwsSolutions-CFR3',
      'AwsSolutions-CFR4',
      'AwsSolutions-COG2',
      'AwsSolutions-COG4',
      'AwsSolutions-IAM4',
      'AwsSolutions-IAM5',
      'AwsSolutions-L1',
      'AwsSolutions-S1',
      'AwsSolutions-SNS2',
      'AwsSolutions-SQS3',
    ]);
    for (const a of acks) {
      expect(a.reason.length).toBeGreaterThan(60);
      expect(a.reason).not.toMatch(/\b(todo|tbd|n\/a|ignore)\b/i);
    }
    // Wildcards are acknowledged one resource at a time: RouKey's own only on the avatar bucket's two key prefixes and the
    // exports bucket's one; the rest belong to CDK's deployment helper that uploads the dashboard, and to the aggregator's
    // dynamodb:ListStreams, which has no resource-level permissions.
    for (const a of acks.filter((x) => x.id.includes('IAM5') && !/Custom::CDKBucketDeployment|BucketDeployment|\/Jobs\//i.test(`${x.path} ${x.id}`)))
      expect(a.id).toMatch(
        /s3:::roukey(avatars[0-9a-f]{8}-<AWS::AccountId>-<AWS::Region>\/(incoming|avatars)|exports[0-9a-f]{8}-<AWS::AccountId>-<AWS::Region>\/exports)\/\*\]$/,
      );
    // Method-level acknowledgments (APIG4/COG4) are on individual unauthenticated methods, never on the whole API.
    for (const a of acks.filter((x) => /APIG4|COG4/.test(x.id))) expect(a.path).toMatch(/\/(GET|POST|OPTIONS)$/);
  });

  it('with WAF on (the default) the stage meets APIG3 on its own: no waiver for it exists', () => {
    expect(acknowledgments(app).filter((a) => a.id.includes('APIG3'))).toEqual([]);
    expect(rules.apigw.APIGWAssociatedWithWAF(stageOf(stack))).toBe(NagRuleCompliance.COMPLIANT);
  });

  it('with roukey:waf=false the APIG3 finding is real, and its waiver claims only what is left', () => {
    // Remove the waiver and the finding is back: the rule itself fails the stage.
    expect(rules.apigw.APIGWAssociatedWithWAF(stageOf(wafOff.stack))).toBe(NagRuleCompliance.NON_COMPLIANT);
    expect(new AwsSolutionsChecks(wafOff.app).validateScope(wafOff.app).violations).toEqual([]);
    const waivers = acknowledgments(wafOff.app).filter((a) => a.id.includes('APIG3'));
    expect(waivers).toHaveLength(1);
    expect(waivers[0]!.reason).toContain('roukey:waf=false');
    expect(waivers[0]!.reason).toContain('no per-IP limit');
    expect(waivers[0]!.reason).toContain('100 requests/s, burst 200');
    // What it claims beside the throttle is the router's own limiter, which exists (docs/limits.md).
    expect(waivers[0]!.reason).toContain('per-key and per-account request limits (lambdas/limits/)');
    expect(existsSync(new URL('../../lambdas/limits/request-gate.ts', import.meta.url))).toBe(true);
    expect(waivers[0]!.reason).not.toMatch(/enforces|quota/i);
  });

  it('P7: the logging waiver mentions X-Ray traces only when tracing is on', () => {
    const apig6 = (root: IConstruct) => acknowledgments(root).find((a) => a.id.includes('APIG6'))!.reason;
    expect(apig6(app)).not.toMatch(/x-ray/i);
    expect(apig6(wafOff.app)).toMatch(/X-Ray traces of sampled requests \(roukey:tracing\)/);
  });

  it('the harness fails on a real finding (a KMS key without rotation)', () => {
    const bad = new App(resourcesOnly());
    new Key(new Stack(bad, 'Bad'), 'Key', { enableKeyRotation: false });
    const report = new AwsSolutionsChecks(bad).validateScope(bad);
    expect(report.violations.map((v) => v.ruleName)).toContain('AwsSolutions-KMS5');
    Validations.of(bad).addPlugins(new AwsSolutionsChecks(bad));
    expect(() => bad.synth()).toThrow();
  });
});
