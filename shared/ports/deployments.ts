// A deployment's lifecycle hook: what is being deployed, the verdict on it, and a way to try the new version.
import type { APIGatewayProxyEvent } from 'aws-lambda';

/** What CodeDeploy is deploying: the function, the alias traffic is shifted on, and the version it shifts to. */
export interface DeploymentTarget {
  functionName: string;
  alias: string;
  targetVersion: string;
}

export type HookStatus = 'Succeeded' | 'Failed';

/** CodeDeploy's side of a lifecycle hook. */
export interface DeploymentHooks {
  targetOf(deploymentId: string): Promise<DeploymentTarget>;
  report(deploymentId: string, hookExecutionId: string, status: HookStatus): Promise<void>;
}

/** Invokes one version of a function directly (never through the alias, so no customer traffic is involved). */
export interface VersionInvoker {
  invoke(
    functionName: string,
    version: string,
    event: APIGatewayProxyEvent,
  ): Promise<{ functionError?: string; payload: unknown }>;
}
