// The release record: who released what, when, with what outcome, and how long CodeDeploy's traffic shift took.
//   npm run release:record -- --stage prod --region eu-west-2 --since <ISO time the deploy began> --outcome pass|fail
// It reads the stage's CodeDeploy deployments since then (one a gradually deployed function), prints the record as
// Markdown (also into the GitHub run summary, when there is one), writes it as JSON (--out, kept as the run's artefact)
// and keeps it in the stage's SSM parameter /tyrehero-dispatch/<stage>/releases/latest, whose history holds the
// last 100 releases (aws ssm get-parameter-history).
import { execFileSync } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { BatchGetDeploymentsCommand, CodeDeployClient, ListDeploymentsCommand } from '@aws-sdk/client-codedeploy';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';

export interface ReleaseRecord {
  stage: string;
  region: string;
  who: string;
  what: { commit: string; ref?: string; run?: string };
  when: { started: string; recorded: string };
  outcome: 'pass' | 'fail';
  /** Why a release that the pipeline called a pass is recorded as a failure, or the pipeline's own failure. */
  reasons: string[];
  shift: {
    deployments: Array<{ id: string; group: string; status: string; seconds?: number }>;
    /** From the first deployment's creation to the last one's end: how long the release took to take all traffic. */
    seconds?: number;
  };
}

export interface RecordInput {
  stage: string;
  region: string;
  since: Date;
  pipelineOutcome: 'pass' | 'fail';
  who: string;
  commit: string;
  ref?: string;
  run?: string;
  now: () => Date;
}

export async function buildRecord(codeDeploy: CodeDeployClient, input: RecordInput): Promise<ReleaseRecord> {
  const applicationName = `tyrehero-dispatch-${input.stage}`;
  const ids: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await codeDeploy.send(
      new ListDeploymentsCommand({ applicationName, createTimeRange: { start: input.since }, nextToken }),
    );
    ids.push(...(page.deployments ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  const infos = [];
  // BatchGetDeployments takes 25 ids a call.
  for (let i = 0; i < ids.length; i += 25) {
    const batch = await codeDeploy.send(new BatchGetDeploymentsCommand({ deploymentIds: ids.slice(i, i + 25) }));
    infos.push(...(batch.deploymentsInfo ?? []));
  }
  const deployments = infos
    .map((d) => ({
      id: d.deploymentId!,
      group: d.deploymentGroupName ?? '?',
      status: d.status ?? 'Unknown',
      created: d.createTime,
      completed: d.completeTime,
    }))
    .sort((a, b) => a.group.localeCompare(b.group));
  const reasons: string[] = [];
  if (input.pipelineOutcome === 'fail') reasons.push('the pipeline reported a failure');
  for (const d of deployments.filter((d) => d.status !== 'Succeeded'))
    reasons.push(`${d.group}: deployment ${d.id} ${d.status}`);
  const starts = deployments.flatMap((d) => (d.created ? [d.created.getTime()] : []));
  const ends = deployments.flatMap((d) => (d.completed ? [d.completed.getTime()] : []));
  const finished = deployments.length > 0 && ends.length === deployments.length;
  return {
    stage: input.stage,
    region: input.region,
    who: input.who,
    what: { commit: input.commit, ...(input.ref ? { ref: input.ref } : {}), ...(input.run ? { run: input.run } : {}) },
    when: { started: input.since.toISOString(), recorded: input.now().toISOString() },
    outcome: reasons.length ? 'fail' : 'pass',
    reasons,
    shift: {
      deployments: deployments.map((d) => ({
        id: d.id,
        group: d.group,
        status: d.status,
        ...(d.created && d.completed
          ? { seconds: Math.round((d.completed.getTime() - d.created.getTime()) / 1000) }
          : {}),
      })),
      ...(finished ? { seconds: Math.round((Math.max(...ends) - Math.min(...starts)) / 1000) } : {}),
    },
  };
}

export function markdown(record: ReleaseRecord): string {
  const lines = [
    `### Release ${record.outcome === 'pass' ? 'passed' : 'FAILED'}: ${record.stage} (${record.region})`,
    '',
    `| | |`,
    `| --- | --- |`,
    `| who | ${record.who} |`,
    `| what | ${record.what.commit}${record.what.ref ? ` (${record.what.ref})` : ''} |`,
    `| when | ${record.when.started} → ${record.when.recorded} |`,
    `| traffic shift | ${record.shift.seconds === undefined ? 'not finished' : `${record.shift.seconds} s`} over ${record.shift.deployments.length} functions |`,
    ...(record.reasons.length ? [`| why it failed | ${record.reasons.join('; ')} |`] : []),
  ];
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      stage: { type: 'string' },
      region: { type: 'string', default: process.env.AWS_REGION ?? 'eu-west-2' },
      since: { type: 'string' },
      outcome: { type: 'string', default: 'pass' },
      out: { type: 'string' },
      'no-store': { type: 'boolean', default: false },
    },
  });
  const since = values.since ? new Date(values.since) : undefined;
  if (!values.stage || !since || Number.isNaN(since.getTime()) || !['pass', 'fail'].includes(values.outcome)) {
    console.error(
      'usage: npm run release:record -- --stage <stage> --since <ISO time> [--outcome pass|fail] [--region …] [--out file.json] [--no-store]',
    );
    return 2;
  }
  const record = await buildRecord(new CodeDeployClient({ region: values.region }), {
    stage: values.stage,
    region: values.region,
    since,
    pipelineOutcome: values.outcome as 'pass' | 'fail',
    who: process.env.GITHUB_ACTOR ?? process.env.USER ?? 'unknown',
    commit: process.env.GITHUB_SHA ?? execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim(),
    ref: process.env.GITHUB_REF_NAME,
    run: process.env.GITHUB_RUN_ID
      ? `${process.env.GITHUB_SERVER_URL}/${process.env.GITHUB_REPOSITORY}/actions/runs/${process.env.GITHUB_RUN_ID}`
      : undefined,
    now: () => new Date(),
  });
  const text = markdown(record);
  console.log(text);
  if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, `${text}\n`);
  if (values.out) writeFileSync(values.out, `${JSON.stringify(record, null, 2)}\n`);
  if (!values['no-store'])
    await new SSMClient({ region: values.region }).send(
      new PutParameterCommand({
        Name: `/tyrehero-dispatch/${values.stage}/releases/latest`,
        Type: 'String',
        Tier: 'Advanced',
        Overwrite: true,
        Value: JSON.stringify({ ...record, shift: { ...record.shift, deployments: record.shift.deployments.length } }),
      }),
    );
  return record.outcome === 'pass' ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(
        `The release record could not be written: ${error instanceof Error ? error.message : String(error)}`,
      );
      process.exit(2);
    },
  );
}
