// Schema before code: the stage's migrations run inside the deploy, as a CloudFormation custom resource
// (Custom::SchemaMigration) served by a small inline function that invokes `migrate` and reports the outcome.
//  - It changes, and so runs, whenever the migrations change (their hash is a property).
//  - Every other function of the service depends on it (scripts/serverless/schema-first.cjs), so CloudFormation
//    updates `migrate` first, migrates, and only then gives any function (and so any alias, any traffic) the new
//    code. A failed migration fails the stack update: CloudFormation rolls back and the running release keeps serving.
//  - On that rollback CloudFormation runs the previous release's `migrate` again, which finds the schema ahead of it
//    and applies nothing (shared/adapters/postgres/migrate.ts): expand/contract keeps the previous release working.
// Not in a pair's secondary: its cluster is a read-only member of the global database, migrated by the primary.
'use strict';

const { createHash } = require('node:crypto');
const { readdirSync, readFileSync } = require('node:fs');
const path = require('node:path');

/** CloudFormation's limit for inline (ZipFile) function code. */
const ZIP_FILE_LIMIT = 4096;
/** migrate's own timeout (functions/platform/functions.yml) and a margin to report back in. */
const MIGRATE_TIMEOUT_SECONDS = 300;
const TRIGGER_TIMEOUT_SECONDS = MIGRATE_TIMEOUT_SECONDS + 30;

/** The migrations' identity: their names and contents, in order. */
function migrationsHash(dir) {
  const hash = createHash('sha256');
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()) {
    hash
      .update(file)
      .update('\0')
      .update(readFileSync(path.join(dir, file)))
      .update('\0');
  }
  return hash.digest('hex');
}

/** Pure: the CloudFormation fragment (tests/unit/schema-migration.test.ts). */
function schemaMigrationResources({ service, stage, rolePrefix, role, logRetentionDays, code, hash }) {
  if (role === 'secondary') return { Resources: {} };
  if (code.length > ZIP_FILE_LIMIT)
    throw new Error(
      `resources/schema-migration/handler.cjs is ${code.length} characters; inline code may be ${ZIP_FILE_LIMIT}`,
    );
  const functionName = `${service}-${stage}-schema-migration`;
  return {
    Resources: {
      SchemaMigrationLogGroup: {
        Type: 'AWS::Logs::LogGroup',
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: { LogGroupName: `/aws/lambda/${functionName}`, RetentionInDays: logRetentionDays },
      },
      SchemaMigrationRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: `${rolePrefix}-schema-migration`,
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
          },
          Policies: [
            {
              PolicyName: 'schema-migration',
              PolicyDocument: {
                Version: '2012-10-17',
                Statement: [
                  {
                    Effect: 'Allow',
                    Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
                    Resource: {
                      'Fn::Sub': `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/${functionName}:*`,
                    },
                  },
                  // Only migrate, unqualified: its newest code, which CloudFormation has just updated.
                  {
                    Effect: 'Allow',
                    Action: ['lambda:InvokeFunction'],
                    Resource: { 'Fn::GetAtt': ['MigrateLambdaFunction', 'Arn'] },
                  },
                ],
              },
            },
          ],
        },
      },
      SchemaMigrationFunction: {
        Type: 'AWS::Lambda::Function',
        DependsOn: ['SchemaMigrationLogGroup'],
        Properties: {
          FunctionName: functionName,
          Description: 'CloudFormation custom resource: runs migrate inside the deploy, before any new code',
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          Handler: 'index.handler',
          MemorySize: 256,
          Timeout: TRIGGER_TIMEOUT_SECONDS,
          // Only CloudFormation calls it, once a deploy.
          ReservedConcurrentExecutions: 1,
          Role: { 'Fn::GetAtt': ['SchemaMigrationRole', 'Arn'] },
          Code: { ZipFile: code },
        },
      },
      SchemaMigration: {
        Type: 'Custom::SchemaMigration',
        // The database must take connections through the proxy before anything can be migrated (a first deploy).
        DependsOn: ['DatabaseWriter', 'DatabaseProxyTargetGroup'],
        Properties: {
          ServiceToken: { 'Fn::GetAtt': ['SchemaMigrationFunction', 'Arn'] },
          // A stuck migration fails the deploy after this, not after CloudFormation's default hour.
          ServiceTimeout: TRIGGER_TIMEOUT_SECONDS + 30,
          FunctionName: { Ref: 'MigrateLambdaFunction' },
          MigrationsHash: hash,
        },
      },
    },
  };
}

module.exports = async ({ resolveVariable }) => {
  const [service, stage, rolePrefix, logRetentionDays, pairing] = await Promise.all([
    resolveVariable('self:service'),
    resolveVariable('sls:stage'),
    resolveVariable('self:custom.rolePrefix'),
    resolveVariable('param:logRetentionDays'),
    resolveVariable('self:custom.pairing'),
  ]);
  const code = readFileSync(path.join(__dirname, 'schema-migration/handler.cjs'), 'utf8');
  const hash = migrationsHash(path.join(__dirname, 'migrations'));
  return schemaMigrationResources({
    service,
    stage,
    rolePrefix,
    role: pairing.role,
    logRetentionDays: Number(logRetentionDays),
    code,
    hash,
  });
};
module.exports.schemaMigrationResources = schemaMigrationResources;
module.exports.migrationsHash = migrationsHash;
module.exports.MIGRATE_TIMEOUT_SECONDS = MIGRATE_TIMEOUT_SECONDS;
