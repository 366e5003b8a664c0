// Rollback: every gradually deployed function's Live alias back to the version before it, as one command.
//   npm run rollback -- --stage prod [--region eu-west-2]              the plan only (a dry run, always first)
//   npm run rollback -- --stage prod [--region eu-west-2] --execute    carry it out
// What it does, in this order:
//  1. stops any deployment CodeDeploy is still shifting, with its own rollback (the alias goes back to where it was);
//  2. points each Live alias at the newest published version older than the one it serves, all traffic on it.
// What it never does: touch the schema (expand/contract keeps the previous release working on it, docs/releasing.md),
// or the stack. CloudFormation still records the newer versions; the next deploy, a fix or a revert, sets them again.
import { parseArgs } from 'node:util';
import {
  CloudFormationClient,
  ListStackResourcesCommand,
  type StackResourceSummary,
} from '@aws-sdk/client-cloudformation';
import {
  CodeDeployClient,
  GetDeploymentCommand,
  ListDeploymentsCommand,
  StopDeploymentCommand,
} from '@aws-sdk/client-codedeploy';
import {
  GetAliasCommand,
  LambdaClient,
  ListVersionsByFunctionCommand,
  UpdateAliasCommand,
} from '@aws-sdk/client-lambda';

export interface RollbackClients {
  cloudFormation: CloudFormationClient;
  codeDeploy: CodeDeployClient;
  lambda: LambdaClient;
}

export interface AliasStep {
  functionName: string;
  alias: string;
  from: string;
  /** Undefined when there is no older version to go back to: the step is refused. */
  to?: string;
  /** The share of traffic on a second version when a shift was under way. */
  shifting?: Record<string, number>;
  /** How `to` was found: the deployment that moved the alias to `from`, or (no such record) version order. */
  source?: 'codedeploy' | 'version-order' | 'stop-shift';
}

export interface RollbackPlan {
  stackName: string;
  stopDeployments: string[];
  aliases: AliasStep[];
  /** Why the plan cannot be carried out, when it cannot. */
  refusals: string[];
}

