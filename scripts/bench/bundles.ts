// Builds every function's bundle exactly as `sls package` does (the esbuild options read from serverless.yml) and
// names what fills each one, from esbuild's metafile: for the bundle budget test and the cold-start benchmark.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import yaml from 'js-yaml';
import { projectRoot } from '../local/engines.js';
import { cfnSchema } from '../local/table-definitions.js';
import { esbuildOptionsFor, type EsbuildBlock } from './esbuild-options.js';

export interface FunctionDefinition {
  name: string;
  handler: string;
  /** Has an API Gateway event: a customer or technician waits for its cold start. */
  api: boolean;
}

export interface Contributor {
  /** An npm package (`pg`, `@aws-sdk/client-dynamodb`) or, for our own code, its top folder (`shared/adapters`). */
  name: string;
  bytes: number;
}

export interface BundleReport extends FunctionDefinition {
  bytes: number;
  /** Largest first. */
  contributors: Contributor[];
  /** Our own files with code in the bundle (`shared/config/region.ts`), to see which settings a function carries. */
  sources: string[];
}

type Doc = Record<string, unknown>;

const get = (doc: unknown, dotted: string): unknown => dotted.split('.').reduce<unknown>((node, key) => (node as Doc | undefined)?.[key], doc);

/**
 * Resolves the Serverless variables the esbuild block uses (`${param:…}`, `${self:…}`, `${sls:stage}`, fallbacks after
 * a comma, values or references), innermost first, as the framework does for `--stage <stage>`. Anything else is left
 * for the caller to see.
 */
export function resolveVariables(value: unknown, doc: Doc, stage: string): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveVariables(v, doc, stage));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveVariables(v, doc, stage)]));
  if (typeof value !== 'string') return value;
  const params = (doc.params ?? {}) as Record<string, Doc>;
  const lookup = (expression: string): unknown => {
    const [reference, ...fallback] = expression.split(',');
    const ref = reference!.trim();
    let found: unknown;
    if (ref === 'sls:stage') found = stage;
    else if (ref.startsWith('param:')) found = params[stage]?.[ref.slice(6)] ?? params.default?.[ref.slice(6)];
    else if (ref.startsWith('self:')) found = resolveVariables(get(doc, ref.slice(5)), doc, stage);
    if (found === undefined && fallback.length) {
      // A fallback is a quoted value or another reference (`${env:X, self:custom.y}`).
      const other = fallback.join(',').trim();
      found = /^(self|param|sls|env|opt):/.test(other) ? lookup(other) : other.replace(/^'(.*)'$/, '$1');
    }
    if (found === undefined) throw new Error(`cannot resolve \${${expression}} for stage ${stage}`);
    return found;
  };
  let text = value;
  for (let match = /\$\{([^${}]+)\}/.exec(text); match; match = /\$\{([^${}]+)\}/.exec(text)) {
    const resolved = lookup(match[1]!);
    // A whole-value variable keeps its type (false, a number); one inside text becomes text.
    if (match[0] === text) return typeof resolved === 'string' ? resolveVariables(resolved, doc, stage) : resolved;
    text = text.replace(match[0], String(resolved));
  }
  return text;
}

export function readServerless(stage = 'prod') {
  const doc = yaml.load(readFileSync(path.join(projectRoot, 'serverless.yml'), 'utf8'), { schema: cfnSchema }) as Doc;
  const esbuildBlock = resolveVariables(get(doc, 'custom.esbuild'), doc, stage) as EsbuildBlock;
  const files = ((doc.functions ?? []) as string[]).map((entry) => /\$\{file\(([^)]+)\)\}/.exec(entry)?.[1]).filter((f): f is string => Boolean(f));
  const functions: FunctionDefinition[] = files.flatMap((file) => {
    const defs = yaml.load(readFileSync(path.join(projectRoot, file), 'utf8'), { schema: cfnSchema }) as Record<string, { handler: string; events?: Doc[] }>;
    return Object.entries(defs).map(([name, def]) => ({ name, handler: def.handler, api: (def.events ?? []).some((e) => 'http' in e || 'httpApi' in e) }));
  });
  /** A provider environment variable as the stage deploys it. */
  const environment = (name: string) => resolveVariables(get(doc, `provider.environment.${name}`), doc, stage);
  return { esbuild: esbuildBlock, options: esbuildOptionsFor(esbuildBlock, projectRoot), functions, environment };
}

/** `node_modules/@aws-sdk/client-sns/dist-es/…` → `@aws-sdk/client-sns`; `shared/adapters/x.ts` → `shared/adapters`. */
export function contributorOf(input: string): string {
  const modules = input.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const parts = input.slice(modules + 'node_modules/'.length).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  const parts = input.split('/');
  return parts.length > 2 ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

export function contributors(metafile: esbuild.Metafile, output: string): Contributor[] {
  const totals = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(metafile.outputs[output]?.inputs ?? {})) {
    const name = contributorOf(input);
    totals.set(name, (totals.get(name) ?? 0) + bytesInOutput);
  }
  return [...totals].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
}

/** Every function's minified bundle, in memory, with the packaged build's options (one esbuild call, all entries). */
export async function buildBundles(stage = 'prod'): Promise<BundleReport[]> {
  const { options, functions } = readServerless(stage);
  const entryOf = (fn: FunctionDefinition) => `${fn.handler.slice(0, fn.handler.lastIndexOf('.'))}.ts`;
  const entries = [...new Set(functions.map(entryOf))];
  const result = await esbuild.build({ ...options, absWorkingDir: projectRoot, entryPoints: entries, outbase: '.', outdir: '/bundle', write: false, metafile: true, logLevel: 'silent' });
  const outputs = Object.entries(result.metafile.outputs).filter(([, meta]) => meta.entryPoint);
  return functions.map((fn) => {
    const [output, meta] = outputs.find(([, m]) => m.entryPoint === entryOf(fn))!;
    const sources = Object.entries(meta.inputs).filter(([input, { bytesInOutput }]) => bytesInOutput > 0 && !input.includes('node_modules/')).map(([input]) => input);
    return { ...fn, bytes: meta.bytes, contributors: contributors(result.metafile, output), sources };
  });
}

export const kib = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;

/** The budget every API function's bundle is held to unless scripts/bench/bundle-budgets.json justifies more. */
export const defaultBudgetKiB = 300;

export interface BundleBudget {
  function: string;
  budgetKiB: number;
  /** Why this function needs more than the default: a budget without a reason is not accepted. */
  why: string;
}

/** The justified budgets (scripts/bench/bundle-budgets.json): data that the test and the docs both read. */
export function bundleBudgets(): BundleBudget[] {
  const file = path.join(projectRoot, 'scripts/bench/bundle-budgets.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { budgets: BundleBudget[] }).budgets;
}

/** One line per API function over its budget, naming what fills it, largest first. */
export function overBudget(reports: readonly BundleReport[], budgets: ReadonlyMap<string, number>, top = 8): string[] {
  return reports
    .filter((r) => r.api && r.bytes > (budgets.get(r.name) ?? defaultBudgetKiB) * 1024)
    .map((r) => `${r.name}: ${kib(r.bytes)} KiB > ${budgets.get(r.name) ?? defaultBudgetKiB} KiB; top contributors: ${r.contributors.slice(0, top).map((c) => `${c.name} ${kib(c.bytes)} KiB`).join(', ')}`);
}
