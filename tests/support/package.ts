// Packages the service the way `npx sls package` does, with no AWS credentials at all, and reads the template back.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../scripts/local/engines.js';

export type Resource = {
  Type: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- CloudFormation properties are arbitrary JSON, navigated by the assertions
  Properties: Record<string, any>;
  DependsOn?: unknown;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Condition?: string;
};
export interface Template {
  Transform?: unknown;
  Parameters?: Record<string, unknown>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, Resource>;
  Outputs?: Record<string, { Value: unknown }>;
}

export interface Packaged {
  dir: string;
  file: string;
  template: Template;
  /** Shared by the test files of this run: never removed by one of them (see discard). */
  shared?: boolean;
}

/**
 * osls writes every packaging's artifacts to the service's own .serverless/ before moving them to --package, so two
 * packagings of one checkout at once (two test files, or two stages) delete each other's zips. One at a time, across
 * processes: the lock is a directory, which mkdir creates atomically.
 */
async function oneAtATime<T>(work: () => Promise<T>): Promise<T> {
  const lock = path.join(projectRoot, '.serverless-package.lock');
  const deadline = Date.now() + 20 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A lock left by a killed run is older than any packaging takes.
      if (Date.now() - statSync(lock).mtimeMs > 10 * 60_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`another packaging held ${lock} for 20 minutes`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface PackageOptions {
  /** Package as a person does from the checkout, in the stage's own esbuild work folder (serverless.yml), not a private one. */
  defaultWorkFolder?: boolean;
}

/**
 * The packaged stage and region. Within one test run (tests/support/package-setup.ts sets TYREHERO_PACKAGE_CACHE) each
 * target is packaged once and shared by every test file that reads it: a packaging is a pure function of the checkout,
 * and the files only read it. A packaging as a person does it (defaultWorkFolder) is never shared.
 */
export function packageService(stage: string, region: string, options: PackageOptions = {}): Promise<Packaged> {
  const cache = process.env.TYREHERO_PACKAGE_CACHE;
  if (!cache || options.defaultWorkFolder) return oneAtATime(() => packageNow(stage, region, options));
  const dir = path.join(cache, `${stage}-${region}`);
  const done = path.join(dir, '.packaged');
  return oneAtATime(async () => {
    if (!existsSync(done)) {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      await packageNow(stage, region, options, dir);
      writeFileSync(done, '');
    }
    const file = path.join(dir, 'cloudformation-template-update-stack.json');
    return { dir, file, template: JSON.parse(readFileSync(file, 'utf8')) as Template, shared: true };
  });
}

/** Removes a packaging a test file made for itself; one shared across the run is removed when the run ends. */
export function discard(packaged: Packaged | undefined): void {
  if (packaged && !packaged.shared) rmSync(packaged.dir, { recursive: true, force: true });
}

async function packageNow(stage: string, region: string, options: PackageOptions, into?: string): Promise<Packaged> {
  const dir = into ?? mkdtempSync(path.join(os.tmpdir(), `tyrehero-package-${stage}-${region}-`));
  // Packaging must be a pure, offline build.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_') && key !== 'SLS_ESBUILD_WORK_FOLDER'),
  );
  // Its own esbuild work folder: packagings running at once (or beside `npm start`) must not share .esbuild/.
  const workFolder = options.defaultWorkFolder ? undefined : `.esbuild-package-${path.basename(dir)}`;
  try {
    await promisify(execFile)(
      process.execPath,
      [
        path.join(projectRoot, 'node_modules/osls/bin/serverless.js'),
        'package',
        '--stage',
        stage,
        '--region',
        region,
        '--package',
        dir,
      ],
      {
        cwd: projectRoot,
        env: {
          ...env,
          SLS_TELEMETRY_DISABLED: '1',
          AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
          AWS_CONFIG_FILE: '/nonexistent',
          ...(workFolder ? { SLS_ESBUILD_WORK_FOLDER: workFolder } : {}),
        },
        maxBuffer: 32 * 1024 * 1024,
      },
    );
  } finally {
    if (workFolder) rmSync(path.join(projectRoot, workFolder), { recursive: true, force: true });
  }
  const file = path.join(dir, 'cloudformation-template-update-stack.json');
  return { dir, file, template: JSON.parse(readFileSync(file, 'utf8')) as Template };
}

const pseudoParameters = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);

/**
 * What CloudFormation checks before it creates anything: every Ref, Fn::GetAtt and ${name} inside Fn::Sub names a
 * resource, parameter or pseudo parameter that exists. Returns the broken references, "where: what".
 */
