// Builds the two web pages (customer tracking, operations live view) into dist/pages with esbuild, and the GB outline
// they draw from Natural Earth (world-atlas): the pages are static files the pages Lambda serves, never Lambda code.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import type { Feature, FeatureCollection, Geometry, Position } from 'geojson';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const pagesOut = path.join(root, 'dist/pages');

/** ISO 3166 numeric ids of the United Kingdom and Ireland: the service area. */
const countries = new Set(['826', '372']);

/** Natural Earth 1:50m, coordinates rounded to ~1 km: enough to recognise the coast, a few KiB to send. */
export function serviceAreaOutline(): FeatureCollection {
  const topology = JSON.parse(
    readFileSync(path.join(root, 'node_modules/world-atlas/countries-50m.json'), 'utf8'),
  ) as Topology;
  const all = feature(topology, topology.objects.countries as GeometryCollection) as FeatureCollection;
  const round = (p: Position): Position => [Math.round(p[0]! * 100) / 100, Math.round(p[1]! * 100) / 100];
  const ring = (r: Position[]) =>
    r.map(round).filter((p, i, a) => i === 0 || p[0] !== a[i - 1]![0] || p[1] !== a[i - 1]![1]);
  const simplify = (g: Geometry): Geometry => {
    if (g.type === 'Polygon')
      return { type: 'Polygon', coordinates: g.coordinates.map(ring).filter((r) => r.length >= 4) };
    if (g.type === 'MultiPolygon')
      return {
        type: 'MultiPolygon',
        coordinates: g.coordinates
          .map((poly) => poly.map(ring).filter((r) => r.length >= 4))
          .filter((poly) => poly.length > 0),
      };
    return g;
  };
  const features: Feature[] = all.features
    .filter((f) => countries.has(String(f.id)))
    .map((f) => ({ type: 'Feature', id: f.id, properties: {}, geometry: simplify(f.geometry) }));
  return { type: 'FeatureCollection', features };
}

/** Makes `import outline from 'service-area-outline'` resolve to the generated outline. */
const outlinePlugin: esbuild.Plugin = {
  name: 'service-area-outline',
  setup(build) {
    build.onResolve({ filter: /^service-area-outline$/ }, () => ({
      path: 'service-area-outline',
      namespace: 'outline',
    }));
    build.onLoad({ filter: /.*/, namespace: 'outline' }, () => ({
      contents: JSON.stringify(serviceAreaOutline()),
      loader: 'json',
    }));
  },
};

/**
 * Builds into a scratch folder, then moves each file into dist/pages with a rename, so a page being served (npm start,
 * a test's stack) never sees a half-written file while another build runs. Asset names carry a content hash, so an
 * identical build replaces nothing a served page refers to; assets no page refers to any more are pruned.
 */
export async function buildPages(): Promise<{ files: string[] }> {
  mkdirSync(path.join(pagesOut, 'assets'), { recursive: true });
  const scratch = mkdtempSync(path.join(path.dirname(pagesOut), '.pages-build-'));
  try {
    const result = await esbuild.build({
      entryPoints: {
        track: path.join(root, 'pages/track/main.ts'),
        'ops-live': path.join(root, 'pages/ops-live/main.ts'),
      },
      outdir: path.join(scratch, 'assets'),
      entryNames: '[name].[hash]',
      bundle: true,
      minify: true,
      format: 'iife',
      target: ['es2020'],
      metafile: true,
      legalComments: 'none',
      // Leaflet's default marker and layer-switcher images: the pages draw vector markers only.
      loader: { '.png': 'empty' },
      plugins: [outlinePlugin],
      logLevel: 'warning',
    });
    const files: string[] = [];
    for (const page of ['track', 'ops-live']) {
      const built = Object.keys(result.metafile.outputs).map((f) => path.basename(f));
      const script = built.find((f) => f.startsWith(`${page}.`) && f.endsWith('.js'));
      const style = built.find((f) => f.startsWith(`${page}.`) && f.endsWith('.css'));
      if (!script || !style) throw new Error(`page ${page} did not build a script and a stylesheet`);
      // Relative, so the pages work under a stage path (https://…/prod/t/…) as well as at the root (npm start).
      const html = readFileSync(path.join(root, `pages/${page}/index.html`), 'utf8')
        .replace('%SCRIPT%', `../assets/${script}`)
        .replace('%STYLE%', `../assets/${style}`);
      writeFileSync(path.join(scratch, `${page}.html`), html);
      files.push(`assets/${script}`, `assets/${style}`, `${page}.html`);
    }
    // Assets first, then the pages that refer to them.
    for (const file of files) renameSync(path.join(scratch, file), path.join(pagesOut, file));
    for (const stale of readdirSync(path.join(pagesOut, 'assets')))
      if (!files.includes(`assets/${stale}`)) rmSync(path.join(pagesOut, 'assets', stale), { force: true });
    return { files };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { files } = await buildPages();
  console.log(`built ${files.length} page files into ${path.relative(root, pagesOut)}`);
}
