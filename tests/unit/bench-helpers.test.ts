import { describe, expect, it } from 'vitest';
import { haversineKm } from '#shared/domain/geo.js';
import { isInServiceArea } from '#shared/domain/service-area.js';
import { CreateEmergencyBody } from '#shared/schemas/emergency.js';
import { esbuildOptionsFor, resolvedForBench } from '../../scripts/bench/cold-start.js';
import { britishPoints, customerPhone, greatBritainTowns, seededRandom } from '../../scripts/bench/dataset.js';
import { dynamoCallsPerIntake, intakeBody } from '../../scripts/bench/intake.js';
import { parseArgs } from '../../scripts/bench/run.js';
import { median, percentile, ratio, summarise } from '../../scripts/bench/stats.js';
import { formatCell, markdownTable } from '../../scripts/bench/table.js';

// The benchmark (npm run bench) is not part of the suite; its pure helpers are, so its figures rest on checked arithmetic.
describe('percentile (nearest rank)', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted on purpose

  it.each([
    [50, 50],
    [95, 95],
    [99, 99],
    [100, 100],
    [0, 1],
  ])('p%d of 1..100 is %d', (p, expected) => {
    expect(percentile(hundred, p)).toBe(expected);
  });

  it('always answers one of the samples, never an interpolation', () => {
    expect(percentile([10, 20], 50)).toBe(10);
    expect(percentile([10, 20], 51)).toBe(20);
    expect(percentile([7], 99)).toBe(7);
  });

  it('refuses no samples and percentiles outside 0–100', () => {
    expect(() => percentile([], 50)).toThrow(/no samples/);
    expect(() => percentile([1], 101)).toThrow(/0–100/);
  });

  it('leaves its input in the order given', () => {
    const samples = [3, 1, 2];
    percentile(samples, 50);
    expect(samples).toEqual([3, 1, 2]);
  });

  it('median is p50', () => {
    expect(median([5, 1, 3, 2, 4])).toBe(3);
  });
});

describe('summarise', () => {
  it('gives count, p50/p95/p99, max and mean rounded to 0.1 ms', () => {
    const samples = Array.from({ length: 200 }, (_, i) => i + 0.04);
    expect(summarise(samples)).toEqual({ count: 200, p50: 99, p95: 189, p99: 197, max: 199, mean: 99.5 });
  });

  it('reports no latency at all when nothing succeeded', () => {
    const s = summarise([]);
    expect(s.count).toBe(0);
    expect(s.p99).toBeNaN();
  });
});

describe('ratio', () => {
  it('divides to three significant digits, so small ratios stay visible', () => {
    expect(ratio(1, 3)).toBe(0.333);
    expect(ratio(250, 100)).toBe(2.5);
    expect(ratio(2.8, 585.5)).toBe(0.00478);
    expect(ratio(12345, 10)).toBe(1230);
  });

  it('is null against a zero or missing baseline rather than Infinity', () => {
    expect(ratio(5, 0)).toBeNull();
    expect(ratio(Number.NaN, 2)).toBeNull();
  });
});

describe('dataset generator', () => {
  it('gives the same points for the same seed and different ones for another', () => {
    expect(britishPoints(50, 7)).toEqual(britishPoints(50, 7));
    expect(britishPoints(50, 8)).not.toEqual(britishPoints(50, 7));
  });

  it('keeps every point where intake accepts it, in Great Britain (none in Northern Ireland)', () => {
    const points = britishPoints(5000, 1);
    expect(points).toHaveLength(5000);
    expect(points.every(isInServiceArea)).toBe(true);
    const northernIreland = points.filter((p) => p.lon < -5.4 && p.lat > 54 && p.lat < 55.3);
    expect(northernIreland.length).toBeLessThan(5); // only the odd far tail of a Galloway sample
  });

  it('is denser in cities: far more technicians within 15 km of central London than of a rural point', () => {
    const points = britishPoints(10_000, 3);
    const within = (centre: { lat: number; lon: number }) => points.filter((p) => haversineKm(p, centre) < 15).length;
    const london = within({ lat: 51.5072, lon: -0.1276 });
    const midWales = within({ lat: 52.3, lon: -3.6 });
    expect(london).toBeGreaterThan(500); // about 7 % of the fleet; 15 km of central London holds about 13 % of the population
    expect(london).toBeGreaterThan(10 * Math.max(1, midWales));
  });

  it('draws towns from Great Britain only', () => {
    expect(greatBritainTowns.length).toBeGreaterThan(100);
    expect(greatBritainTowns.every((t) => !(t.lon < -5.4 && t.lat > 54 && t.lat < 55.3))).toBe(true);
  });

  it('seededRandom stays within [0, 1)', () => {
    const random = seededRandom(42);
    const draws = Array.from({ length: 10_000 }, random);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
  });
});

