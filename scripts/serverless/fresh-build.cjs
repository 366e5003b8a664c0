// Serverless plugin: empties serverless-esbuild's work folder before it bundles for a package or deploy, so a zip holds
// only this build. serverless-esbuild zips every file in the folder that matches a function's path, and removes the
// folder only after packaging; `npm start`, `sls offline` and `sls invoke local` leave theirs behind. A stale
// <module>.js beside the fresh <module>.mjs is what Lambda's Node runtime would load.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

class FreshBuild {
  constructor(serverless) {
    this.serverless = serverless;
    // Listed before serverless-esbuild in serverless.yml, so these run before its own hooks on the same events.
    this.hooks = {
      'before:package:createDeploymentArtifacts': () => this.empty(),
      'before:deploy:function:packageFunction': () => this.empty(),
    };
  }

  empty() {
    const root = path.resolve(this.serverless.serviceDir ?? this.serverless.config.servicePath);
    // serverless-esbuild's own default when the setting is absent.
    const workFolder = path.resolve(root, this.serverless.service.custom?.esbuild?.outputWorkFolder || '.esbuild');
    if (!workFolder.startsWith(`${root}${path.sep}`))
      throw new Error(`fresh-build: esbuild work folder ${workFolder} is not inside the service`);
    fs.rmSync(workFolder, { recursive: true, force: true });
  }
}

module.exports = FreshBuild;
