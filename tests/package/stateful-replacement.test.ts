import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../scripts/local/engines.js';
import { discard, packageService, type Packaged, type Template } from '../support/package.js';
import {
  replacementPropertiesFromCfnLint,
  statefulReplacements,
  statefulTypes,
  unaccounted,
  type IntendedReplacement,
} from '../support/stateful-replacement.js';

// A deploy over the previous release must not replace a stateful resource (a new, empty cluster, table or key) unless
// the README says how to migrate. The previous release's templates are fixtures (tests/fixtures/previous-release/).
const regions = ['eu-west-2', 'eu-west-1'] as const;
const fixtures = path.join(projectRoot, 'tests/fixtures/previous-release');
const readJson = <T>(file: string) => JSON.parse(readFileSync(path.join(fixtures, file), 'utf8')) as T;
const intended = readJson<(IntendedReplacement & { region?: string })[]>('intended-replacements.json');
// Migration notes live in the operations runbook (docs/operations.md, "Deploy steps"); any document may hold one.
const readme = [
  'README.md',
  ...readdirSync(path.join(projectRoot, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
]
  .map((f) => readFileSync(path.join(projectRoot, f), 'utf8'))
  .join('\n');

const current = new Map<string, Packaged>();
beforeAll(async () => {
  for (const region of regions) current.set(region, await packageService('prod', region));
}, 1_200_000);

afterAll(() => {
  for (const p of current.values()) discard(p);
});

const stateful = (t: Template) =>
  Object.entries(t.Resources).filter(([, r]) => (statefulTypes as readonly string[]).includes(r.Type));

describe.each(regions)('deploying prod in %s over the previous release', (region) => {
  const previous = readJson<Template>(`prod-${region}.json`);

  it('compares every stateful resource of the previous release, the Aurora cluster among them', () => {
    // Guards the comparison itself: a fixture or type list gone wrong would otherwise compare nothing and pass.
    expect(stateful(previous).length).toBeGreaterThan(10);
    expect(previous.Resources.DatabaseCluster?.Type).toBe('AWS::RDS::DBCluster');
  });

  it('replaces no stateful resource, unless intended-replacements.json names it with a README migration note', () => {
    const found = statefulReplacements(
      previous,
      current.get(region)!.template,
      replacementPropertiesFromCfnLint(region),
    );
    const problems = unaccounted(
      found,
      intended.filter((e) => (e.region ?? region) === region),
      readme,
    );
    expect(
      problems,
      `would be replaced (see tests/fixtures/previous-release/README.md):\n${problems.join('\n')}`,
    ).toEqual([]);
  });
});
