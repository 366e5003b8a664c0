// Serverless plugin: schema before code. Where the stack migrates inside the deploy (Custom::SchemaMigration,
// resources/schema-migration.cjs), every function of the service except `migrate` itself depends on it, so
// CloudFormation gives no function (and so no version, alias or route) the new code until the migrations have
// succeeded, and a failed migration leaves every function on the release that was running.
'use strict';

const MIGRATION = 'SchemaMigration';
const MIGRATE_FUNCTION = 'migrate';

/** Pure: adds the dependency to the named functions' resources (tests/unit/schema-migration.test.ts). */
function dependOnMigration(resources, functionLogicalIds) {
  if (!resources[MIGRATION]) return [];
  const changed = [];
  for (const id of functionLogicalIds) {
    const resource = resources[id];
    if (resource?.Type !== 'AWS::Lambda::Function') throw new Error(`schema-first: ${id} is not a function`);
    const dependsOn = resource.DependsOn === undefined ? [] : [resource.DependsOn].flat();
    if (!dependsOn.includes(MIGRATION)) resource.DependsOn = [...dependsOn, MIGRATION];
    changed.push(id);
  }
  return changed;
}

class SchemaFirst {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { 'after:aws:package:finalize:mergeCustomProviderResources': () => this.apply() };
  }

  apply() {
    const service = this.serverless.service;
    const naming = this.serverless.getProvider('aws').naming;
    const ids = service
      .getAllFunctions()
      .filter((name) => name !== MIGRATE_FUNCTION)
      .map((name) => naming.getLambdaLogicalId(name));
    dependOnMigration(service.provider.compiledCloudFormationTemplate.Resources, ids);
  }
}

module.exports = SchemaFirst;
module.exports.dependOnMigration = dependOnMigration;
