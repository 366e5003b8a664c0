// esbuild plugins serverless-esbuild applies to every function (custom.esbuild.plugins in serverless.yml); the bundle
// budget test and the benchmark load this same file, so they build exactly what is deployed.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const esbuild = require('esbuild');

/** Runs functions/platform/api-document.ts's generator at package time and returns the document as JSON text. */
async function generateOpenApi(generatorSource) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tyrehero-openapi-'));
  try {
    const outfile = path.join(dir, 'openapi.cjs');
    await esbuild.build({
      entryPoints: [generatorSource],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      outfile,
      logLevel: 'silent',
    });
    const { openApiDocument } = require(outfile);
    return JSON.stringify(openApiDocument());
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The openapi function serves a document assembled from every zod schema. Built at every cold start, it dragged zod,
 * the schemas and libphonenumber into its bundle and its init; here it is built once per package and bundled as JSON.
 */
const openApiAtPackageTime = {
  name: 'openapi-at-package-time',
  setup(build) {
    let document;
    build.onLoad({ filter: /functions[\\/]platform[\\/]openapi-document\.ts$/ }, async (args) => {
      document ??= generateOpenApi(path.join(path.dirname(args.path), 'api-document.ts'));
      return { contents: `export const document = ${await document};\n`, loader: 'js' };
    });
  },
};

module.exports = [openApiAtPackageTime];
