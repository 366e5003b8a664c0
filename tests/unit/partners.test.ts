import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

type Fragment = { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
const { partnerResources } = createRequire(import.meta.url)('../../resources/partners.cjs') as {
  partnerResources: (o: {
    service: string;
    stage: string;
    enabled: boolean;
    names: string;
    rateLimit: number;
    burstLimit: number;
    quotaPerDay: number;
  }) => Fragment;
};

const base = {
  service: 'tyrehero-dispatch',
  stage: 'prod',
  enabled: true,
  names: 'rac, green-flag',
  rateLimit: 20,
  burstLimit: 40,
  quotaPerDay: 5000,
};

describe('partner usage plan and API keys (resources/partners.cjs)', () => {
  it('adds nothing where the stage does not turn partner keys on', () => {
    expect(partnerResources({ ...base, enabled: false })).toEqual({ Resources: {} });
  });

  it('creates one usage plan and one key per partner name, each key in the plan', () => {
    const { Resources } = partnerResources(base);
    expect(Object.keys(Resources).sort()).toEqual([
      'PartnerApiKeyGreenFlag',
      'PartnerApiKeyGreenFlagUsagePlanKey',
      'PartnerApiKeyRac',
      'PartnerApiKeyRacUsagePlanKey',
      'PartnerUsagePlan',
    ]);
    expect(Resources.PartnerUsagePlan!.Properties).toMatchObject({
      Throttle: { RateLimit: 20, BurstLimit: 40 },
      Quota: { Limit: 5000, Period: 'DAY' },
    });
    expect(Resources.PartnerApiKeyGreenFlag!.Properties.Name).toBe('tyrehero-dispatch-prod-partner-green-flag');
    expect(Resources.PartnerApiKeyRacUsagePlanKey!.Properties).toEqual({
      KeyId: { Ref: 'PartnerApiKeyRac' },
      KeyType: 'API_KEY',
      UsagePlanId: { Ref: 'PartnerUsagePlan' },
    });
  });

  it('refuses settings that would deploy a broken or surprising plan', () => {
    expect(() => partnerResources({ ...base, names: ' , ' })).toThrow(/names no partner/);
    expect(() => partnerResources({ ...base, names: 'RAC Ltd' })).toThrow(/lower-case names/);
    expect(() => partnerResources({ ...base, names: 'rac,rac' })).toThrow(/duplicates/);
    expect(() => partnerResources({ ...base, quotaPerDay: 0 })).toThrow(
      /partnerQuotaPerDay must be a positive integer/,
    );
    expect(() => partnerResources({ ...base, rateLimit: Number.NaN })).toThrow(/partnerRateLimit/);
  });
});
