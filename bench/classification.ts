import { BUILTIN_ROLE_SET, classifyLocal, scoreComplexity } from '../lambdas/routing/classify/index.js';
import type { RoutingRequest } from '../lambdas/routing/decision.js';
import { complexityPrompts, rolePrompts, routingRequest } from '../test/fixtures/roles/labelled-sets.js';
import { percentile } from './load.js';

/** Classification's per-request cost, in ms: the local role classifier and the complexity scorer. */
export const CLASSIFICATION_TARGET_P99_MS = 1;

export interface ClassificationTiming {
  readonly name: string;
  readonly medianMs: number;
  readonly p99Ms: number;
}

/** Median and p99 of `run` over `requests`, cycled `rounds` times after a warm-up. */
function timing(name: string, requests: readonly RoutingRequest[], run: (request: RoutingRequest) => unknown, rounds: number): ClassificationTiming {
  for (let i = 0; i < 500; i++) run(requests[i % requests.length]!);
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const request = requests[i % requests.length]!;
    const started = process.hrtime.bigint();
    run(request);
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return { name, medianMs: percentile(samples, 50), p99Ms: percentile(samples, 99) };
}

/** A ~4,000-token prompt (the target's upper bound): an instruction above a long pasted report. */
function longPrompt(): RoutingRequest {
  const paragraph =
    'Revenue for the quarter rose 12% to $18.4M while operating costs fell, helped by automation in the warehouse, a renegotiated ' +
    'logistics contract and lower cloud spend after the move to reserved instances; headcount grew from 212 to 268.\n';
  return routingRequest({ text: `Summarize the following report in five bullet points:\n\n${paragraph.repeat(Math.ceil(16_000 / paragraph.length))}` });
}

/** The labelled prompts (typical requests) and one of ~4,000 tokens, through each classifier. */
export function measureClassification(): ClassificationTiming[] {
  const typical = [...rolePrompts(), ...complexityPrompts()].map(routingRequest);
  const long = [longPrompt()];
  const classify = (r: RoutingRequest) => classifyLocal(r, BUILTIN_ROLE_SET);
  const tokens = `~${long[0]!.promptTokens} tokens`;
  return [
    timing(`local role classifier, typical prompt (${typical.length} labelled)`, typical, classify, 20_000),
    timing(`local role classifier, ${tokens}`, long, classify, 5_000),
    timing(`complexity scorer, typical prompt (${typical.length} labelled)`, typical, scoreComplexity, 20_000),
    timing(`complexity scorer, ${tokens}`, long, scoreComplexity, 5_000),
  ];
}
