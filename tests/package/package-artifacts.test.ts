// What each deployment zip holds after `sls package` from a checkout where `npm start` has run: Lambda's Node runtime
// loads <module>.js before <module>.mjs, so a local build left in the work folder and zipped beside the fresh bundle
// would be what production runs, source maps and all.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readServerless } from '../../scripts/bench/bundles.js';
import { projectRoot } from '../../scripts/local/engines.js';
import { packageService, type Packaged } from '../support/package.js';
import { zipEntries, type ZipEntry } from '../support/zip.js';

// The largest zip is createEmergency's (~280 KiB); a second copy of its code, or a source map, takes it well over.
const zipBudgetBytes = 450 * 1024;
const localStage = readServerless('local');
// Where `npm start` built before the local stage had its own folder, and where `sls package` builds now.
const defaultWorkFolder = '.esbuild';

let packaged: Packaged;
let zips: Map<string, { handlerModule: string; entries: ZipEntry[]; bytes: number }>;

/** The files the local stage's build leaves for a handler (outputFileExtension .js, sourcemap linked), stale code inside. */
function writeLocalBuild(workFolder: string) {
  for (const { handler } of localStage.functions) {
    const module = path.join(projectRoot, workFolder, '.build', handler.replace(/\.[^.]+$/, ''));
    mkdirSync(path.dirname(module), { recursive: true });
    writeFileSync(
      `${module}.js`,
      `export const handler = async () => ({ statusCode: 500, body: 'stale local build' });\n//# sourceMappingURL=${path.basename(module)}.js.map\n`,
    );
    // A real local map is around a megabyte of incompressible mappings.
    writeFileSync(
      `${module}.js.map`,
      JSON.stringify({ version: 3, sources: [], mappings: randomBytes(768 * 1024).toString('base64') }),
    );
  }
}

beforeAll(async () => {
  writeLocalBuild(defaultWorkFolder);
  packaged = await packageService('prod', 'eu-west-2', { defaultWorkFolder: true });
  zips = new Map();
  for (const resource of Object.values(packaged.template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    // The deploy-time custom resource's code is inline (ZipFile, resources/deploy-time.cjs): no artifact to read.
    if (resource.Properties.Code.ZipFile !== undefined) continue;
    const zip = path.join(packaged.dir, path.basename(String(resource.Properties.Code.S3Key)));
    zips.set(path.basename(zip, '.zip'), {
      handlerModule: String(resource.Properties.Handler).replace(/\.[^.]+$/, ''),
      entries: zipEntries(zip),
      bytes: statSync(zip).size,
    });
  }
}, 600_000);

afterAll(() => {
  if (packaged) rmSync(packaged.dir, { recursive: true, force: true });
  rmSync(path.join(projectRoot, defaultWorkFolder), { recursive: true, force: true });
});

describe('deployment zips after a local build', () => {
  it('builds the local stage in a work folder of its own, which packaging never reads', () => {
    expect(readServerless('prod').esbuild.outputWorkFolder).toBe(defaultWorkFolder);
    expect(localStage.esbuild.outputWorkFolder).toBe('.esbuild-local');
  });

  it('packages every function in the template', () => {
    expect(
      readdirSync(packaged.dir)
        .filter((f) => f.endsWith('.zip'))
        .sort(),
    ).toEqual([...zips.keys()].map((name) => `${name}.zip`).sort());
    expect(zips.size).toBeGreaterThan(20);
  });

  it('holds exactly one handler module per zip, with the runtime extension .mjs', () => {
    const handlerFiles = Object.fromEntries(
      [...zips].map(([name, zip]) => [
        name,
        zip.entries.map((e) => e.name).filter((n) => /^(.*)\.(js|mjs|cjs)$/.exec(n)?.[1] === zip.handlerModule),
      ]),
    );
    expect(handlerFiles).toEqual(
      Object.fromEntries([...zips].map(([name, zip]) => [name, [`${zip.handlerModule}.mjs`]])),
    );
  });

  it('ships no source map and no code outside the bundle', () => {
    const strays = [...zips].flatMap(([name, zip]) =>
      zip.entries
        .filter(
          (e) =>
            e.name.endsWith('.map') ||
            (/\.(js|mjs|cjs)$/.test(e.name) &&
              !e.name.startsWith('dist/pages/') &&
              e.name !== `${zip.handlerModule}.mjs`),
        )
        .map((e) => `${name}: ${e.name}`),
    );
    expect(strays).toEqual([]);
  });

  it(`keeps every zip within ${zipBudgetBytes / 1024} KiB`, () => {
    const over = [...zips]
      .filter(([, zip]) => zip.bytes > zipBudgetBytes)
      .map(([name, zip]) => `${name}: ${Math.round(zip.bytes / 1024)} KiB`);
    expect(over).toEqual([]);
  });
});
