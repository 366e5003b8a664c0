// CodeDeploy's lifecycle hooks: which function version a Lambda deployment shifts to, and the hook's verdict.
import {
  GetDeploymentCommand,
  PutLifecycleEventHookExecutionStatusCommand,
  type CodeDeployClient,
} from '@aws-sdk/client-codedeploy';
import type { DeploymentHooks, DeploymentTarget, HookStatus } from '#shared/ports/deployments.js';

interface AppSpec {
  Resources?: Array<Record<string, { Type?: string; Properties?: Record<string, unknown> }>>;
}

export class CodeDeployHooks implements DeploymentHooks {
  constructor(private readonly client: CodeDeployClient) {}

  /** A Lambda deployment's AppSpec names the function, its alias and the target version (CloudFormation writes it). */
  async targetOf(deploymentId: string): Promise<DeploymentTarget> {
    const { deploymentInfo } = await this.client.send(new GetDeploymentCommand({ deploymentId }));
    const content = deploymentInfo?.revision?.appSpecContent?.content ?? deploymentInfo?.revision?.string?.content;
    if (!content) throw new Error(`deployment ${deploymentId} has no AppSpec content`);
    const spec = JSON.parse(content) as AppSpec;
    const fn = (spec.Resources ?? []).flatMap((r) => Object.values(r)).find((r) => r.Type === 'AWS::Lambda::Function');
    const { Name, Alias, TargetVersion } = fn?.Properties ?? {};
    if (
      typeof Name !== 'string' ||
      typeof Alias !== 'string' ||
      (typeof TargetVersion !== 'string' && typeof TargetVersion !== 'number')
    )
      throw new Error(`deployment ${deploymentId}'s AppSpec names no Lambda function, alias and target version`);
    return { functionName: Name, alias: Alias, targetVersion: String(TargetVersion) };
  }

  async report(deploymentId: string, hookExecutionId: string, status: HookStatus): Promise<void> {
    await this.client.send(
      new PutLifecycleEventHookExecutionStatusCommand({
        deploymentId,
        lifecycleEventHookExecutionId: hookExecutionId,
        status,
      }),
    );
  }
}
