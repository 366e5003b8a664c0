// Partner integrations (breakdown networks, fleet operators) send emergencies to POST /partner/emergencies with an
// API key. Where the stage's `partnerApiKeys` param is 'true', this adds one usage plan (throttle and daily quota per
// key) and one API key per name in `partnerApiKeyNames`; elsewhere it adds nothing and the partner route answers 403.
// API Gateway generates each key's value: it is read with `aws apigateway get-api-key --include-value`, never stored here.
'use strict';

const logicalName = (name) =>
  name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');

/** Pure: the CloudFormation fragment for these settings (tests/unit/partners.test.ts). */
function partnerResources({ service, stage, enabled, names, rateLimit, burstLimit, quotaPerDay }) {
  if (!enabled) return { Resources: {} };
  const list = names
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  if (list.length === 0) throw new Error('partnerApiKeys is true but partnerApiKeyNames names no partner');
  const invalid = list.filter((n) => !/^[a-z0-9][a-z0-9-]{0,39}$/.test(n));
  if (invalid.length)
    throw new Error(`partnerApiKeyNames must be lower-case names of letters, digits and dashes: ${invalid.join(', ')}`);
  if (new Set(list.map(logicalName)).size !== list.length) throw new Error('partnerApiKeyNames has duplicates');
  for (const [label, value] of [
    ['partnerRateLimit', rateLimit],
    ['partnerBurstLimit', burstLimit],
    ['partnerQuotaPerDay', quotaPerDay],
  ]) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`${label} must be a positive integer, got ${value}`);
  }
  const Resources = {
    PartnerUsagePlan: {
      Type: 'AWS::ApiGateway::UsagePlan',
      Properties: {
        UsagePlanName: `${service}-${stage}-partners`,
        Description: 'Partner integrations: per-key throttle and daily quota on POST /partner/emergencies',
        // Ref ApiGatewayStage (the stage name) makes the plan wait for the stage.
        ApiStages: [{ ApiId: { Ref: 'ApiGatewayRestApi' }, Stage: { Ref: 'ApiGatewayStage' } }],
        Throttle: { RateLimit: rateLimit, BurstLimit: burstLimit },
        Quota: { Limit: quotaPerDay, Period: 'DAY' },
      },
    },
  };
  for (const name of list) {
    const id = `PartnerApiKey${logicalName(name)}`;
    Resources[id] = {
      Type: 'AWS::ApiGateway::ApiKey',
      Properties: {
        Name: `${service}-${stage}-partner-${name}`,
        Description: `Partner integration: ${name}`,
        Enabled: true,
      },
    };
    Resources[`${id}UsagePlanKey`] = {
      Type: 'AWS::ApiGateway::UsagePlanKey',
      Properties: { KeyId: { Ref: id }, KeyType: 'API_KEY', UsagePlanId: { Ref: 'PartnerUsagePlan' } },
    };
  }
  return { Resources };
}

module.exports = async ({ resolveVariable }) => {
  const [service, stage, enabled, names, rateLimit, burstLimit, quotaPerDay] = await Promise.all([
    resolveVariable('self:service'),
    resolveVariable('sls:stage'),
    resolveVariable('param:partnerApiKeys'),
    resolveVariable('param:partnerApiKeyNames'),
    resolveVariable('param:partnerRateLimit'),
    resolveVariable('param:partnerBurstLimit'),
    resolveVariable('param:partnerQuotaPerDay'),
  ]);
  return partnerResources({
    service,
    stage,
    enabled: String(enabled) === 'true',
    names: String(names ?? ''),
    rateLimit: Number(rateLimit),
    burstLimit: Number(burstLimit),
    quotaPerDay: Number(quotaPerDay),
  });
};
module.exports.partnerResources = partnerResources;
