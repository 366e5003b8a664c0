import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { weatherConcern } from '#functions/weather-scaling/config.js';
import { authConcern } from '#shared/config/auth.js';
import { loadConcerns } from '#shared/config/concern.js';
import { databaseConcern } from '#shared/config/database.js';
import { tablesConcern } from '#shared/config/tables.js';
import { concerns, loadConfig, settings } from '../../scripts/config.js';

const local = { DATABASE_URL: 'postgres://u:p@localhost/db' };

describe('loadConfig', () => {
  it('fills every default for a local stage', () => {
    const config = loadConfig(local);
    expect(config).toMatchObject({
      stage: 'local',
      region: 'eu-west-2',
      intake: { slaMinutes: 90, dedupWindowMinutes: 5, maxBodyBytes: 16384 },
      geocoder: { kind: 'offline' },
    });
    expect(config.database.poolMax).toBe(1);
    expect(config.http.corsAllowedOrigins).toEqual(['*']);
    expect(config.weather.regions).toHaveLength(10);
    expect(config.weather.rules.severeConditions).toEqual(['snowfall', 'freezing-rain']);
  });

  it('refuses to start without any way to reach the database', () => {
    expect(() => loadConfig({})).toThrow(/DATABASE_URL, or DB_HOST and DB_SECRET_ARN, must be set/);
  });

  it('accepts RDS Proxy settings instead of a URL', () => {
    const config = loadConfig({
      DB_HOST: 'proxy.example',
      DB_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-2:1:secret:db',
    });
    expect(config.database).toMatchObject({
      host: 'proxy.example',
      port: 5432,
      name: 'tyrehero',
      user: 'tyrehero_admin',
    });
  });

  it('names the setting, the rule and the bad value when a number is not a number', () => {
    expect(() => loadConfig({ ...local, SLA_MINUTES: 'ninety' })).toThrow(
      'SLA_MINUTES must be an integer >= 1, got "ninety"',
    );
    expect(() => loadConfig({ ...local, DB_POOL_MAX: '0' })).toThrow('DB_POOL_MAX must be an integer >= 1, got "0"');
    expect(() => loadConfig({ ...local, ETA_ROAD_FACTOR: '-1' })).toThrow(
      'ETA_ROAD_FACTOR must be a positive number, got "-1"',
    );
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ ...local, SLA_MINUTES: '' }).intake.slaMinutes).toBe(90);
  });

  it('refuses an unknown geocoder and an AWS geocoder without a place index', () => {
    expect(() => loadConfig({ ...local, GEOCODER: 'google' })).toThrow(
      /GEOCODER must be 'offline' or 'aws-location', got "google"/,
    );
    expect(() => loadConfig({ ...local, GEOCODER: 'aws-location' })).toThrow(
      /PLACE_INDEX_NAME is required when GEOCODER=aws-location/,
    );
  });

  it('checks the weather JSON and the rules between weather settings', () => {
    expect(() => loadConfig({ ...local, WEATHER_REGIONS: '{not json' })).toThrow(/WEATHER_REGIONS must be JSON/);
    expect(() => loadConfig({ ...local, WEATHER_REGIONS: '[{"name":"X","lat":91,"lon":0,"demandWeight":1}]' })).toThrow(
      /WEATHER_REGIONS/,
    );
    expect(() => loadConfig({ ...local, WEATHER_SEVERE_CONDITIONS: 'snowfall,hail' })).toThrow(
      /WEATHER_SEVERE_CONDITIONS must name known conditions only/,
    );
    expect(() => loadConfig({ ...local, WEATHER_PROVIDER: 'met-office' })).toThrow(
      /WEATHER_API_KEY_PARAMETER is required/,
    );
    expect(() => loadConfig({ ...local, WEATHER_NATIONAL_SEVERE_AT: '1.1' })).toThrow(
      /WEATHER_NATIONAL_SEVERE_AT must not be below/,
    );
    expect(() => loadConfig({ ...local, PHONE_PROTECTION: 'kms' })).toThrow(
      /PHONE_PROTECTION kms needs PHONE_DATA_KEY_ID and PHONE_HASH_KEY_ID/,
    );
  });

  it('parses only the concerns asked for: the technician routes start with no database setting and a broken weather setting', () => {
    const env = { WEATHER_REGIONS: 'broken', LOCATIONS_TABLE: 'prod-locations' };
    const config = loadConcerns([tablesConcern, authConcern], env);
    expect(Object.keys(config).sort()).toEqual(['auth', 'tables']);
    expect(config.tables.locations).toBe('prod-locations');
    expect(() => loadConcerns([databaseConcern], env)).toThrow(/DATABASE_URL/);
    expect(() => loadConcerns([weatherConcern], env)).toThrow(/WEATHER_REGIONS must be JSON/);
  });

  it('gathers every concern into the table: the core ones in shared/config/ and those the features own', async () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const files = [
      ...readdirSync(path.join(root, 'shared/config')).map((f) => `shared/config/${f}`),
      ...readdirSync(path.join(root, 'functions')).flatMap((feature) =>
        readdirSync(path.join(root, 'functions', feature))
          .filter((f) => /(^|-)config\.ts$/.test(f))
          .map((f) => `functions/${feature}/${f}`),
      ),
    ];
    const declared: unknown[] = [];
    for (const file of files) {
      const module = (await import(path.join(root, file))) as Record<string, unknown>;
      declared.push(...Object.values(module).filter((v) => typeof v === 'object' && v !== null && 'settings' in v));
    }
    expect(declared).toHaveLength(concerns.length);
    for (const c of declared) expect(concerns).toContain(c);
  });

  it('declares every setting in exactly one concern', () => {
    const names = settings.map((s) => s.env);
    expect(new Set(names).size).toBe(names.length);
  });

  it('is documented in docs/configuration.md by the table generated from the schemas, row for row', () => {
    const readme = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
    const generated = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/config-table.ts'], {
      encoding: 'utf8',
    }).trim();
    expect(generated.split('\n').length).toBe(settings.length + 2);
    expect(readme).toContain(generated);
  });
});
