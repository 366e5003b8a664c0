// The account model over the packaged templates (tests/support/account-model.ts; docs/operations.md, "The account model"): every call
// of every function, in both prod regions and a one-region stage, placed against IAM, key policies, the network and
// AWS's documented constraints; the call list kept true against each function's bundle and role; and the previous
// release's templates, on which the model must find the first-deploy blockers issue 23 reported.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readServerless } from '../../scripts/bench/bundles.js';
import { projectRoot } from '../../scripts/local/engines.js';
import {
  constraints,
  declaredCalls,
  Evaluator,
  manifest,
  parseCall,
  placeAccount,
  roleStatements,
  sdkCommandOf,
  sdkPackage,
  type Account,
  type Call,
  type Finding,
} from '../support/account-model.js';
import { discard, packageService, type Packaged, type Template } from '../support/package.js';

const service = 'tyrehero-dispatch';
const packaged: Packaged[] = [];
let prod: Account;
let dev: Account;

beforeAll(async () => {
  const pack = async (stage: string, region: string) => {
    const p = await packageService(stage, region);
    packaged.push(p);
    return { region, template: p.template };
  };
  prod = { service, stage: 'prod', regions: [await pack('prod', 'eu-west-2'), await pack('prod', 'eu-west-1')] };
  dev = { service, stage: 'dev', regions: [await pack('dev', 'eu-west-2')] };
}, 1_200_000);

afterAll(() => {
  for (const p of packaged) discard(p);
});

const describeFindings = (findings: Finding[]) => findings.map((f) => `${f.region} ${f.fn}: ${f.call} — ${f.missing}`);
const functionsOf = (template: Template) =>
  Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');

describe('the account model on this release', () => {
  it('places every call of every function in prod (both regions) and dev: IAM, keys, network path, constraints', () => {
    for (const account of [prod, dev]) {
      const { placed, findings } = placeAccount(account);
      expect(describeFindings(findings), account.stage).toEqual([]);
      expect(placed).toBeGreaterThan(100 * account.regions.length);
    }
  });

  it('refuses reserved concurrency beyond the quota the deploy prerequisites ask for', () => {
    const [primary] = prod.regions;
    const template = structuredClone(primary!.template);
    template.Resources.CreateEmergencyLambdaFunction!.Properties.ReservedConcurrentExecutions = 900;
    const { findings } = placeAccount({ ...prod, regions: [{ region: 'eu-west-2', template }] });
    expect(describeFindings(findings)).toEqual([
      expect.stringMatching(
        /^eu-west-2 \(template\): 1214 reserved concurrent executions — reserved concurrency may total at most/,
      ),
    ]);
  });

  it('models every function of every template, and no function the templates do not have', () => {
    const names = new Set(
      prod.regions.flatMap(({ region, template }) =>
        functionsOf(template).map((fn) =>
          String(new Evaluator(prod, { region, template }).value(fn.Properties.FunctionName)).replace(
            `${service}-prod-`,
            '',
          ),
        ),
      ),
    );
    expect([...names].sort()).toEqual(Object.keys(manifest.functions).sort());
  });

  it('applies every documented constraint it lists', () => {
    const model = readFileSync(path.join(projectRoot, 'tests/support/account-model.ts'), 'utf8');
    for (const c of constraints) {
      expect(model, c.id).toContain(`constraint('${c.id}')`);
      expect(c.source, c.id).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
    }
  });
});

describe('the call list is kept true', () => {
  let bundles: Map<string, { commands: Set<string>; clients: Set<string> }>;

  beforeAll(async () => {
    // The bundles as `sls package` builds them (scripts/bench/bundles.ts reads the same esbuild options).
    const { options, functions } = readServerless('prod');
    const entryOf = (handler: string) => `${handler.slice(0, handler.lastIndexOf('.'))}.ts`;
    const result = await esbuild.build({
      ...options,
      absWorkingDir: projectRoot,
      entryPoints: [...new Set(functions.map((f) => entryOf(f.handler)))],
      outbase: '.',
      outdir: '/bundle',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    bundles = new Map();
    for (const fn of functions) {
      const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint === entryOf(fn.handler))!;
      const commands = new Set<string>();
      const clients = new Set<string>();
      for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
        if (!bytesInOutput) continue;
        const command = /@aws-sdk\/(client-[\w-]+)\/dist-es\/commands\/(\w+)Command\.js$/.exec(input);
        if (command) commands.add(`${command[1]}:${command[2]}`);
        const client = /@aws-sdk\/(client-[\w-]+)\/dist-es\/\w+Client\.js$/.exec(input);
        if (client) clients.add(client[1]!);
      }
      bundles.set(fn.name, { commands, clients });
    }
  }, 300_000);

  it('names only SDK calls whose command the function’s bundle carries', () => {
    const phantom: string[] = [];
    for (const [name, bundle] of bundles) {
      for (const call of declaredCalls(name).filter((c) => c.service in sdkPackage)) {
        const command = sdkCommandOf[`${call.service}:${call.action}`] ?? call.action;
        if (!bundle.commands.has(`${sdkPackage[call.service]}:${command}`)) phantom.push(`${name}: ${call.text}`);
      }
    }
    expect(phantom).toEqual([]);
  });

  it('names a call for every AWS client a function’s bundle carries', () => {
    const unplaced: string[] = [];
    for (const [name, bundle] of bundles) {
      const services = new Set(declaredCalls(name).map((c) => sdkPackage[c.service]));
      const excused = manifest.bundledNotCalled[name] ?? {};
      for (const client of bundle.clients)
        if (!services.has(client) && !excused[client])
          unplaced.push(`${name}: bundles ${client} but calls nothing of it`);
      // An excuse for a client the bundle no longer carries, or one it calls after all, must go.
      for (const client of Object.keys(excused))
        if (!bundle.clients.has(client) || services.has(client))
          unplaced.push(`${name}: stale bundledNotCalled entry ${client}`);
    }
    expect(unplaced).toEqual([]);
  });

  it('names a call for every action a function’s role is granted (or a call that makes AWS act with it)', () => {
    const ignored = /^(logs|xray|ec2):/;
    const unexplained: string[] = [];
    for (const at of prod.regions) {
      const evaluator = new Evaluator(prod, at);
      for (const fn of functionsOf(at.template)) {
        const name = String(evaluator.value(fn.Properties.FunctionName)).replace(`${service}-prod-`, '');
        const declared = new Set(
          declaredCalls(name).flatMap((c) => [
            `${c.service}:${c.action}`,
            ...(manifest.implied[`${c.service}:${c.action}`] ?? []),
          ]),
        );
        const granted = roleStatements(evaluator, fn).statements.flatMap((s) => [s.Action].flat() as string[]);
        for (const action of granted)
          if (!ignored.test(action) && !declared.has(action))
            unexplained.push(`${at.region} ${name}: granted ${action}`);
      }
    }
    expect([...new Set(unexplained)]).toEqual([]);
  });
});

