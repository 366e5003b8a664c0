// Part 3: every function's bundle as `sls package` builds it, its size, and its init time in fresh node processes.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { projectRoot } from '../local/engines.js';
import { buildBundles, type Contributor } from './bundles.js';
import { esbuildOptionsFor, type EsbuildBlock } from './esbuild-options.js';
import { median, ratio } from './stats.js';

export { esbuildOptionsFor };

export interface BundleFigures {
  name: string;
  bundleBytes: number;
  /** The deployment artifact `sls package` wrote (null for the empty handler, which is not deployed). */
  zipBytes: number | null;
  /** Median ms from process start to the handler resolved (what Lambda reports as Init Duration, on this machine). */
  initMs: number;
  /** Median ms of the import alone, after Node itself has started. */
  importMs: number;
  /** initMs ÷ the empty handler's initMs. */
  initRatio: number | null;
  /** The three largest parts of the bundle (npm packages or our own folders), from esbuild's metafile. */
  topContributors: Contributor[];
}

export interface ColdStartResult {
  runs: number;
  empty: BundleFigures;
  functions: BundleFigures[];
  /** The esbuild options rebuilt createEmergency byte for byte, so the empty bundle is built exactly like the others. */
  builderVerified: boolean;
}

interface PackagedState {
  service: {
    functions: Record<string, { handler: string; package?: { artifact?: string } }>;
    custom: { esbuild: EsbuildBlock };
  };
}

type CfnValue = string | Record<string, unknown>;

/** The deployed environment of a function with CloudFormation references replaced: module init must not need them resolved. */
function environmentOf(template: { Resources: Record<string, { Properties: { Environment?: { Variables?: Record<string, CfnValue> } } }> }, fn: string) {
  const logicalId = `${fn[0]!.toUpperCase()}${fn.slice(1)}LambdaFunction`;
  const variables = template.Resources[logicalId]?.Properties.Environment?.Variables ?? {};
  return Object.fromEntries(Object.entries(variables).map(([key, value]) => [key, resolvedForBench(key, value)]));
}

/**
 * A plain string stays; a `Fn::Sub` keeps its text with each `${…}` filled in, so structured values (a JSON list of
 * scaling targets, say) still parse; any other reference becomes a placeholder string.
 */
export function resolvedForBench(key: string, value: CfnValue): string {
  if (typeof value === 'string') return value;
  const sub = (value as { 'Fn::Sub'?: unknown })['Fn::Sub'];
  const text = typeof sub === 'string' ? sub : Array.isArray(sub) && typeof sub[0] === 'string' ? sub[0] : undefined;
  if (text !== undefined) return text.replace(/\$\{([^}]+)\}/g, (_, name: string) => `bench-${name.replace(/[^A-Za-z0-9]/g, '-').toLowerCase()}`);
  return `bench-placeholder-${key.toLowerCase()}`;
}

const probe = `const t0 = performance.now();
const m = await import(process.argv[1]);
if (typeof m.handler !== 'function') { console.error('no handler export'); process.exit(3); }
const t1 = performance.now();
process.stdout.write(JSON.stringify({ initMs: t1, importMs: t1 - t0 }));`;

function initOnce(bundle: string, env: Record<string, string>): Promise<{ initMs: number; importMs: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', probe, new URL(`file://${bundle}`).href], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`loading ${bundle} exited ${code}: ${err.trim().split('\n').slice(-3).join(' | ')}`));
      else resolve(JSON.parse(out) as { initMs: number; importMs: number });
    });
  });
}

async function figures(name: string, bundle: string, zip: string | null, env: Record<string, string>, runs: number): Promise<Omit<BundleFigures, 'initRatio' | 'topContributors'>> {
  const samples: { initMs: number; importMs: number }[] = [];
  // One process at a time: parallel starts would measure contention, not init.
  for (let i = 0; i < runs; i++) samples.push(await initOnce(bundle, env));
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    name,
    bundleBytes: statSync(bundle).size,
    zipBytes: zip ? statSync(zip).size : null,
    initMs: round(median(samples.map((s) => s.initMs))),
    importMs: round(median(samples.map((s) => s.importMs))),
  };
}

