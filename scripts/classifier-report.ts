/**
 * `npm run classifier-report`: the local role classifier's and the complexity scorer's figures on their labelled
 * sets (test/fixtures/roles, test/fixtures/complexity), as markdown for the README. Their speed is in `npm run bench`.
 */
import { BUILTIN_ROLE_SET, classifyLocal, scoreComplexity } from '../lambdas/routing/classify/index.js';
import { BUILTIN_ROLE_NAMES } from '../lambdas/routing/config-schema.js';
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
  const result = confusion(
    BUILTIN_ROLE_NAMES,
    prompts.map((p) => [p.role, classifyLocal(routingRequest(p), BUILTIN_ROLE_SET).role] as const),
  );
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
  const result = confusion(
    BANDS,
    pairs.map(([t, p]) => [String(t), String(p)] as const),
  );
  return [
    `### ${title}: ${prompts.length} prompts, exact band ${percent(withinBands(pairs, 0))}, within one band ${percent(withinBands(pairs, 1))}`,
    '',
    'Rows: true band; columns: scored band.',
    '',
    matrixTable(result, 'true \\ scored'),
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
  ].join('\n'),
);
