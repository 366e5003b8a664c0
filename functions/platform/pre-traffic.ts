// CodeDeploy's pre-traffic hook for every request-path function (custom.deploymentSettings in serverless.yml).
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { loadConcerns } from '#shared/config/concern.js';
import { regionConcern } from '#shared/config/region.js';
import { CodeDeployHooks } from '#shared/adapters/codedeploy/deployment-hooks.js';
import { LambdaVersionInvoker } from '#shared/adapters/lambda/version-invoker.js';
import { sdkClientOptions } from '#shared/adapters/sdk-client-options.js';
import { logger } from '#shared/powertools/logger.js';
import { checkNewVersion, type CheckNewVersionDeps, type HookEvent } from './check-new-version.js';
import { preTrafficConcern } from './pre-traffic-config.js';

export const makeHandler = (deps: CheckNewVersionDeps) => async (event: HookEvent) => {
  logger.appendKeys({ deploymentId: event.DeploymentId });
  return { status: await checkNewVersion(deps, event) };
};

const config = loadConcerns([regionConcern, preTrafficConcern]);
// A probed route answers within its own 10 s timeout; the request budget's 2 s would cut a cold start short.
const clientOptions = { region: config.region, ...sdkClientOptions('control-plane') };
export const handler = makeHandler({
  deployments: new CodeDeployHooks(new CodeDeployClient(clientOptions)),
  versions: new LambdaVersionInvoker(new LambdaClient(clientOptions)),
  healthFunctionName: config.preTraffic.healthFunctionName,
  intake: config.preTraffic.intake,
  log: logger,
});