async function stackResources(client: CloudFormationClient, stackName: string): Promise<StackResourceSummary[]> {
  const all: StackResourceSummary[] = [];
  let NextToken: string | undefined;
  do {
    const page = await client.send(new ListStackResourcesCommand({ StackName: stackName, NextToken }));
    all.push(...(page.StackResourceSummaries ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return all;
}

async function publishedVersions(client: LambdaClient, functionName: string): Promise<number[]> {
  const versions: number[] = [];
  let Marker: string | undefined;
  do {
    const page = await client.send(new ListVersionsByFunctionCommand({ FunctionName: functionName, Marker }));
    for (const v of page.Versions ?? []) if (v.Version && /^\d+$/.test(v.Version)) versions.push(Number(v.Version));
    Marker = page.NextMarker;
  } while (Marker);
  return versions.sort((a, b) => a - b);
}

/**
 * The version that was live before `version`: from the newest succeeded deployment of the group that moved the alias
 * to it (its AppSpec names CurrentVersion and TargetVersion). Version order alone would pick a version whose
 * deployment failed and was rolled back, which was never live.
 */
async function versionBefore(
  client: CodeDeployClient,
  application: string,
  group: string,
  version: string,
): Promise<string | undefined> {
  const { deployments = [] } = await client.send(
    new ListDeploymentsCommand({
      applicationName: application,
      deploymentGroupName: group,
      includeOnlyStatuses: ['Succeeded'],
    }),
  );
  // Newest first; the first few are enough: the alias moved to `version` by the latest success.
  for (const deploymentId of deployments.slice(0, 5)) {
    const { deploymentInfo } = await client.send(new GetDeploymentCommand({ deploymentId }));
    const content = deploymentInfo?.revision?.appSpecContent?.content;
    if (!content) continue;
    const appSpec = JSON.parse(content) as {
      Resources?: Array<Record<string, { Properties?: { CurrentVersion?: string; TargetVersion?: string } }>>;
    };
    for (const entry of appSpec.Resources ?? [])
      for (const { Properties } of Object.values(entry))
        if (Properties?.TargetVersion === version && Properties.CurrentVersion) return Properties.CurrentVersion;
  }
  return undefined;
}

/** Reads the stage as it is and says what a rollback would do. Changes nothing. */
export async function planRollback(clients: RollbackClients, stackName: string): Promise<RollbackPlan> {
  const resources = await stackResources(clients.cloudFormation, stackName);
  // Each function's deployment group, by the function's logical id (the plugin names groups <function id>DeploymentGroup).
  const groups = new Map(
    resources
      .filter((r) => r.ResourceType === 'AWS::CodeDeploy::DeploymentGroup' && r.PhysicalResourceId)
      .map((r) => [r.LogicalResourceId!.replace(/DeploymentGroup$/, ''), r.PhysicalResourceId!]),
  );
  const inFlight = await clients.codeDeploy.send(
    new ListDeploymentsCommand({
      applicationName: stackName,
      includeOnlyStatuses: ['Created', 'Queued', 'InProgress', 'Ready'],
    }),
  );
  const plan: RollbackPlan = { stackName, stopDeployments: inFlight.deployments ?? [], aliases: [], refusals: [] };
  for (const resource of resources.filter((r) => r.ResourceType === 'AWS::Lambda::Alias' && r.PhysicalResourceId)) {
    // arn:aws:lambda:<region>:<account>:function:<name>:<alias>
    const [functionName, alias] = resource.PhysicalResourceId!.split(':').slice(6, 8) as [string, string];
    const current = await clients.lambda.send(new GetAliasCommand({ FunctionName: functionName, Name: alias }));
    const from = current.FunctionVersion!;
    const step: AliasStep = { functionName, alias, from };
    const weights = current.RoutingConfig?.AdditionalVersionWeights;
    if (weights && Object.keys(weights).length) {
      // Mid-shift the alias still names the release that was live; the canary's share is what goes.
      step.shifting = weights;
      step.to = from;
      step.source = 'stop-shift';
    } else {
      const group = groups.get(resource.LogicalResourceId!.replace(/Alias[A-Za-z0-9]+$/, ''));
      const previous = group ? await versionBefore(clients.codeDeploy, stackName, group, from) : undefined;
      if (previous) Object.assign(step, { to: previous, source: 'codedeploy' });
      else {
        const older = (await publishedVersions(clients.lambda, functionName)).filter((v) => v < Number(from));
        if (older.length) Object.assign(step, { to: String(older.at(-1)), source: 'version-order' });
      }
    }
    if (!step.to) plan.refusals.push(`${functionName}:${alias} serves version ${from}, and no older version exists`);
    plan.aliases.push(step);
  }
  if (!plan.aliases.length) plan.refusals.push(`${stackName} has no gradually deployed alias: nothing to roll back`);
  return plan;
}

export function describePlan(plan: RollbackPlan): string[] {
  return [
    ...plan.stopDeployments.map((id) => `stop CodeDeploy deployment ${id} and let it roll its alias back`),
    ...plan.aliases.map((a) =>
      a.source === 'stop-shift'
        ? `${a.functionName}:${a.alias}  stays on version ${a.from}; the shift under way (${JSON.stringify(a.shifting)}) is cleared`
        : `${a.functionName}:${a.alias}  version ${a.from} → ${a.to ?? '(none older: refused)'}` +
          (a.source === 'version-order' ? '  (no CodeDeploy record: the next older version)' : ''),
    ),
    ...plan.refusals.map((r) => `REFUSED: ${r}`),
  ];
}

/** Carries a plan out. Refuses a plan with refusals: a half rollback leaves functions on two releases. */
export async function executeRollback(clients: RollbackClients, plan: RollbackPlan): Promise<string[]> {
  if (plan.refusals.length) throw new Error(`rollback refused: ${plan.refusals.join('; ')}`);
  const done: string[] = [];
  for (const deploymentId of plan.stopDeployments) {
    await clients.codeDeploy.send(new StopDeploymentCommand({ deploymentId, autoRollbackEnabled: true }));
    done.push(`stopped ${deploymentId}`);
  }
  for (const a of plan.aliases) {
    await clients.lambda.send(
      new UpdateAliasCommand({
        FunctionName: a.functionName,
        Name: a.alias,
        FunctionVersion: a.to!,
        RoutingConfig: { AdditionalVersionWeights: {} },
      }),
    );
    done.push(`${a.functionName}:${a.alias} → ${a.to}`);
  }
  return done;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      stage: { type: 'string' },
      region: { type: 'string', default: process.env.AWS_REGION ?? 'eu-west-2' },
      execute: { type: 'boolean', default: false },
    },
  });
  if (!values.stage) {
    console.error('usage: npm run rollback -- --stage <stage> [--region <region>] [--execute]');
    return 2;
  }
  const region = values.region;
  const clients = {
    cloudFormation: new CloudFormationClient({ region }),
    codeDeploy: new CodeDeployClient({ region }),
    lambda: new LambdaClient({ region }),
  };
  const plan = await planRollback(clients, `tyrehero-dispatch-${values.stage}`);
  console.log(`Rollback plan for ${plan.stackName} (${region}):`);
  for (const line of describePlan(plan)) console.log(`  ${line}`);
  if (!values.execute) {
    console.log(`\nDry run: nothing changed. Run again with --execute to carry it out.`);
    return plan.refusals.length ? 1 : 0;
  }
  const started = Date.now();
  for (const line of await executeRollback(clients, plan)) console.log(`  done: ${line}`);
  console.log(
    `\nRolled back in ${((Date.now() - started) / 1000).toFixed(1)} s. Now: npm run verify -- --stage ${values.stage}`,
  );
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`Rollback could not run: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(2);
    },
  );
}
