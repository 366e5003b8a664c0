// Decodes a production stack trace offline. Deployed bundles carry no source map (it costs init time and zip size), so
// this rebuilds the function from the deployed commit with the packaged esbuild options plus a map, keeps the map next to
// the build, and maps each `…/<bundle>.mjs:line:column` frame back to the TypeScript source.
//   git checkout <deployed commit> && npm ci && npx tsx scripts/decode-stack.ts <function name> < trace.txt
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { readServerless } from './bench/bundles.js';
import { projectRoot } from './local/engines.js';

/** Builds `fn` as `sls package --stage <stage>` does, with an external map written beside it under .local/maps/. */
export async function buildWithMap(
  fn: string,
  stage = 'prod',
): Promise<{ bundle: string; code: string; map: SourceMap; mapDir: string }> {
  const { options, functions } = readServerless(stage);
  const definition = functions.find((f) => f.name === fn);
  if (!definition) throw new Error(`no function ${fn}; known: ${functions.map((f) => f.name).join(', ')}`);
  const entry = `${definition.handler.slice(0, definition.handler.lastIndexOf('.'))}.ts`;
  const outdir = path.join(projectRoot, '.local', 'maps', fn);
  mkdirSync(outdir, { recursive: true });
  // 'external' writes the map without a sourceMappingURL comment: the code is byte for byte what was deployed.
  const result = await esbuild.build({
    ...options,
    sourcemap: 'external',
    absWorkingDir: projectRoot,
    entryPoints: [entry],
    outdir,
    write: false,
    logLevel: 'silent',
  });
  let bundle = '';
  let code = '';
  let payload: SourceMapPayload | undefined;
  for (const file of result.outputFiles) {
    writeFileSync(file.path, file.contents);
    if (file.path.endsWith('.map')) payload = JSON.parse(file.text) as SourceMapPayload;
    else [bundle, code] = [file.path, file.text];
  }
  return { bundle, code, map: new SourceMap(payload!), mapDir: outdir };
}

/** Rewrites every `<something>.mjs:line:column` position in `trace` to `source:line:column (name)`. */
export function decodeTrace(trace: string, map: SourceMap, mapDir: string): string {
  return trace.replace(
    /(\(?)((?:file:\/\/)?[^\s()]*\.m?js):(\d+):(\d+)(\)?)/g,
    (whole, open: string, _file: string, line: string, column: string, close: string) => {
      const entry = map.findEntry(Number(line) - 1, Number(column) - 1) as {
        originalSource?: string;
        originalLine?: number;
        originalColumn?: number;
        name?: string;
      };
      if (!entry.originalSource) return whole;
      const source = path.relative(projectRoot, path.resolve(mapDir, entry.originalSource));
      return `${open}${source}:${entry.originalLine! + 1}:${entry.originalColumn! + 1}${entry.name ? ` [${entry.name}]` : ''}${close}`;
    },
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const fn = process.argv[2];
  if (!fn) throw new Error('usage: npx tsx scripts/decode-stack.ts <function name> < trace.txt');
  const { bundle, map, mapDir } = await buildWithMap(fn);
  process.stderr.write(`rebuilt ${path.relative(projectRoot, bundle)} with its map beside it\n`);
  process.stdout.write(decodeTrace(readFileSync(0, 'utf8'), map, mapDir));
}
