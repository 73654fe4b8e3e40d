/**
 * `npm run classifier-report`: the local role classifier's and the complexity scorer's figures on their labelled
 * sets (test/fixtures/roles, test/fixtures/complexity), as markdown for the README, and their latency.
 */
import { BUILTIN_ROLES, classifyLocal, scoreComplexity } from '../lambdas/routing/classify/index.js';
import { BUILTIN_ROLE_NAMES } from '../lambdas/routing/config-schema.js';
import type { RoutingRequest } from '../lambdas/routing/decision.js';
import {
  complexityHoldout,
  complexityPrompts,
  confusion,
  roleHoldout,
  rolePrompts,
  routingRequest,
  withinBands,
  type ComplexityPrompt,
  type Confusion,
  type RolePrompt,
} from '../test/fixtures/roles/labelled-sets.js';

const percent = (x: number) => `${(x * 100).toFixed(1)}%`;
const BANDS = ['1', '2', '3', '4', '5'];

function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const line = (cells: readonly (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function matrixTable(result: Confusion, corner: string): string {
  return table(
    [corner, ...result.labels],
    result.labels.map((label, t) => [`**${label}**`, ...result.matrix[t]!.map((n, p) => (t === p ? `**${n}**` : n))]),
  );
}

function roleSection(title: string, prompts: readonly RolePrompt[]): string {
  const result = confusion(BUILTIN_ROLE_NAMES, prompts.map((p) => [p.role, classifyLocal(routingRequest(p), BUILTIN_ROLES).role] as const));
  return [
    `### ${title}: ${prompts.length} prompts, accuracy ${percent(result.accuracy)}`,
    '',
    'Rows: true role; columns: predicted role.',
    '',
    matrixTable(result, 'true \\ predicted'),
    '',
    table(
      ['role', 'precision', 'recall'],
      result.labels.map((label) => [label, percent(result.precision.get(label)!), percent(result.recall.get(label)!)]),
    ),
  ].join('\n');
}

function complexitySection(title: string, prompts: readonly ComplexityPrompt[]): string {
  const pairs = prompts.map((p) => [p.band, scoreComplexity(routingRequest(p))] as const);
  const result = confusion(BANDS, pairs.map(([t, p]) => [String(t), String(p)] as const));
  return [
    `### ${title}: ${prompts.length} prompts, exact band ${percent(withinBands(pairs, 0))}, within one band ${percent(withinBands(pairs, 1))}`,
    '',
    'Rows: true band; columns: scored band.',
    '',
    matrixTable(result, 'true \\ scored'),
  ].join('\n');
}

/** p50 and p99 in ms of `run` over `requests`, cycled `rounds` times after a warm-up. */
function latency(requests: readonly RoutingRequest[], run: (request: RoutingRequest) => unknown, rounds: number): { p50: number; p99: number } {
  for (let i = 0; i < 200; i++) run(requests[i % requests.length]!);
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const request = requests[i % requests.length]!;
    const start = process.hrtime.bigint();
    run(request);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(times.length * 0.5)]!, p99: times[Math.floor(times.length * 0.99)]! };
}

/** A ~4,000-token prompt: an instruction above a long pasted report. */
function longPrompt(): RoutingRequest {
  const paragraph =
    'Revenue for the quarter rose 12% to $18.4M while operating costs fell, helped by automation in the warehouse, a renegotiated ' +
    'logistics contract and lower cloud spend after the move to reserved instances; headcount grew from 212 to 268.\n';
  return routingRequest({ text: `Summarize the following report in five bullet points:\n\n${paragraph.repeat(Math.ceil(16_000 / paragraph.length))}` });
}

function latencySection(): string {
  const fixtures = [...rolePrompts(), ...complexityPrompts()].map(routingRequest);
  const long = [longPrompt()];
  const classify = (r: RoutingRequest) => classifyLocal(r, BUILTIN_ROLES);
  const rows = [
    ['local classifier', 'labelled prompts', fixtures.length, latency(fixtures, classify, 20_000)],
    ['local classifier', `synthetic, ~${long[0]!.promptTokens} tokens`, 1, latency(long, classify, 5_000)],
    ['complexity scorer', 'labelled prompts', fixtures.length, latency(fixtures, scoreComplexity, 20_000)],
    ['complexity scorer', `synthetic, ~${long[0]!.promptTokens} tokens`, 1, latency(long, scoreComplexity, 5_000)],
  ] as const;
  return [
    `### Latency (Node ${process.version}, one thread, ms)`,
    '',
    table(['what', 'prompts', 'n', 'p50', 'p99'], rows.map(([what, prompts, n, t]) => [what, prompts, n, t.p50.toFixed(3), t.p99.toFixed(3)])),
  ].join('\n');
}

console.log(
  [
    '## Local role classifier',
    '',
    roleSection('Labelled set (tuned on)', rolePrompts()),
    '',
    roleSection('Hold-out set (never tuned on)', roleHoldout()),
    '',
    '## Complexity scorer',
    '',
    complexitySection('Labelled set (fitted on)', complexityPrompts()),
    '',
    complexitySection('Hold-out set (never fitted on)', complexityHoldout()),
    '',
    latencySection(),
  ].join('\n'),
);
