// Which stateful resources a deploy would replace, from two templates and the resource schemas cfn-lint ships.
import { execFileSync } from 'node:child_process';
import { isDeepStrictEqual } from 'node:util';
import type { Template } from './package.js';

/** Resources whose replacement loses data, keys, identities or history (a log group's history is evidence). */
export const statefulTypes = [
  'AWS::RDS::DBCluster',
  'AWS::RDS::GlobalCluster',
  'AWS::RDS::DBInstance',
  'AWS::DynamoDB::Table',
  'AWS::DynamoDB::GlobalTable',
  'AWS::KMS::Key',
  'AWS::KMS::ReplicaKey',
  'AWS::Cognito::UserPool',
  'AWS::SecretsManager::Secret',
  'AWS::S3::Bucket',
  'AWS::SQS::Queue',
  'AWS::Logs::LogGroup',
  'AWS::SNS::Topic',
] as const;

/**
 * JSON pointers (`/properties/KmsKeyId`) CloudFormation changes only by replacing the resource: the schema's
 * createOnlyProperties, and its conditionalCreateOnlyProperties, which replace under conditions the schema does not
 * state (a DynamoDB table's KeySchema is one).
 */
export interface ReplacementProperties {
  createOnly: string[];
  conditional: string[];
}

/**
 * Read through cfn-lint's own schema manager rather than its data files: the files are keyed by content hash per
 * region and patched at load time, and the manager is what cfn-lint itself validates with.
 */
export function replacementPropertiesFromCfnLint(
  region: string,
  types: readonly string[] = statefulTypes,
): Record<string, ReplacementProperties> {
  const script = [
    'import json, sys',
    'from cfnlint.schema import PROVIDER_SCHEMA_MANAGER as manager',
    'region, types = sys.argv[1], sys.argv[2:]',
    'out = {}',
    'for t in types:',
    '    s = manager.get_resource_schema(region, t).schema',
    "    out[t] = {'createOnly': s.get('createOnlyProperties', []), 'conditional': s.get('conditionalCreateOnlyProperties', [])}",
    'print(json.dumps(out))',
  ].join('\n');
  try {
    return JSON.parse(execFileSync('python3', ['-c', script, region, ...types], { encoding: 'utf8' })) as Record<
      string,
      ReplacementProperties
    >;
  } catch (error) {
    throw new Error(`cannot read the resource schemas from cfn-lint (pip install cfn-lint): ${String(error)}`);
  }
}

export interface Replacement {
  resource: string;
  type: string;
  /** A schema pointer, `Type` when the type changed, or `(removed)` when the logical id is gone. */
  property: string;
  before: unknown;
  after: unknown;
  /** `conditional` when the schema says the property replaces only under some conditions. */
  certainty: 'replaced' | 'conditional';
  /** Set when this resource is replaced because a create-only property refers to another replaced resource. */
  because?: string;
}

/**
 * A value as CloudFormation compares it: scalars as strings (a template's `true` and `"true"` are the same setting),
 * `Fn::GetAtt: "A.B"` as `["A", "B"]`, and `Ref: AWS::NoValue` as absent. Intrinsics otherwise stay as written, so a
 * change of intrinsic counts as a change.
 */
export function normalised(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(normalised);
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1 && entries[0]![0] === 'Ref' && entries[0]![1] === 'AWS::NoValue') return undefined;
    if (entries.length === 1 && entries[0]![0] === 'Fn::GetAtt' && typeof entries[0]![1] === 'string') {
      const text = entries[0]![1];
      const dot = text.indexOf('.');
      return { 'Fn::GetAtt': [text.slice(0, dot), text.slice(dot + 1)] };
    }
    const out: Record<string, unknown> = {};
    for (const [key, child] of entries.sort(([a], [b]) => a.localeCompare(b))) {
      const normal = normalised(child);
      if (normal !== undefined) out[key] = normal;
    }
    return out;
  }
  return value;
}

/**
 * The values a schema pointer selects in a resource, by concrete path. `*` steps into every array item (schemas use
 * it for nested create-only properties); a path that is absent selects nothing, so absent-then-present is a change.
 */
export function selected(properties: Record<string, unknown> | undefined, pointer: string): Map<string, unknown> {
  const steps = pointer
    .split('/')
    .slice(1)
    .map((step) => step.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (steps[0] !== 'properties') throw new Error(`not a property pointer: ${pointer}`);
  const found = new Map<string, unknown>();
  const walk = (node: unknown, rest: string[], at: string): void => {
    if (node === undefined) return;
    if (rest.length === 0) {
      const value = normalised(node);
      if (value !== undefined) found.set(at, value);
      return;
    }
    const [step, ...tail] = rest as [string, ...string[]];
    if (step === '*') {
      if (Array.isArray(node)) node.forEach((item, i) => walk(item, tail, `${at}/${i}`));
      return;
    }
    if (node && typeof node === 'object' && !Array.isArray(node))
      walk((node as Record<string, unknown>)[step], tail, `${at}/${step}`);
  };
  walk(properties, steps.slice(1), '/properties');
  return found;
}

/** Names a value refers to with Ref, Fn::GetAtt or ${…} in Fn::Sub. */
function referencedNames(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((item) => referencedNames(item, into));
  else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (key === 'Ref' && typeof child === 'string') into.add(child);
      else if (key === 'Fn::GetAtt') into.add(Array.isArray(child) ? String(child[0]) : String(child).split('.')[0]!);
      else if (key === 'Fn::Sub') {
        const text = Array.isArray(child) ? child[0] : child;
        for (const [, name] of String(text).matchAll(/\$\{([^!}][^}]*)\}/g)) into.add(name!.split('.')[0]!);
        if (Array.isArray(child)) referencedNames(child[1], into);
      } else referencedNames(child, into);
    }
  }
  return into;
}

