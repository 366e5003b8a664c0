// Every API function's minified bundle, built as `sls package` builds it, against its budget: a deterministic stand-in
// for cold-start time (README, Performance, "Bundle budget").
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildBundles,
  defaultBudgetKiB,
  overBudget,
  readServerless,
  readmeBudgets,
  type BundleReport,
} from '../../scripts/bench/bundles.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const budgets = readmeBudgets(readme);
let bundles: BundleReport[];

beforeAll(async () => {
  bundles = await buildBundles('prod');
}, 300_000);

describe('bundle budget', () => {
  it('keeps every API function within 300 KiB or the budget the README justifies for it', () => {
    expect(overBudget(bundles, budgets)).toEqual([]);
  });

  it('justifies only budgets above the default, for API functions that exist', () => {
    const api = new Set(bundles.filter((b) => b.api).map((b) => b.name));
    for (const [name, budget] of budgets) {
      expect(api, `README budget for ${name}`).toContain(name);
      expect(budget).toBeGreaterThan(defaultBudgetKiB);
    }
  });

  it('serves the OpenAPI document built at package time, without zod or the request schemas', () => {
    const openapi = bundles.find((b) => b.name === 'openapi')!;
    expect(openapi.contributors.map((c) => c.name)).not.toContain('zod');
    expect(openapi.contributors.map((c) => c.name)).not.toContain('libphonenumber-js');
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
