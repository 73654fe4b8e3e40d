import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_SAMPLE_CHARS } from '../../lambdas/configs/role-classification.js';
import { BUILTIN_ROLE_NAMES } from '../../lambdas/routing/config-schema.js';
import type { TableName } from '../../lambdas/store/tables.js';
import { captureOutput, type OutputCapture } from '../support/capture-output.js';
import { call, managementEvent, type ManagementLambda, withConsent } from '../support/management-event.js';
import { createTestTables, scanAllTables } from '../support/tables.js';

let roles: ManagementLambda;
let endpoint: string;
let tables: Record<TableName, string>;
let output: OutputCapture;

beforeAll(async () => {
  process.env.ROUKEY_DEFAULT_PLAN = 'enterprise';
  ({ endpoint, tables } = await createTestTables());
  const dir = mkdtempSync(join(tmpdir(), 'roukey-classify-'));
  writeFileSync(join(dir, 'keyring'), randomBytes(32), { mode: 0o600 });
  process.env.LOCAL_KEYRING_FILE = join(dir, 'keyring');
  output = captureOutput();
  roles = withConsent((await import('../../lambdas/handlers/roles.js')).handler);
});

afterAll(() => output.restore());

const classify = (sub: string, body: unknown) => call(roles, managementEvent('POST', '/v1/roles/classify', { sub, body }));
const role = (sub: string, method: string, body: unknown, name?: string) =>
  call(roles, managementEvent(method, name === undefined ? '/v1/roles' : '/v1/roles/{name}', { sub, body, params: name === undefined ? undefined : { name } }));

describe('POST /v1/roles/classify', () => {
  it('names the role among the built-ins with its confidence and the complexity band', async () => {
    const res = await classify(randomUUID(), { prompt: 'Fix this TypeScript function: `const f = (a) => a.map(x => x * 2` throws a syntax error' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      object: 'role_classification',
      role: 'coding',
      confidence: expect.any(Number),
      method: 'local',
      minConfidence: 0.4,
      belowMinConfidence: res.body.confidence < 0.4,
      complexity: expect.any(Number),
      candidates: BUILTIN_ROLE_NAMES.length,
    });
    expect(res.body.confidence).toBeGreaterThan(1 / BUILTIN_ROLE_NAMES.length);
    expect(res.body.confidence).toBeLessThanOrEqual(1);
    expect(res.body.complexity).toBeGreaterThanOrEqual(1);
    expect(res.body.complexity).toBeLessThanOrEqual(5);
  });

  it("reads the account's own role set: a custom role joins the candidates, an override replaces its built-in; other accounts see neither", async () => {
    const sub = randomUUID();
    const prompt = 'Is this indemnification clause in our vendor NDA enforceable?';
    expect((await classify(sub, { prompt })).body.role).not.toBe('legal');
    await role(sub, 'POST', {
      name: 'legal',
      description: 'Contracts, NDAs, clauses, liability and compliance questions.',
      keywords: ['contract', 'nda', 'clause', 'indemnification', 'enforceable'],
      examples: ['Review this NDA clause', 'Is this contract enforceable?'],
    });
    const withCustom = await classify(sub, { prompt });
    expect(withCustom.body).toMatchObject({ role: 'legal', candidates: BUILTIN_ROLE_NAMES.length + 1 });

    // The built-in `chat` overridden to be about ship engines: a prompt on them now goes to it.
    const engines = 'The diesel turbocharger on the port engine is overheating';
    expect((await classify(sub, { prompt: engines })).body.role).not.toBe('chat');
    await role(sub, 'PUT', { description: 'Ship engines and turbochargers.', keywords: ['diesel', 'turbocharger', 'engine', 'overheating'] }, 'chat');
    expect((await classify(sub, { prompt: engines })).body.role).toBe('chat');

    expect((await classify(randomUUID(), { prompt })).body).toMatchObject({ candidates: BUILTIN_ROLE_NAMES.length });
    expect((await classify(randomUUID(), { prompt: engines })).body.role).not.toBe('chat');
  });

  it('reads earlier messages as a request carries them: a system message changes the reading', async () => {
    const sub = randomUUID();
    const prompt = 'Good morning, how are you today?';
    const alone = await classify(sub, { prompt });
    const withContext = await classify(sub, {
      messages: [{ role: 'system', content: 'Translate every message into French, German and Spanish.' }],
      prompt,
    });
    expect(withContext.status).toBe(200);
    expect({ role: withContext.body.role, confidence: withContext.body.confidence }).not.toEqual({ role: alone.body.role, confidence: alone.body.confidence });
  });

  it('bad input is a 400 naming the field and changes nothing; "classify" cannot be a role name', async () => {
    const sub = randomUUID();
    await classify(sub, { prompt: 'hello' });
    const before = await scanAllTables(endpoint, tables);
    const cases: [unknown, string][] = [
      [{}, 'prompt'],
      [{ prompt: '   ' }, 'prompt'],
      [{ prompt: 42 }, 'prompt'],
      [{ prompt: 'x'.repeat(MAX_SAMPLE_CHARS + 1) }, 'prompt'],
      [{ prompt: 'x', messages: 'hi' }, 'messages'],
      [{ prompt: 'x', messages: [{ role: 'tool', content: 'x' }] }, 'messages.0.role'],
      [{ prompt: 'x', messages: Array.from({ length: 21 }, () => ({ role: 'user', content: 'x' })) }, 'messages'],
      [{ prompt: 'x', model: 'fake/gpt' }, 'model'],
    ];
    for (const [body, param] of cases) {
      const res = await classify(sub, body);
      expect({ param, status: res.status, got: res.body.error.param }).toEqual({ param, status: 400, got: param });
    }
    const post = await role(sub, 'POST', { name: 'classify', description: 'x' });
    expect({ status: post.status, param: post.body.error.param }).toEqual({ status: 400, param: 'name' });
    const put = await role(sub, 'PUT', { description: 'x' }, 'classify');
    expect({ status: put.status, param: put.body.error.param }).toEqual({ status: 400, param: 'name' });
    expect(await scanAllTables(endpoint, tables)).toEqual(before);
  });

  it('P1: the sample prompt and its context reach no table, no log or audit line, and are not echoed back', async () => {
    const sub = randomUUID();
    const canary = `CANARY-classify-${randomUUID()}`;
    const res = await classify(sub, { prompt: `Please summarise ${canary} for me`, messages: [{ role: 'system', content: `ctx ${canary}` }] });
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).not.toContain(canary);
    // A refused one too: the 400's message names the rule, never the value.
    const refused = await classify(sub, { prompt: canary, messages: [{ role: 'tool', content: canary }] });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).not.toContain(canary);

    const all = await scanAllTables(endpoint, tables);
    expect(JSON.stringify(all)).not.toContain(canary);
    // The calls were logged (metadata only), and the prompt is in none of the lines.
    expect(output.text()).toContain('"route":"/v1/roles/classify"');
    expect(output.text()).not.toContain(canary);
  });
});
