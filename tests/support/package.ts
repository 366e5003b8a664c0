// Packages the service the way `npx sls package` does, with no AWS credentials at all, and reads the template back.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../scripts/local/engines.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- CloudFormation properties are arbitrary JSON, navigated by the assertions
export type Resource = { Type: string; Properties: Record<string, any>; DependsOn?: unknown; DeletionPolicy?: string; UpdateReplacePolicy?: string; Condition?: string };
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
}

export async function packageService(stage: string, region: string): Promise<Packaged> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `tyrehero-package-${stage}-${region}-`));
  // Packaging must be a pure, offline build.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_')));
  await promisify(execFile)(process.execPath, [path.join(projectRoot, 'node_modules/osls/bin/serverless.js'), 'package', '--stage', stage, '--region', region, '--package', dir], {
    cwd: projectRoot,
    env: { ...env, SLS_TELEMETRY_DISABLED: '1', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', AWS_CONFIG_FILE: '/nonexistent' },
    maxBuffer: 32 * 1024 * 1024,
  });
  const file = path.join(dir, 'cloudformation-template-update-stack.json');
  return { dir, file, template: JSON.parse(readFileSync(file, 'utf8')) as Template };
}

const pseudoParameters = new Set(['AWS::AccountId', 'AWS::NotificationARNs', 'AWS::NoValue', 'AWS::Partition', 'AWS::Region', 'AWS::StackId', 'AWS::StackName', 'AWS::URLSuffix']);

/**
 * What CloudFormation checks before it creates anything: every Ref, Fn::GetAtt and ${name} inside Fn::Sub names a
 * resource, parameter or pseudo parameter that exists. Returns the broken references, "where: what".
 */
export function brokenReferences(template: Template): string[] {
  const known = (name: string) => pseudoParameters.has(name) || name in template.Resources || name in (template.Parameters ?? {});
  const broken: string[] = [];
  const visit = (node: unknown, where: string, locals: Set<string>): void => {
    if (Array.isArray(node)) return node.forEach((child, i) => visit(child, `${where}[${i}]`, locals));
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'Ref' && typeof value === 'string' && !known(value) && !locals.has(value)) broken.push(`${where}: Ref ${value}`);
      else if (key === 'Fn::GetAtt') {
        const target = Array.isArray(value) ? value[0] : String(value).split('.')[0];
        if (!(target in template.Resources)) broken.push(`${where}: GetAtt ${target}`);
      } else if (key === 'Fn::Sub') {
        const [text, vars] = Array.isArray(value) ? (value as [string, Record<string, unknown>]) : [value as string, {}];
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
