import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../scripts/config.js';
import {
  assessForecast,
  assessRegion,
  conditionsAt,
  describeReason,
  type HourlyWeather,
  type RegionForecast,
} from '#shared/domain/weather.js';

// The seed defaults, exactly as deployed: these tests pin them.
const { rules, regions } = loadConfig({ DATABASE_URL: 'postgres://u:p@localhost/db' }).weather;
const now = new Date('2026-01-12T06:10:00Z');
const calm: HourlyWeather = {
  at: now,
  temperatureC: 6,
  precipitationMm: 0,
  snowfallCm: 0,
  windKmh: 15,
  gustKmh: 30,
  weatherCode: 3,
};
const hour = (over: Partial<HourlyWeather>, at = now): HourlyWeather => ({ ...calm, at, ...over });
const conditions = (over: Partial<HourlyWeather>) => conditionsAt(hour(over), rules).map((h) => h.condition);
const hoursFrom = (start: string, n: number, over: (i: number) => Partial<HourlyWeather> = () => ({})) =>
  Array.from({ length: n }, (_, i) => hour(over(i), new Date(new Date(start).getTime() + i * 3_600_000)));

describe('seed thresholds', () => {
  it.each([
    ['temperature 0 °C is not freezing', { temperatureC: 0 }, []],
    ['temperature −0.1 °C is freezing', { temperatureC: -0.1 }, ['freezing']],
    ['10 mm in an hour is not heavy rain', { precipitationMm: 10 }, []],
    ['10.1 mm in an hour is heavy rain', { precipitationMm: 10.1 }, ['heavy-rain']],
    ['1 cm of snow is not snowfall', { snowfallCm: 1 }, []],
    ['1.1 cm of snow is snowfall', { snowfallCm: 1.1 }, ['snowfall']],
    ['a mean wind of 50 km/h is not high wind', { windKmh: 50 }, []],
    ['a mean wind of 50.1 km/h is high wind', { windKmh: 50.1 }, ['high-wind']],
    ['gusts of 80 km/h alone are not wind', { gustKmh: 80 }, []],
    ['gusts of 80.1 km/h count even in a moderate mean wind', { windKmh: 30, gustKmh: 80.1 }, ['gusts']],
    [
      'missing values are no evidence of anything',
      { temperatureC: null, precipitationMm: null, snowfallCm: null, windKmh: null, gustKmh: null, weatherCode: null },
      [],
    ],
  ] as const)('%s', (_name, over, expected) => {
    expect(conditions(over)).toEqual(expected);
  });
});

describe('WMO weather codes', () => {
  it.each([
    [56, 'freezing-rain'],
    [57, 'freezing-rain'],
    [66, 'freezing-rain'],
    [67, 'freezing-rain'],
    [48, 'ice-fog'],
    [71, 'snow'],
    [72, 'snow'],
    [73, 'snow'],
    [74, 'snow'],
    [75, 'snow'],
    [76, 'snow'],
    [77, 'snow'],
    [85, 'snow'],
    [86, 'snow'],
    [95, 'thunderstorm'],
    [96, 'thunderstorm'],
    [97, 'thunderstorm'],
    [98, 'thunderstorm'],
    [99, 'thunderstorm'],
  ] as const)('code %i is %s', (code, condition) => {
    expect(conditions({ weatherCode: code })).toEqual([condition]);
  });

  it.each([0, 1, 2, 3, 45, 51, 55, 61, 63, 65, 80, 82, 70, 78, 84, 87, 94])(
    'code %i alone is not dangerous',
    (code) => {
      expect(conditions({ weatherCode: code })).toEqual([]);
    },
  );
});

