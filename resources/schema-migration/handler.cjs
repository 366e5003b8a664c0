// No ${…} with arguments in here: Serverless would read it as a variable when it inlines the file.
// Custom::SchemaMigration: runs the stage's migrations inside the deploy, before any function takes the new code
// (resources/schema-migration.cjs). Inlined (ZipFile); it only invokes `migrate` and reports the outcome to
// CloudFormation, so it runs outside the VPC, where CloudFormation's pre-signed response URL is reachable.
// A failed migration answers FAILED: the stack update stops and rolls back, and the functions keep the old code.
'use strict';

const send = async (event, status, reason, data) => {
  const body = JSON.stringify({
    Status: status,
    Reason: reason,
    PhysicalResourceId: 'schema-migrations',
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    Data: data,
  });
  const response = await fetch(event.ResponseURL, { method: 'PUT', headers: { 'content-type': '' }, body });
  if (!response.ok) throw new Error(`CloudFormation refused the response: ${response.status}`);
};

// The Node.js runtime ships SDK v3.
const defaultLambda = () => {
  const sdk = require('@aws-sdk/client-lambda');
  return { sdk, client: new sdk.LambdaClient({}) };
};

const makeHandler =
  (lambda = defaultLambda) =>
  async (event) => {
    const props = event.ResourceProperties || {};
    try {
      // The schema outlives the stack's resources: a deleted stack leaves its (retained) database as it was.
      if (event.RequestType === 'Delete') return await send(event, 'SUCCESS', 'nothing to undo');
      const { sdk, client } = lambda();
      const out = await client.send(
        new sdk.InvokeCommand({
          FunctionName: props.FunctionName,
          Payload: JSON.stringify({ source: 'deploy', migrations: props.MigrationsHash }),
        }),
      );
      const text = new TextDecoder().decode(out.Payload || new Uint8Array());
      if (out.FunctionError) throw new Error('migrate failed: ' + text.slice(0, 400));
      const result = JSON.parse(text || '{}');
      const applied = result.applied || [];
      const ahead = result.schemaAhead || [];
      const reason = ahead.length
        ? 'schema ahead of this release (' + ahead.join(', ') + '): nothing applied'
        : 'applied ' + applied.length + ': ' + (applied.join(', ') || 'none pending');
      console.log(JSON.stringify({ message: 'migrations done', applied, schemaAhead: ahead }));
      await send(event, 'SUCCESS', reason.slice(0, 500), { Applied: String(applied.length) });
    } catch (error) {
      console.error(JSON.stringify({ message: 'migrations failed', error: String(error) }));
      await send(event, 'FAILED', String(error).slice(0, 500));
    }
  };

exports.handler = makeHandler();
exports.makeHandler = makeHandler;
