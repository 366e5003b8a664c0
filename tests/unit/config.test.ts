import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig, settings } from '../../shared/config.js';

const local = { DATABASE_URL: 'postgres://u:p@localhost/db' };

describe('loadConfig', () => {
  it('fills every default for a local stage', () => {
    const config = loadConfig(local);
    expect(config).toMatchObject({ stage: 'local', region: 'eu-west-2', intake: { slaMinutes: 90, dedupWindowMinutes: 5, maxBodyBytes: 16384 }, geocoder: { kind: 'offline' } });
    expect(config.database.poolMax).toBe(1);
  });

  it('refuses to start without any way to reach the database', () => {
    expect(() => loadConfig({})).toThrow(/DATABASE_URL, or DB_HOST and DB_SECRET_ARN/);
  });

  it('accepts RDS Proxy settings instead of a URL', () => {
    const config = loadConfig({ DB_HOST: 'proxy.example', DB_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-2:1:secret:db' });
    expect(config.database).toMatchObject({ host: 'proxy.example', port: 5432, name: 'tyrehero', user: 'tyrehero_admin' });
  });

  it('names the setting and the bad value when a number is not a number', () => {
    expect(() => loadConfig({ ...local, SLA_MINUTES: 'ninety' })).toThrow(/SLA_MINUTES.*"ninety"/);
  });

  it('refuses an unknown geocoder and an AWS geocoder without a place index', () => {
    expect(() => loadConfig({ ...local, GEOCODER: 'google' })).toThrow(/GEOCODER/);
    expect(() => loadConfig({ ...local, GEOCODER: 'aws-location' })).toThrow(/PLACE_INDEX_NAME/);
  });

  it('is documented setting by setting in the README configuration table', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const documented = new Set([...readme.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]));
    expect([...documented].sort()).toEqual(settings.map((s) => s.env).sort());
  });
});