/**
 * Every stateful resource of `before` that deploying `after` over it would replace: its logical id gone, its type
 * changed, a create-only property changed, added or removed, or a create-only property that refers to a resource
 * being replaced (its new physical id is a new value, which CloudFormation cannot see in the template).
 */
export function statefulReplacements(
  before: Template,
  after: Template,
  schemas: Record<string, ReplacementProperties>,
): Replacement[] {
  const found: Replacement[] = [];
  const stateful = new Set<string>(statefulTypes);
  for (const [id, old] of Object.entries(before.Resources)) {
    if (!stateful.has(old.Type)) continue;
    const now = after.Resources[id];
    if (!now) {
      found.push({
        resource: id,
        type: old.Type,
        property: '(removed)',
        before: id,
        after: undefined,
        certainty: 'replaced',
      });
      continue;
    }
    if (now.Type !== old.Type) {
      found.push({
        resource: id,
        type: old.Type,
        property: 'Type',
        before: old.Type,
        after: now.Type,
        certainty: 'replaced',
      });
      continue;
    }
    const schema = schemas[old.Type];
    if (!schema) throw new Error(`no resource schema for ${old.Type}`);
    const pointers = [
      ...schema.createOnly.map((p) => [p, 'replaced'] as const),
      ...schema.conditional.map((p) => [p, 'conditional'] as const),
    ];
    for (const [pointer, certainty] of pointers) {
      const [was, is] = [selected(old.Properties, pointer), selected(now.Properties, pointer)];
      for (const at of new Set([...was.keys(), ...is.keys()])) {
        if (!isDeepStrictEqual(was.get(at), is.get(at)))
          found.push({ resource: id, type: old.Type, property: at, before: was.get(at), after: is.get(at), certainty });
      }
    }
  }

  // Replacement spreads through create-only references (an Aurora instance's DBClusterIdentifier: !Ref the cluster).
  const replaced = new Set(found.filter((r) => r.certainty === 'replaced').map((r) => r.resource));
  for (let grew = true; grew;) {
    grew = false;
    for (const [id, now] of Object.entries(after.Resources)) {
      if (!stateful.has(now.Type) || replaced.has(id) || before.Resources[id]?.Type !== now.Type) continue;
      for (const pointer of schemas[now.Type]?.createOnly ?? []) {
        const [at, value] =
          [...selected(now.Properties, pointer)].find(([, v]) =>
            [...referencedNames(v)].some((name) => replaced.has(name)),
          ) ?? [];
        if (at === undefined) continue;
        const cause = [...referencedNames(value)].find((name) => replaced.has(name))!;
        found.push({
          resource: id,
          type: now.Type,
          property: at,
          before: value,
          after: value,
          certainty: 'replaced',
          because: cause,
        });
        replaced.add(id);
        grew = true;
        break;
      }
    }
  }
  return found;
}

/**
 * An entry of intended-replacements.json: a replacement someone meant, with the README heading of its migration note;
 * or, for a property the schema makes create-only only under conditions, why this change is made in place.
 */
export type IntendedReplacement = { resource: string; property: string } & (
  { readmeHeading: string } | { inPlaceBecause: string }
);

/**
 * The replacements nobody accounted for, as lines to print. One is accounted for when intended-replacements.json names
 * its resource and property and the README has that heading; one replaced `because` of another is accounted for with
 * it; a conditional one may instead be declared in place, with the reason. Also lists entries that match nothing
 * (stale, after the fixtures are refreshed), headings the README lacks, and in-place claims about create-only properties.
 */
export function unaccounted(replacements: Replacement[], intended: IntendedReplacement[], readme: string): string[] {
  const headings = new Set(readme.split('\n').flatMap((line) => /^#{1,6} +(.+?) *$/.exec(line)?.slice(1) ?? []));
  const problems: string[] = [];
  const matches = (e: IntendedReplacement, r: Replacement) => e.resource === r.resource && e.property === r.property;
  for (const entry of intended) {
    const name = `intended replacement ${entry.resource} ${entry.property}`;
    if ('readmeHeading' in entry && !headings.has(entry.readmeHeading))
      problems.push(`${name}: README.md has no heading "${entry.readmeHeading}"`);
    if ('inPlaceBecause' in entry && replacements.some((r) => matches(entry, r) && r.certainty === 'replaced')) {
      problems.push(
        `${name}: the schema makes it create-only, so it is always replaced; give a readmeHeading instead of inPlaceBecause`,
      );
    }
    if (!replacements.some((r) => matches(entry, r)))
      problems.push(`${name} matches nothing the deploy would replace: remove it`);
  }
  const noted = (r: Replacement) =>
    intended.some((e) => matches(e, r) && 'readmeHeading' in e && headings.has(e.readmeHeading));
  const inPlace = (r: Replacement) =>
    r.certainty === 'conditional' && intended.some((e) => matches(e, r) && 'inPlaceBecause' in e);
  // In the order found, so a resource replaced because of another comes after it.
  const accountedFor = new Set<string>();
  for (const r of replacements) {
    if (inPlace(r)) continue;
    if (noted(r) || (r.because !== undefined && accountedFor.has(r.because))) {
      accountedFor.add(r.resource);
      continue;
    }
    const how = r.because
      ? `replaced because ${r.because} is replaced`
      : r.certainty === 'conditional'
        ? 'may be replaced'
        : 'replaced';
    problems.push(
      `${r.resource} (${r.type}) ${how}: ${r.property} ${JSON.stringify(r.before) ?? '(absent)'} -> ${JSON.stringify(r.after) ?? '(absent)'}`,
    );
  }
  return problems;
}