describe('the account model on the previous release (tests/fixtures/previous-release)', () => {
  const fixture = (region: string) =>
    JSON.parse(
      readFileSync(path.join(projectRoot, `tests/fixtures/previous-release/prod-${region}.json`), 'utf8'),
    ) as Template;
  const previous: Account = {
    service,
    stage: 'prod',
    regions: [
      { region: 'eu-west-2', template: fixture('eu-west-2') },
      { region: 'eu-west-1', template: fixture('eu-west-1') },
    ],
  };
  // That release's code fetched the pool's keys from AUTH_JWKS_URL on the first staff request.
  const previousCode = (_: string, env: Record<string, string>): Call[] =>
    env.AUTH_JWKS_URL ? [parseCall('https AUTH_JWKS_URL')] : [];
  const findings = () => placeAccount(previous, previousCode).findings;
  const matching = (pattern: RegExp, fn?: string) =>
    findings().filter((f) => pattern.test(f.missing) && (!fn || f.fn === fn));

  it('finds DynamoDB refused the stack key: every table read and write of intake, in both regions', () => {
    const refused = matching(/KMS: key StackKey .* kms:Decrypt via dynamodb/, 'createEmergency');
    expect(refused.map((f) => `${f.region} ${f.call}`)).toEqual(
      expect.arrayContaining([
        'eu-west-2 dynamodb:Query table:LOCATIONS_TABLE/index/dispatchable',
        'eu-west-1 dynamodb:PutItem table:INTAKE_BUFFER_TABLE',
      ]),
    );
  });

  it('finds no route to KMS for the functions that seal phone numbers', () => {
    const noRoute = new Set(matching(/no VPC endpoint for kms/).map((f) => f.fn));
    // The 21 that seal or hash a number on every request (today's code adds opsHealth's key check to them).
    expect([...noRoute]).toEqual(
      expect.arrayContaining([
        'createEmergency',
        'getEmergency',
        'cancelEmergency',
        'rateEmergency',
        'drainIntakeBuffer',
        'migrate',
        'gdprErase',
        'gdprExport',
        'drDrill',
        'drRecover',
        'acceptJob',
        'declineJob',
        'jobEnRoute',
        'jobArrived',
        'completeJob',
        'redispatch',
        'opsQueue',
        'incidentBroadcast',
        'completeJobByOverride',
        'reassignRequest',
        'cancelRequest',
      ]),
    );
  });

  it('finds the staff token check in the primary going to a Cognito endpoint that cannot serve a pool with a domain', () => {
    const cognito = matching(/cannot be used through a Cognito interface VPC endpoint/);
    expect(new Set(cognito.map((f) => f.region))).toEqual(new Set(['eu-west-2']));
    expect(cognito.map((f) => f.fn)).toEqual(
      expect.arrayContaining(['acceptJob', 'updateTechnicianLocation', 'opsQueue']),
    );
  });

  it('finds the secondary’s template over the 60 dynamic references CloudFormation allows', () => {
    expect(matching(/at most 60 dynamic references/).map((f) => `${f.region} ${f.call}`)).toEqual([
      'eu-west-1 190 dynamic references',
    ]);
  });

  it('finds drCheck in the primary reading CloudWatch in the secondary’s region with no way out', () => {
    expect(matching(/cloudwatch in eu-west-1 from a VPC in eu-west-2/, 'drCheck')).toHaveLength(1);
  });

  it('finds the Twilio fallback unreachable from the VPC', () => {
    expect(matching(/api\.twilio\.com is on the internet/).map((f) => f.fn)).toEqual(
      expect.arrayContaining(['createEmergency', 'redispatch']),
    );
  });
});