export async function benchColdStart(workDir: string, runs: number, log: (m: string) => void): Promise<ColdStartResult> {
  const packageDir = path.join(workDir, 'package');
  log('cold start: npx sls package --stage prod');
  // As tests/package/package-template.test.ts does: no AWS credentials, packaging is a pure offline build.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_')));
  execFileSync(process.execPath, [path.join(projectRoot, 'node_modules/osls/bin/serverless.js'), 'package', '--stage', 'prod', '--package', packageDir], {
    cwd: projectRoot,
    env: { ...env, SLS_TELEMETRY_DISABLED: '1', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', AWS_CONFIG_FILE: '/nonexistent' },
    stdio: 'pipe',
  });
  const state = JSON.parse(readFileSync(path.join(packageDir, 'serverless-state.json'), 'utf8')) as PackagedState;
  const template = JSON.parse(readFileSync(path.join(packageDir, 'cloudformation-template-update-stack.json'), 'utf8'));
  const extension = state.service.custom.esbuild.outputFileExtension ?? '.js';
  const buildOptions = esbuildOptionsFor(state.service.custom.esbuild, projectRoot);
  const lambdaEnv = (fn: string) => ({
    PATH: process.env.PATH ?? '',
    AWS_REGION: 'eu-west-2',
    AWS_LAMBDA_FUNCTION_NAME: `tyrehero-dispatch-prod-${fn}`,
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    ...environmentOf(template, fn),
  });

  const functions: Omit<BundleFigures, 'initRatio' | 'topContributors'>[] = [];
  const bundles = Object.entries(state.service.functions);
  for (const [name, fn] of bundles) {
    const zip = path.join(packageDir, path.basename(fn.package?.artifact ?? `${name}.zip`));
    const dir = path.join(workDir, 'functions', name);
    mkdirSync(dir, { recursive: true });
    execFileSync('unzip', ['-oq', zip, '-d', dir]);
    const bundle = path.join(dir, `${fn.handler.slice(0, fn.handler.lastIndexOf('.'))}${extension}`);
    log(`cold start: ${name} (${runs} fresh processes)`);
    functions.push(await figures(name, bundle, zip, lambdaEnv(name), runs));
  }

  // The same builder must reproduce a real bundle before its empty bundle can stand for "built the same way".
  const check = path.join(workDir, 'check');
  const reference = bundles.find(([name]) => name === 'createEmergency') ?? bundles[0]!;
  const referenceEntry = `${reference[1].handler.slice(0, reference[1].handler.lastIndexOf('.'))}.ts`;
  await esbuild.build({ ...buildOptions, absWorkingDir: projectRoot, entryPoints: [referenceEntry], outdir: path.join(check, path.dirname(referenceEntry)), logLevel: 'silent' });
  const rebuilt = readFileSync(path.join(check, `${referenceEntry.slice(0, -3)}${extension}`));
  const packaged = readFileSync(path.join(workDir, 'functions', reference[0], `${referenceEntry.slice(0, -3)}${extension}`));
  const builderVerified = rebuilt.equals(packaged);

  const emptyDir = path.join(workDir, 'empty');
  mkdirSync(emptyDir, { recursive: true });
  writeFileSync(path.join(emptyDir, 'empty.ts'), 'export const handler = async () => ({ statusCode: 204, body: "" });\n');
  await esbuild.build({ ...buildOptions, absWorkingDir: emptyDir, entryPoints: ['empty.ts'], outdir: path.join(emptyDir, 'out'), logLevel: 'silent' });
  const emptyBundle = path.join(emptyDir, 'out', `empty${extension}`);
  log(`cold start: empty handler (${runs} fresh processes)`);
  const empty = await figures('(empty handler)', emptyBundle, null, lambdaEnv('createEmergency'), runs);

  // What fills each bundle: the same build with a metafile (the budget test's builder, options read from serverless.yml).
  log('cold start: bundle contributors (esbuild metafile)');
  const reports = await buildBundles('prod');
  const top = (name: string) => reports.find((r) => r.name === name)?.contributors.slice(0, 3) ?? [];
  return {
    runs,
    builderVerified,
    empty: { ...empty, initRatio: 1, topContributors: [] },
    functions: functions.map((f) => ({ ...f, initRatio: ratio(f.initMs, empty.initMs), topContributors: top(f.name) })),
  };
}