describe('customer phones', () => {
  it('are distinct, starting with the drama range', () => {
    const phones = Array.from({ length: 3000 }, (_, i) => customerPhone(i));
    expect(new Set(phones).size).toBe(3000);
    expect(phones[0]).toBe('+447700900000');
    expect(phones[999]).toBe('+447700900999');
    expect(phones[1000]).toBe('+447400000000');
  });

  it.each([0, 999, 1000, 1001, 5000, 123_456])('phone #%d passes intake validation as sent', (i) => {
    const parsed = CreateEmergencyBody.safeParse(intakeBody(i, { lat: 51.5, lon: -0.12 }));
    expect(parsed.success).toBe(true);
    expect(parsed.data?.customer.phone).toBe(customerPhone(i));
  });

  it('refuses an index it cannot make distinct', () => {
    expect(() => customerPhone(-1)).toThrow();
    expect(() => customerPhone(1e8 + 1000)).toThrow(/out of distinct/);
  });
});

describe('markdown table', () => {
  it('right-aligns numeric columns, separates thousands and escapes pipes', () => {
    expect(
      markdownTable(
        ['Name', 'Count', 'Ratio'],
        [
          ['a|b', 12345, 1.5],
          ['c', 2, null],
        ],
      ),
    ).toBe(
      ['| Name | Count | Ratio |', '| --- | ---: | ---: |', '| a\\|b | 12,345 | 1.5 |', '| c | 2 | — |'].join('\n'),
    );
  });

  it('shows missing and non-finite numbers as a dash', () => {
    expect(formatCell(undefined)).toBe('—');
    expect(formatCell(Number.NaN)).toBe('—');
    expect(formatCell(1234.5678)).toBe('1,234.57');
    expect(formatCell(0.0047811)).toBe('0.00478');
  });

  it('refuses a row with the wrong number of cells', () => {
    expect(() => markdownTable(['a', 'b'], [['x']])).toThrow(/1 cells/);
  });
});

describe('benchmark plumbing', () => {
  it('counts DynamoDB calls per intake without the benchmark releasing technicians', () => {
    expect(dynamoCallsPerIntake({ QueryCommand: 30, UpdateItemCommand: 25, GetItemCommand: 10 }, 5, 10)).toEqual({
      QueryCommand: 3,
      UpdateItemCommand: 2,
      GetItemCommand: 1,
    });
  });

  it('builds esbuild options the way serverless-esbuild does: plugin keys dropped, exclude made external', () => {
    expect(
      esbuildOptionsFor({
        bundle: true,
        format: 'esm',
        outputFileExtension: '.mjs',
        exclude: ['pg-native'],
        external: ['x'],
        packager: 'npm',
        zipConcurrency: 2,
      }),
    ).toEqual({ bundle: true, format: 'esm', external: ['x', 'pg-native'], outExtension: { '.js': '.mjs' } });
  });

  it('parses --quick, --only and --out, and refuses an unknown part', () => {
    expect(parseArgs(['--quick'])).toEqual({
      quick: true,
      only: new Set(['coldstart', 'intake', 'spike', 'knearest', 'surge']),
      outDir: expect.stringMatching(/\/bench$/),
    });
    // The load stage's figures never overwrite the committed bench/results.json.
    expect(parseArgs(['--out=.load-results']).outDir).toMatch(/\/\.load-results$/);
    expect(parseArgs(['--only=surge']).only).toEqual(new Set(['surge']));
    expect(parseArgs(['--only=intake,spike']).only).toEqual(new Set(['intake', 'spike']));
    expect(() => parseArgs(['--only=bogus'])).toThrow(/unknown part/);
  });
});

describe('resolvedForBench', () => {
  it('keeps strings, fills Fn::Sub text so JSON stays JSON, and placeholders other references', () => {
    expect(resolvedForBench('STAGE', 'prod')).toBe('prod');
    const targets = resolvedForBench('WEATHER_SCALING_TARGETS', {
      'Fn::Sub': '[{"clusterId":"${DatabaseCluster}","region":"${AWS::Region}"}]',
    });
    expect(JSON.parse(targets)).toEqual([{ clusterId: 'bench-databasecluster', region: 'bench-aws--region' }]);
    expect(resolvedForBench('DB_HOST', { 'Fn::GetAtt': ['DatabaseProxy', 'Endpoint'] })).toBe(
      'bench-placeholder-db_host',
    );
  });
});
