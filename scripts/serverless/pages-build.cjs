// Serverless plugin: builds the web pages (scripts/pages/build.ts → dist/pages) before packaging, so `sls package` and
// `sls deploy` from a clean checkout ship them with the pages function (functions/platform/functions.yml package patterns).
'use strict';
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const process = require('node:process');

class PagesBuild {
  constructor(serverless) {
    this.serverless = serverless;
    // Before serverless-esbuild bundles and zips anything: the pages are package files of the pages function.
    this.hooks = { 'before:package:initialize': () => this.build() };
  }

  build() {
    const root = this.serverless.serviceDir ?? this.serverless.config.servicePath;
    execFileSync(
      process.execPath,
      [path.join(root, 'node_modules/tsx/dist/cli.mjs'), path.join(root, 'scripts/pages/build.ts')],
      { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
    );
  }
}

module.exports = PagesBuild;
