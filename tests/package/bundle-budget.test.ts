// Every API function's minified bundle, built as `sls package` builds it, against its budget: a deterministic stand-in
// for cold-start time (README, Performance, "Bundle budget"; the justified budgets in scripts/bench/bundle-budgets.json).
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildBundles,
  defaultBudgetKiB,
  overBudget,
  readServerless,
  bundleBudgets,
  type BundleReport,
} from '../../scripts/bench/bundles.js';

const justified = bundleBudgets();
const budgets = new Map(justified.map((b) => [b.function, b.budgetKiB]));
let bundles: BundleReport[];

beforeAll(async () => {
  bundles = await buildBundles('prod');
}, 300_000);

describe('bundle budget', () => {
  it('keeps every API function within 300 KiB or the budget bundle-budgets.json justifies for it', () => {
    expect(overBudget(bundles, budgets)).toEqual([]);
  });

  it('justifies only budgets above the default, for API functions that exist', () => {
    const api = new Set(bundles.filter((b) => b.api).map((b) => b.name));
    for (const { function: name, budgetKiB, why } of justified) {
      expect(api, `budget for ${name}`).toContain(name);
      expect(budgetKiB).toBeGreaterThan(defaultBudgetKiB);
      expect(why.trim(), `why ${name} needs ${budgetKiB} KiB`).not.toBe('');
    }
    expect(budgets.size, 'one budget per function').toBe(justified.length);
  });

  it('serves the OpenAPI document built at package time, without zod or the request schemas', () => {
    const openapi = bundles.find((b) => b.name === 'openapi')!;
    expect(openapi.contributors.map((c) => c.name)).not.toContain('zod');
    expect(openapi.contributors.map((c) => c.name)).not.toContain('libphonenumber-js');
  });

  it('carries only the settings its function loads: a concern a feature owns is in its functions alone', () => {
    const settingsOf = (b: BundleReport) =>
      b.sources.filter((s) => /^shared\/config\/|^functions\/.*config\.ts$/.test(s)).sort();
    // The technician routes read the index and verify a token: no database, SMS, weather or DR settings.
    expect(settingsOf(bundles.find((b) => b.name === 'updateTechnicianLocation')!)).toEqual([
      'shared/config/active-region.ts',
      'shared/config/auth.ts',
      'shared/config/concern.ts',
      'shared/config/dynamodb.ts',
      'shared/config/http.ts',
      'shared/config/intake.ts',
      'shared/config/region.ts',
      'shared/config/tables.ts',
    ]);
    // drRecover and drDrill reach intake (and dispatch) through their index.ts: they carry what they load, not what
    // those features' compositions read.
    expect(settingsOf(bundles.find((b) => b.name === 'drRecover')!)).toEqual([
      'shared/config/concern.ts',
      'shared/config/data-protection.ts',
      'shared/config/database.ts',
      'shared/config/dynamodb.ts',
      'shared/config/notifier.ts',
      'shared/config/region.ts',
      'shared/config/tables.ts',
    ]);
    expect(settingsOf(bundles.find((b) => b.name === 'drDrill')!)).not.toContain('shared/config/sms.ts');
    const owners: Record<string, string[]> = {
      // incidents reads the service regions (WEATHER_REGIONS): an incident's areas, by which customers are texted.
      'functions/weather-scaling/config.ts': ['weatherScaling', 'incidents'],
      'functions/disaster-recovery/config.ts': ['drCheck', 'drFailover', 'drFailback', 'drRestore'],
      'functions/operations/config.ts': ['collectMetrics', 'opsQueue', 'opsMetrics'],
      'functions/platform/health-config.ts': ['health', 'opsHealth'],
      'functions/platform/pages-config.ts': ['pages'],
      'functions/platform/pre-traffic-config.ts': ['preTrafficHook'],
      'functions/incidents/config.ts': ['incidents'],
    };
    for (const [file, functions] of Object.entries(owners))
      expect(
        bundles.filter((b) => b.sources.includes(file)).map((b) => b.name),
        file,
      ).toEqual(functions);
    // Only the functions that text people carry the SMS continuity settings.
    expect(
      bundles
        .filter((b) => b.sources.includes('shared/config/sms.ts'))
        .map((b) => b.name)
        .sort(),
    ).toEqual([
      'acceptJob',
      'cancelRequest',
      'completeJob',
      'createEmergency',
      'declineJob',
      'incidentBroadcast',
      'incidents',
      'jobArrived',
      'jobEnRoute',
      'reassignRequest',
      'redispatch',
    ]);
  });

  it('names the largest contributors of a bundle over budget', () => {
    const report: BundleReport = {
      name: 'x',
      handler: 'x.handler',
      api: true,
      bytes: 400 * 1024,
      contributors: [
        { name: '@smithy/core', bytes: 120 * 1024 },
        { name: 'zod', bytes: 98 * 1024 },
      ],
      sources: [],
    };
    expect(overBudget([report], new Map())).toEqual([
      'x: 400 KiB > 300 KiB; top contributors: @smithy/core 120 KiB, zod 98 KiB',
    ]);
    expect(overBudget([report], new Map([['x', 410]]))).toEqual([]);
  });

  it('builds for the deployed runtime with readable names and no source maps in AWS, maps only on the local stage', () => {
    expect(readServerless('prod').options).toMatchObject({
      target: 'node22',
      keepNames: true,
      minify: true,
      sourcemap: false,
    });
    expect(readServerless('local').options).toMatchObject({ sourcemap: 'linked' });
    expect(readServerless('prod').environment('NODE_OPTIONS')).toBe('');
    expect(readServerless('local').environment('NODE_OPTIONS')).toBe('--enable-source-maps');
  });
});