describe('region level', () => {
  const region = (hours: HourlyWeather[]): RegionForecast => ({ region: 'London', hours });

  it.each([
    ['calm', {}, 'normal'],
    ['freezing', { temperatureC: -3 }, 'elevated'],
    ['heavy rain', { precipitationMm: 14 }, 'elevated'],
    ['high wind', { windKmh: 62 }, 'elevated'],
    ['rime fog', { weatherCode: 48 }, 'elevated'],
    ['light snow by code', { weatherCode: 71 }, 'elevated'],
    ['thunderstorm', { weatherCode: 95 }, 'elevated'],
    ['settling snow', { snowfallCm: 2 }, 'severe'],
    ['freezing rain', { weatherCode: 66 }, 'severe'],
  ] as const)('%s makes the region %s', (_name, over, level) => {
    expect(assessRegion(region(hoursFrom('2026-01-12T06:00:00Z', 7, () => over)), now, rules).level).toBe(level);
  });

  it('looks from the start of the current hour to six hours ahead, and no further', () => {
    // 06:00 is the current hour; 12:00 is 5 h 50 min ahead (inside); 13:00 is outside; 05:00 is past.
    const at = (iso: string, over: Partial<HourlyWeather>) => hour(over, new Date(iso));
    const assessed = assessRegion(
      region([
        at('2026-01-12T05:00:00Z', { snowfallCm: 5 }),
        at('2026-01-12T06:00:00Z', {}),
        at('2026-01-12T12:00:00Z', { temperatureC: -2 }),
        at('2026-01-12T13:00:00Z', { weatherCode: 66 }),
      ]),
      now,
      rules,
    );
    expect(assessed).toMatchObject({ level: 'elevated', hoursConsidered: 2 });
    expect(assessed.reasons).toEqual([
      { condition: 'freezing', from: new Date('2026-01-12T12:00:00Z'), value: -2, threshold: 0 },
    ]);
  });

  it('reports each condition once, from its first hour, with its worst value', () => {
    const assessed = assessRegion(
      region(
        hoursFrom('2026-01-12T06:00:00Z', 7, (i) => ({
          temperatureC: i >= 2 ? -1 - i : 2,
          snowfallCm: i === 4 ? 3.2 : 0,
        })),
      ),
      now,
      rules,
    );
    expect(assessed.reasons).toEqual([
      { condition: 'freezing', from: new Date('2026-01-12T08:00:00Z'), value: -7, threshold: 0 },
      { condition: 'snowfall', from: new Date('2026-01-12T10:00:00Z'), value: 3.2, threshold: 1 },
    ]);
    expect(assessed.reasons.map(describeReason)).toEqual(['freezing -7°C', 'snowfall 3.2 cm']);
  });
});

describe('national assessment', () => {
  const forecasts = (levels: Record<string, Partial<HourlyWeather>>): RegionForecast[] =>
    regions.map((r) => ({
      region: r.name,
      hours: hoursFrom('2026-01-12T06:00:00Z', 7, (i) => (i >= 3 ? (levels[r.name] ?? {}) : {})),
    }));

  it.each([
    ['all calm', {}, 'normal', 1],
    ['snow in Newcastle only (5% of demand)', { Newcastle: { snowfallCm: 4 } }, 'normal', 1.16],
    ['snow in London only (22%)', { London: { snowfallCm: 4 } }, 'elevated', 1.69],
    [
      'snow in London and the South East (42%)',
      { London: { snowfallCm: 4 }, 'South East': { snowfallCm: 2 } },
      'severe',
      2.25,
    ],
    [
      'frost everywhere: twice the demand, but nowhere severe',
      Object.fromEntries(regions.map((r) => [r.name, { temperatureC: -2 }])),
      'elevated',
      2,
    ],
  ] as const)('%s is %s nationally', (_name, levels, level, multiplier) => {
    const assessed = assessForecast(regions, forecasts(levels), now, rules);
    expect(assessed.level).toBe(level);
    expect(assessed.demandMultiplier).toBe(multiplier);
    expect(assessed.missing).toEqual([]);
  });

  it('gives the lead time to the first bad hour', () => {
    // Bad weather from 09:00; now is 06:10.
    const assessed = assessForecast(
      regions,
      forecasts({ London: { snowfallCm: 4 }, 'South East': { snowfallCm: 2 } }),
      now,
      rules,
    );
    expect(assessed.leadMinutes).toBe(170);
    expect(assessForecast(regions, forecasts({}), now, rules).leadMinutes).toBeUndefined();
  });

  it('names the regions the provider left out', () => {
    const assessed = assessForecast(
      regions,
      forecasts({}).filter((f) => f.region !== 'Cardiff'),
      now,
      rules,
    );
    expect(assessed.missing).toEqual(['Cardiff']);
  });
});
