// The GitHub Actions workflows (.github/workflows/): valid by GitHub's schema, checked offline by action-validator, and
// shaped as docs/releasing.md says: what CI runs, the release order, the prod approval gate, OIDC-only credentials.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../scripts/local/engines.js';

interface Step {
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  needs?: string | string[];
  if?: string;
  environment?: string | { name: string };
  uses?: string;
  steps?: Step[];
  strategy?: { matrix: Record<string, unknown> };
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}

const workflowsDir = path.join(projectRoot, '.github/workflows');
const names = ['ci.yml', 'deploy.yml', 'hotfix.yml'];
const text = (name: string) => readFileSync(path.join(workflowsDir, name), 'utf8');
const load = (name: string) => yaml.load(text(name)) as Workflow;

const validatorCli = path.join(
  path.dirname(createRequire(import.meta.url).resolve('@action-validator/cli/package.json')),
  'cli.mjs',
);
/** action-validator's exit status and what it printed for one workflow file (offline: the schema is in its wasm). */
function validate(file: string) {
  const result = spawnSync(process.execPath, [validatorCli, file], { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

const needsOf = (job: Job) => (job.needs === undefined ? [] : [job.needs].flat());
const environmentOf = (job: Job) => (typeof job.environment === 'string' ? job.environment : job.environment?.name);
/** Every shell line a job runs, in order, one string. */
const runsOf = (job: Job) => (job.steps ?? []).flatMap((s) => (s.run ? [s.run.replace(/\s+/g, ' ').trim()] : []));
const stepsUsing = (job: Job, action: string) => (job.steps ?? []).filter((s) => s.uses?.split('@')[0] === action);
/** Every job the given one waits for, directly or not. */
function ancestors(workflow: Workflow, job: string): Set<string> {
  const seen = new Set<string>();
  const visit = (name: string): void => {
    for (const n of needsOf(workflow.jobs[name]!)) {
      if (seen.has(n)) continue;
      seen.add(n);
      visit(n);
    }
  };
  visit(job);
  return seen;
}

describe('action-validator', () => {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'tyrehero-workflows-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it.each(names)('accepts %s', (name) => {
    const { status, output } = validate(path.join(workflowsDir, name));
    expect(output).toBe('');
    expect(status).toBe(0);
  });

  it.each(names)('rejects a copy of %s with a misspelt job key, so the check can fail', (name) => {
    const broken = path.join(scratch, name);
    writeFileSync(broken, text(name).replace('runs-on:', 'runs_on:'));
    const { status, output } = validate(broken);
    expect(status).toBe(1);
    expect(output).toContain('runs_on');
  });
});

describe('ci.yml', () => {
  const ci = load('ci.yml');

  it('runs on every push and pull request, and when deploy.yml calls it', () => {
    expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push', 'workflow_call']);
  });

  it("tests on Node 22 and on the oldest Node package.json's engines allow", () => {
    const engines = (
      JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { engines: { node: string } }
    ).engines.node;
    const oldest = Number(/^>=(\d+)/.exec(engines)![1]);
    const test = ci.jobs.test!;
    expect(test.strategy!.matrix.node).toEqual([22, oldest]);
    expect(runsOf(test)).toEqual(['npm ci', 'npm run lint', 'npm run typecheck', 'npm test']);
  });

  it('runs the load stage before anything deploys, failing on any error, into its own folder', () => {
    expect(runsOf(ci.jobs.load!)).toEqual(['npm ci', 'npm run load']);
    const scripts = (
      JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    expect(scripts.load).toBe('tsx scripts/bench/main.ts --quick --only=spike --out=.load-results');
  });

  it('fails on a high-severity advisory in the dependencies', () => {
    expect(runsOf(ci.jobs.audit!)).toContain('npm audit --audit-level=high');
  });

  it('packages every stage, prod in both regions, and keeps each template as an artefact', () => {
    const pkg = ci.jobs.package!;
    expect(pkg.strategy!.matrix.include).toEqual([
      { stage: 'dev', region: 'eu-west-2' },
      { stage: 'staging', region: 'eu-west-2' },
      { stage: 'prod', region: 'eu-west-2' },
      { stage: 'prod', region: 'eu-west-1' },
    ]);
    const folder = '.serverless-${{ matrix.stage }}-${{ matrix.region }}';
    expect(runsOf(pkg)).toContain(
      `npx sls package --stage \${{ matrix.stage }} --region \${{ matrix.region }} --package ${folder}`,
    );
    const [upload] = stepsUsing(pkg, 'actions/upload-artifact');
    expect(upload!.with).toMatchObject({
      path: `${folder}/cloudformation-template-*.json`,
      // upload-artifact v4 skips dot-folders unless told, and would then upload nothing.
      'include-hidden-files': true,
      'if-no-files-found': 'error',
    });
  });
});

describe('deploy.yml', () => {
  const deploy = load('deploy.yml');

  it('runs on pushes to main, after CI passes', () => {
    expect(deploy.on).toEqual({ push: { branches: ['main'] } });
    expect(deploy.jobs.ci!.uses).toBe('./.github/workflows/ci.yml');
    expect(needsOf(deploy.jobs.dev!)).toEqual(['ci']);
  });

  it("releases dev, dev's DR drill, staging, prod's primary, then prod's secondary, each after the one before", () => {
    const order = ['ci', 'dev', 'dr-drill-dev', 'staging', 'prod-primary', 'prod-secondary'];
    expect(Object.keys(deploy.jobs).sort()).toEqual([...order].sort());
    order.forEach((job, i) => expect([...ancestors(deploy, job)].sort()).toEqual(order.slice(0, i).sort()));
  });

  const record = (stage: string, region: string) =>
    `npm run release:record -- --stage ${stage} --region ${region} --since "$STARTED" --outcome "$OUTCOME" --out release-record.json`;
  const release = (stage: string, region: string, deploy: string) => [
    'npm ci',
    'echo "at=$(date -u +%Y-%m-%dT%H:%M:%SZ)" >> "$GITHUB_OUTPUT"',
    deploy,
    `npm run smoke -- --stage ${stage} --region ${region}`,
    `npm run verify -- --stage ${stage} --region ${region}`,
    record(stage, region),
  ];

  it('deploys each stage with its migrations inside, smoke-tests and verifies it, records the release, and drills DR on dev', () => {
    expect(runsOf(deploy.jobs.dev!)).toEqual(release('dev', 'eu-west-2', 'npx sls deploy --stage dev'));
    expect(runsOf(deploy.jobs['dr-drill-dev']!)).toContain(
      `npx sls invoke -f drDrill --stage dev -d '{"dryRun": false, "operator": "github-actions"}'`,
    );
    expect(runsOf(deploy.jobs.staging!)).toEqual(release('staging', 'eu-west-2', 'npx sls deploy --stage staging'));
    expect(runsOf(deploy.jobs['prod-primary']!)).toEqual(
      release('prod', 'eu-west-2', 'npx sls deploy --stage prod --region eu-west-2'),
    );
    // The schema replicates and the secondary's database is read-only: no drill there, so smoke only.
    expect(runsOf(deploy.jobs['prod-secondary']!)).toEqual(
      release('prod', 'eu-west-1', 'npx sls deploy --stage prod --region eu-west-1').filter(
        (r) => !r.startsWith('npm run verify'),
      ),
    );
    // Nothing invokes migrate by hand any more: a deploy whose migrations fail stops before any new code.
    for (const name of names) expect(text(name)).not.toContain('invoke -f migrate');
  });

  it('records every release, whatever its outcome, and keeps the record as an artefact', () => {
    for (const job of ['dev', 'staging', 'prod-primary', 'prod-secondary']) {
      const step = deploy.jobs[job]!.steps!.find((s) => s.run?.includes('release:record'))!;
      expect(step.if, job).toBe('always()');
      expect(step.env, job).toEqual({
        STARTED: '${{ steps.started.outputs.at }}',
        OUTCOME: "${{ job.status == 'success' && 'pass' || 'fail' }}",
      });
      const [upload] = stepsUsing(deploy.jobs[job]!, 'actions/upload-artifact');
      expect(upload, job).toMatchObject({ if: 'always()', with: { path: 'release-record.json' } });
    }
  });

  it('puts every prod job, and only those, behind the production environment', () => {
    const gated = Object.entries(deploy.jobs).filter(([, job]) => environmentOf(job) === 'production');
    expect(gated.map(([name]) => name).sort()).toEqual(['prod-primary', 'prod-secondary']);
    const prodDeploys = Object.entries(deploy.jobs).filter(([, job]) =>
      runsOf(job).some((r) => r.includes('--stage prod')),
    );
    expect(prodDeploys.map(([name]) => name).sort()).toEqual(['prod-primary', 'prod-secondary']);
  });
});

describe('hotfix.yml', () => {
  const hotfix = load('hotfix.yml');

  it('is started by hand with a severity to choose and a description', () => {
    const inputs = (hotfix.on.workflow_dispatch as { inputs: Record<string, { type: string; options?: string[] }> })
      .inputs;
    expect(Object.keys(hotfix.on)).toEqual(['workflow_dispatch']);
    expect(inputs.severity).toMatchObject({ type: 'choice', options: ['P1', 'P2', 'P3', 'P4'] });
    expect(inputs.description!.type).toBe('string');
    // Free text reaches the shell through the environment, never pasted into a script.
    expect(text('hotfix.yml')).not.toMatch(/run:[^\n]*\$\{\{\s*inputs\./);
  });

  it("alerts the ops topic before the deploy and after it, whatever the deploy's outcome", () => {
    const publishes = (job: string) =>
      runsOf(hotfix.jobs[job]!).some((r) => r.includes('aws sns publish') && r.includes('OpsAlertsTopic'));
    expect(publishes('alert-start')).toBe(true);
    expect(publishes('alert-end')).toBe(true);
    expect(needsOf(hotfix.jobs.deploy!)).toContain('alert-start');
    expect(needsOf(hotfix.jobs['alert-end']!)).toContain('deploy');
    expect(hotfix.jobs['alert-end']!.if).toBe('always()');
  });

  it('skips no check: lint, typecheck, the unit, integration and package lanes and the load stage gate the deploy', () => {
    expect(runsOf(hotfix.jobs.checks!)).toEqual(['npm ci', 'npm run lint', 'npm run typecheck', 'npm run test:unit']);
    expect(runsOf(hotfix.jobs.integration!)).toEqual(['npm ci', 'npm run test:integration']);
    expect(runsOf(hotfix.jobs.load!)).toEqual(['npm ci', 'npm run load']);
    expect(runsOf(hotfix.jobs.package!)).toEqual(['npm ci', 'npm run test:package']);
    expect(needsOf(hotfix.jobs.deploy!)).toEqual(expect.arrayContaining(['checks', 'integration', 'load', 'package']));
  });

  it('deploys prod behind approval with a shortened canary, primary then secondary, each smoke-tested', () => {
    const job = hotfix.jobs.deploy!;
    expect(environmentOf(job)).toBe('production');
    const canary = '--param="canaryType=Canary10Percent1Minute"';
    expect(runsOf(job)).toEqual([
      'npm ci',
      'echo "at=$(date -u +%Y-%m-%dT%H:%M:%SZ)" >> "$GITHUB_OUTPUT"',
      `npx sls deploy --stage prod --region eu-west-2 ${canary}`,
      'npm run smoke -- --stage prod --region eu-west-2',
      'npm run verify -- --stage prod --region eu-west-2',
      `npx sls deploy --stage prod --region eu-west-1 ${canary}`,
      'npm run smoke -- --stage prod --region eu-west-1',
      'npm run release:record -- --stage prod --region eu-west-2 --since "$STARTED" --outcome "$OUTCOME" --out release-record.json',
    ]);
  });

  it('writes its duration against the 2-minute target into the step summary', () => {
    const summary = runsOf(hotfix.jobs['alert-end']!).find((r) => r.includes('GITHUB_STEP_SUMMARY'));
    expect(summary).toContain('target=120');
    expect(summary).toContain('$(date +%s) - STARTED');
    expect(
      hotfix.jobs['alert-end']!.steps!.find((s) => s.run === summary || s.run?.includes('GITHUB_STEP_SUMMARY'))!.if,
    ).toBe('always()');
  });
});

describe.each(names)('AWS credentials in %s', (name) => {
  const workflow = load(name);
  const awsJobs = Object.values(workflow.jobs).filter((job) =>
    runsOf(job).some((r) => /\b(sls (deploy|invoke)|aws |npm run (smoke|verify|rollback|release:record))/.test(r)),
  );

  it('come from OIDC only: a role from a repository variable, an id-token to exchange, no access keys', () => {
    expect(text(name)).not.toMatch(/AWS_SECRET_ACCESS_KEY|aws-secret-access-key|AWS_ACCESS_KEY_ID|aws-access-key-id/i);
    if (awsJobs.length === 0) return expect(workflow.permissions).toEqual({ contents: 'read' });
    expect(workflow.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    for (const job of awsJobs) {
      const [credentials] = stepsUsing(job, 'aws-actions/configure-aws-credentials');
      expect(credentials!.with!['role-to-assume']).toBe('${{ vars.AWS_DEPLOY_ROLE_ARN }}');
      expect(Object.keys(credentials!.with!).sort()).toEqual(['aws-region', 'role-session-name', 'role-to-assume']);
    }
  });
});
