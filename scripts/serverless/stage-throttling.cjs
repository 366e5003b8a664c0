// Serverless plugin: declares API Gateway stage and per-method throttling in the template itself, since osls only
// offers usage-plan throttling (per API key), which does not protect an anonymous public API.
'use strict';

// API Gateway method settings name /pets/{id} as /~1pets~1{id}: the path's own slashes become ~1.
const escapePath = (path) => `/${`/${path.replace(/^\//, '')}`.replace(/\//g, '~1')}`;

class StageThrottling {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { 'before:package:finalize': () => this.apply() };
  }

  apply() {
    const settings = this.serverless.service.custom?.stageThrottling;
    if (!settings) return;
    const resources = this.serverless.service.provider.compiledCloudFormationTemplate.Resources;
    const deployments = Object.values(resources).filter((r) => r.Type === 'AWS::ApiGateway::Deployment');
    if (deployments.length !== 1) throw new Error(`stage-throttling expected one API Gateway deployment, found ${deployments.length}`);
    const toNumber = (value, name) => {
      const n = Number(value);
      if (!Number.isFinite(n) || n <= 0) throw new Error(`stage-throttling: ${name} must be a positive number, got ${value}`);
      return n;
    };
    const methodSettings = [
      { ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: toNumber(settings.rateLimit, 'rateLimit'), ThrottlingBurstLimit: toNumber(settings.burstLimit, 'burstLimit'), MetricsEnabled: true },
      ...(settings.methods ?? []).map((m) => ({
        ResourcePath: escapePath(m.path),
        HttpMethod: m.method.toUpperCase(),
        ThrottlingRateLimit: toNumber(m.rateLimit, `${m.method} ${m.path} rateLimit`),
        ThrottlingBurstLimit: toNumber(m.burstLimit, `${m.method} ${m.path} burstLimit`),
        MetricsEnabled: true,
      })),
    ];
    deployments[0].Properties.StageDescription = { ...deployments[0].Properties.StageDescription, MethodSettings: methodSettings };
  }
}

module.exports = StageThrottling;
