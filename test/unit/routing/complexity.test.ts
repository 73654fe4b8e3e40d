import { scoreComplexity } from '../../../lambdas/routing/classify/index.js';
import type { RoutingRequest } from '../../../lambdas/routing/decision.js';
import { complexityHoldout, complexityPrompts, routingRequest, withinBands, type ComplexityPrompt } from '../../fixtures/roles/labelled-sets.js';

const score = (text: string, extra: Partial<ComplexityPrompt> = {}) => scoreComplexity(routingRequest({ text, ...extra }));
const scored = (prompts: readonly ComplexityPrompt[]) => prompts.map((p) => [p.band, scoreComplexity(routingRequest(p))] as const);

const DESIGN_TASK =
  'Design the architecture for a multi-tenant analytics platform ingesting 2 billion events a day: the ingestion ' +
  'pipeline, storage layout and partitioning, the query engine, per-tenant isolation and quotas, cost controls, ' +
  'schema evolution, backfills, disaster recovery across two regions, and observability. Compare at least two ' +
  'options for each layer, justify the trade-offs, list the risks with mitigations, and give a phased migration ' +
  'plan from our current single Postgres database, step by step.';

describe('labelled complexity prompts', () => {
  it('hold at least 100 prompts, at least 15 per band 1-5', () => {
    const prompts = complexityPrompts();
    expect(prompts.length).toBeGreaterThanOrEqual(100);
    for (const band of [1, 2, 3, 4, 5]) expect(prompts.filter((p) => p.band === band).length).toBeGreaterThanOrEqual(15);
  });
});

describe('scoreComplexity', () => {
  it('scores at least 65% of the labelled prompts in their exact band and all of them within one band', () => {
    const pairs = scored(complexityPrompts());
    expect(withinBands(pairs, 0)).toBeGreaterThanOrEqual(0.65);
    expect(withinBands(pairs, 1)).toBe(1);
  });

  it('generalises: the hold-out prompts it was never fitted on, at least 50% exact and 90% within one band', () => {
    const pairs = scored(complexityHoldout());
    expect(withinBands(pairs, 0)).toBeGreaterThanOrEqual(0.5);
    expect(withinBands(pairs, 1)).toBeGreaterThanOrEqual(0.9);
  });

  it('scores a greeting 1 and a long multi-part design task at least 4', () => {
    expect(score('hi!')).toBe(1);
    expect(score('thanks')).toBe(1);
    expect(score(DESIGN_TASK)).toBeGreaterThanOrEqual(4);
  });

  it('never scores down for more length, more parts, more demanding words or tools', () => {
    const base = 'Write a function that sorts a list of users by signup date.';
    const longer = `${base} Users without a date go last, ties break by name, and the sort must be stable.`;
    const demanding = `${longer} Implement it step by step, justify the design, and add tests for the edge cases.`;
    expect(score(longer)).toBeGreaterThanOrEqual(score(base));
    expect(score(demanding)).toBeGreaterThanOrEqual(score(longer));
    expect(score(demanding, { tools: true })).toBeGreaterThanOrEqual(score(demanding));
    expect(score(demanding)).toBeGreaterThan(score(base));
  });

  it('answers a whole band 1-5 for any body, including none', () => {
    const empty: RoutingRequest = { ...routingRequest({ text: '' }), body: {} };
    expect(scoreComplexity(empty)).toBe(1);
    const huge = score(`${DESIGN_TASK}\n`.repeat(400));
    expect(huge).toBe(5);
    for (const [, predicted] of scored(complexityPrompts())) expect([1, 2, 3, 4, 5]).toContain(predicted);
  });
});
