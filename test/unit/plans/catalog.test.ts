import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PLANS, PLAN_IDS, PLAN_LIMIT_NAMES, effectiveLimits, planCatalog, planLimitsSchema } from '../../../lambdas/plans/catalog.js';
import { loadRuntimeConfig } from '../../../lambdas/runtime-config.js';
import { readCdkJsonConfig } from '../../../lib/stack-config.js';

describe('plan catalog', () => {
  it('P15: offers Free, Starter, Professional and Enterprise, each with every limit by name', () => {
    expect(PLAN_IDS).toEqual(['free', 'starter', 'professional', 'enterprise']);
    expect(PLAN_LIMIT_NAMES).toEqual([
      'requestsPerMinutePerKey',
      'requestsPerMonth',
      'tokensPerMonth',
      'apiKeys',
      'providerKeys',
      'configs',
      'customRoles',
      'strategies',
      'customBaseUrls',
      'bedrock',
      'analyticsDays',
    ]);
    for (const id of PLAN_IDS) expect(planLimitsSchema.parse(DEFAULT_PLANS[id])).toEqual(DEFAULT_PLANS[id]);
  });

  it('P15: each plan grants at least what the one below it does', () => {
    for (let i = 1; i < PLAN_IDS.length; i++) {
      const lower = DEFAULT_PLANS[PLAN_IDS[i - 1]!];
      const higher = DEFAULT_PLANS[PLAN_IDS[i]!];
      for (const name of ['requestsPerMinutePerKey', 'requestsPerMonth', 'apiKeys', 'providerKeys', 'configs', 'customRoles', 'analyticsDays'] as const) {
        expect(higher[name]).toBeGreaterThanOrEqual(lower[name]);
      }
      expect(higher.strategies).toEqual(expect.arrayContaining(lower.strategies));
      if (lower.customBaseUrls) expect(higher.customBaseUrls).toBe(true);
      if (lower.bedrock) expect(higher.bedrock).toBe(true);
    }
  });

  it("applies the operator's overrides per plan, then an admin's per account", () => {
    const catalog = planCatalog({ free: { requestsPerMonth: 50_000, tokensPerMonth: null } }, 'starter');
    expect(catalog.defaultPlan).toBe('starter');
    expect(catalog.plans.free).toEqual({ ...DEFAULT_PLANS.free, requestsPerMonth: 50_000, tokensPerMonth: null });
    expect(catalog.plans.starter).toEqual(DEFAULT_PLANS.starter);
    expect(effectiveLimits(catalog, 'enterprise', { apiKeys: 900, bedrock: false })).toEqual({ ...DEFAULT_PLANS.enterprise, apiKeys: 900, bedrock: false });
    // An override left undefined keeps the plan's value.
    expect(effectiveLimits(catalog, 'free', { apiKeys: undefined })).toEqual(catalog.plans.free);
  });

  it('the catalog reaches the Lambdas through ROUKEY_PLANS, validated with the same schema', () => {
    const env = { TABLE_ACCOUNTS: 'a', TABLE_ACTIVITY: 'b', TABLE_USAGE: 'c', TABLE_LIMITS: 'd', TABLE_LEDGER: 'e', LOCAL_KEYRING_FILE: '/k' };
    const config = loadRuntimeConfig({ ...env, ROUKEY_PLANS: '{"starter":{"configs":7}}', ROUKEY_DEFAULT_PLAN: 'starter' });
    expect(config.plans.defaultPlan).toBe('starter');
    expect(config.plans.plans.starter.configs).toBe(7);
    expect(loadRuntimeConfig(env).plans).toEqual(planCatalog());
    expect(() => loadRuntimeConfig({ ...env, ROUKEY_PLANS: '{"starter":{"configs":0}}' })).toThrow(/configs/);
  });

  it('npm start reads the same roukey:* keys from cdk.json as cdk synth', () => {
    const dir = mkdtempSync(join(tmpdir(), 'roukey-cdkjson-'));
    const file = join(dir, 'cdk.json');
    writeFileSync(file, JSON.stringify({ app: 'x', context: { 'roukey:plans': { professional: { analyticsDays: 365 } }, 'roukey:defaultPlan': 'starter' } }));
    const config = readCdkJsonConfig(file);
    expect(config.plans).toEqual({ professional: { analyticsDays: 365 } });
    expect(config.defaultPlan).toBe('starter');
    writeFileSync(file, JSON.stringify({ context: { 'roukey:plans': { free: { bedrock: 'yes' } } } }));
    expect(() => readCdkJsonConfig(file)).toThrow(/roukey:plans\.free\.bedrock: must be true or false/);
  });
});