export function brokenReferences(template: Template): string[] {
  const known = (name: string) =>
    pseudoParameters.has(name) || name in template.Resources || name in (template.Parameters ?? {});
  const broken: string[] = [];
  const visit = (node: unknown, where: string, locals: Set<string>): void => {
    if (Array.isArray(node)) return node.forEach((child, i) => visit(child, `${where}[${i}]`, locals));
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'Ref' && typeof value === 'string' && !known(value) && !locals.has(value))
        broken.push(`${where}: Ref ${value}`);
      else if (key === 'Fn::GetAtt') {
        const target = Array.isArray(value) ? value[0] : String(value).split('.')[0];
        if (!(target in template.Resources)) broken.push(`${where}: GetAtt ${target}`);
      } else if (key === 'Fn::Sub') {
        const [text, vars] = Array.isArray(value)
          ? (value as [string, Record<string, unknown>])
          : [value as string, {}];
        const names = new Set(Object.keys(vars ?? {}));
        for (const [, ref] of String(text).matchAll(/\$\{([^!}][^}]*)\}/g)) {
          const name = ref!.split('.')[0]!;
          if (!known(name) && !names.has(name)) broken.push(`${where}: Sub \${${ref}}`);
        }
        if (vars) visit(vars, `${where}.Fn::Sub`, locals);
      } else visit(value, `${where}.${key}`, locals);
    }
  };
  for (const [id, resource] of Object.entries(template.Resources)) visit(resource, id, new Set());
  for (const [id, output] of Object.entries(template.Outputs ?? {})) visit(output, `Outputs.${id}`, new Set());
  return broken;
}

/** The resources each resource depends on, as CloudFormation orders them: Ref, Fn::GetAtt, ${…} in Fn::Sub, DependsOn. */
function dependencies(template: Template): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  const collect = (node: unknown, into: Set<string>): void => {
    if (Array.isArray(node)) return node.forEach((child) => collect(child, into));
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'Ref' && typeof value === 'string') into.add(value);
      else if (key === 'Fn::GetAtt') into.add(Array.isArray(value) ? String(value[0]) : String(value).split('.')[0]!);
      else if (key === 'Fn::Sub') {
        const [text, vars] = Array.isArray(value)
          ? (value as [string, Record<string, unknown>])
          : [value as string, {}];
        for (const [, ref] of String(text).matchAll(/\$\{([^!}][^}]*)\}/g))
          if (!(ref! in (vars ?? {}))) into.add(ref!.split('.')[0]!);
        collect(vars, into);
      } else if (key === 'DependsOn') for (const id of ([] as unknown[]).concat(value)) into.add(String(id));
      else collect(value, into);
    }
  };
  for (const [id, resource] of Object.entries(template.Resources)) {
    const into = new Set<string>();
    collect(resource, into);
    graph.set(id, new Set([...into].filter((d) => d in template.Resources)));
  }
  return graph;
}

/** Every circular dependency CloudFormation would refuse the template for, as the cycle's resource ids; [] when none. */
export function dependencyCycles(template: Template): string[][] {
  const graph = dependencies(template);
  const state = new Map<string, 'open' | 'done'>();
  const cycles: string[][] = [];
  const path: string[] = [];
  const visit = (id: string): void => {
    state.set(id, 'open');
    path.push(id);
    for (const next of graph.get(id) ?? []) {
      if (state.get(next) === 'open') cycles.push([...path.slice(path.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(id, 'done');
  };
  for (const id of graph.keys()) if (!state.has(id)) visit(id);
  return cycles;
}

/** Whether `from` depends on `to`, directly or through other resources. */
export function dependsOn(template: Template, from: string, to: string): boolean {
  const graph = dependencies(template);
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length) {
    const id = stack.pop()!;
    for (const next of graph.get(id) ?? []) {
      if (next === to) return true;
      if (!seen.has(next)) {
        seen.add(next);
        stack.push(next);
      }
    }
  }
  return false;
}

/** A string, or an Fn::Sub over one, with ${…} replaced as CloudFormation would from `values` (a test's stand-ins). */
export function substituted(value: unknown, values: Record<string, string>): string {
  const text = typeof value === 'string' ? value : (value as { 'Fn::Sub'?: unknown })?.['Fn::Sub'];
  if (typeof text !== 'string') throw new Error(`not a string or a plain Fn::Sub: ${JSON.stringify(value)}`);
  return text.replace(/\$\{([^!}][^}]*)\}/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`no stand-in for \${${name}}`);
    return values[name]!;
  });
}
