// The esbuild options serverless-esbuild passes to esbuild, from the `custom.esbuild` block of serverless.yml.
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as esbuild from 'esbuild';

export type EsbuildBlock = Record<string, unknown> & { external?: string[]; exclude?: string[]; outputFileExtension?: string };

/** serverless-esbuild removes its own keys before calling esbuild, and adds `exclude` to `external` (dist/bundle.js). */
const pluginOnlyKeys = [
  'concurrency', 'zipConcurrency', 'exclude', 'nativeZip', 'packager', 'packagePath', 'watch', 'keepOutputDirectory', 'packagerOptions',
  'installExtraArgs', 'outputFileExtension', 'outputBuildFolder', 'outputWorkFolder', 'nodeExternals', 'skipBuild', 'skipRebuild',
  'skipBuildExcludeFns', 'stripEntryResolveExtensions', 'disposeContext',
];

/** `serviceDir` is where serverless.yml is: serverless-esbuild requires a `plugins` path from there. */
export function esbuildOptionsFor(custom: EsbuildBlock, serviceDir = process.cwd()): esbuild.BuildOptions {
  const options = Object.fromEntries(Object.entries(custom).filter(([key]) => !pluginOnlyKeys.includes(key))) as esbuild.BuildOptions;
  const plugins = typeof custom.plugins === 'string' ? (createRequire(import.meta.url)(path.join(serviceDir, custom.plugins)) as esbuild.Plugin[]) : undefined;
  return {
    ...options,
    ...(plugins ? { plugins } : {}),
    external: [...(custom.external ?? []), ...(custom.exclude ?? [])],
    ...(custom.outputFileExtension && custom.outputFileExtension !== '.js' ? { outExtension: { '.js': custom.outputFileExtension } } : {}),
  };
}

