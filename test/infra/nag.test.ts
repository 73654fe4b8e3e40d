import { App, Stack, Validations } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { createApp } from '../../lib/app.js';
import { CDK_JSON_CONTEXT, NO_BUNDLING } from './synth-context.js';

// Bundling is irrelevant to cdk-nag's rules.
const { app } = createApp({ context: { ...CDK_JSON_CONTEXT, ...NO_BUNDLING } });

/** Every acknowledgment recorded in the tree: rule id → reasons. */
function acknowledgments(root: IConstruct): { id: string; reason: string; path: string }[] {
  return root.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({ id, reason, path: c.node.path }))),
  );
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
    expect(ids).toEqual(['AwsSolutions-APIG2', 'AwsSolutions-APIG3', 'AwsSolutions-APIG4', 'AwsSolutions-APIG6', 'AwsSolutions-COG2', 'AwsSolutions-COG4']);
    for (const a of acks) {
      expect(a.reason.length).toBeGreaterThan(60);
      expect(a.reason).not.toMatch(/\b(todo|tbd|n\/a|ignore)\b/i);
    }
    // Method-level acknowledgments (APIG4/COG4) are on individual unauthenticated methods, never on the whole API.
    for (const a of acks.filter((x) => /APIG4|COG4/.test(x.id))) expect(a.path).toMatch(/\/(GET|POST)$/);
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
