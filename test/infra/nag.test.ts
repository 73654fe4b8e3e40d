import { App, Stack, Validations } from 'aws-cdk-lib';
import type { CfnStage } from 'aws-cdk-lib/aws-apigateway';
import { Key } from 'aws-cdk-lib/aws-kms';
import { AwsSolutionsChecks, NagRuleCompliance, rules } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { createApp } from '../../lib/app.js';
import type { RouKeyStack } from '../../lib/roukey-stack.js';
import { CDK_JSON_CONTEXT, NO_BUNDLING } from './synth-context.js';

// Bundling is irrelevant to cdk-nag's rules, so this file synthesizes without it (test/infra/stack.test.ts bundles).
const { app, stack } = createApp({ context: { ...CDK_JSON_CONTEXT, ...NO_BUNDLING } });
const wafOff = createApp({ context: { ...CDK_JSON_CONTEXT, ...NO_BUNDLING, 'roukey:waf': 'false', 'roukey:tracing': 'true' } });

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
    const ids = [...new Set(acks.map((a) => a.id.replace(/^annotation::/i, '')))].sort();
    expect(ids).toEqual([
      'AwsSolutions-APIG2',
      'AwsSolutions-APIG4',
      'AwsSolutions-APIG6',
      'AwsSolutions-COG2',
      'AwsSolutions-COG4',
      'AwsSolutions-IAM5[Resource::*]',
      'AwsSolutions-SQS3',
    ]);
    for (const a of acks) {
      expect(a.reason.length).toBeGreaterThan(60);
      expect(a.reason).not.toMatch(/\b(todo|tbd|n\/a|ignore)\b/i);
    }
    // Method-level acknowledgments (APIG4/COG4) are on individual unauthenticated methods, never on the whole API.
    for (const a of acks.filter((x) => /APIG4|COG4/.test(x.id))) expect(a.path).toMatch(/\/(GET|POST)$/);
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
    expect(waivers[0]!.reason).not.toMatch(/per-key|enforces|quota/i);
  });

  it('P7: the logging waiver mentions X-Ray traces only when tracing is on', () => {
    const apig6 = (root: IConstruct) => acknowledgments(root).find((a) => a.id.includes('APIG6'))!.reason;
    expect(apig6(app)).not.toMatch(/x-ray/i);
    expect(apig6(wafOff.app)).toMatch(/X-Ray traces of sampled requests \(roukey:tracing\)/);
  });

  it('the harness fails on a real finding (a KMS key without rotation)', () => {
    const bad = new App({ context: NO_BUNDLING });
    new Key(new Stack(bad, 'Bad'), 'Key', { enableKeyRotation: false });
    const report = new AwsSolutionsChecks(bad).validateScope(bad);
    expect(report.violations.map((v) => v.ruleName)).toContain('AwsSolutions-KMS5');
    Validations.of(bad).addPlugins(new AwsSolutionsChecks(bad));
    expect(() => bad.synth()).toThrow();
  });
});
