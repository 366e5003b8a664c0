// CloudFormation custom resources for what only exists once the stack does. Inlined (ZipFile) by resources/deploy-time.cjs.
// Custom::StaffJwks     the staff user pool's public signing keys, read once at deploy time, so the functions verify
//                       tokens offline (a pool with a hosted-UI domain cannot be reached through a Cognito VPC endpoint).
// Custom::LogRetention  retention and encryption for a log group an AWS service creates by itself (RDS exports, the
//                       hosted rotation functions), whatever existed first: created if absent, never deleted.
'use strict';

const send = async (event, status, reason, id, data) => {
  const body = JSON.stringify({
    Status: status,
    Reason: reason,
    PhysicalResourceId: id,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    Data: data,
  });
  const response = await fetch(event.ResponseURL, { method: 'PUT', headers: { 'content-type': '' }, body });
  if (!response.ok) throw new Error(`CloudFormation refused the response: ${response.status}`);
};

const staffJwks = async (props) => {
  const response = await fetch(props.JwksUrl, { signal: AbortSignal.timeout(10000) });
  if (!response.ok) throw new Error(`${props.JwksUrl} answered ${response.status}`);
  const jwks = await response.json();
  if (!Array.isArray(jwks.keys) || jwks.keys.length === 0) throw new Error(`${props.JwksUrl} holds no keys`);
  // Minified: it goes into every function's environment, which Lambda caps at 4 KB.
  return { id: props.JwksUrl, data: { Jwks: JSON.stringify({ keys: jwks.keys }) } };
};

const logRetention = async (props, logs) => {
  const name = props.LogGroupName;
  const call = (command, input) => logs.client.send(new logs.sdk[command](input));
  try {
    await call('CreateLogGroupCommand', {
      logGroupName: name,
      ...(props.KmsKeyId ? { kmsKeyId: props.KmsKeyId } : {}),
    });
  } catch (error) {
    if (error.name !== 'ResourceAlreadyExistsException') throw error;
    if (props.KmsKeyId) await call('AssociateKmsKeyCommand', { logGroupName: name, kmsKeyId: props.KmsKeyId });
  }
  await call('PutRetentionPolicyCommand', { logGroupName: name, retentionInDays: Number(props.RetentionInDays) });
  return { id: name, data: {} };
};

// The Node.js runtime ships SDK v3; built on first use, so a StaffJwks-only run never loads it.
const defaultLogs = () => {
  const sdk = require('@aws-sdk/client-cloudwatch-logs');
  return { sdk, client: new sdk.CloudWatchLogsClient({}) };
};

const makeHandler =
  (logs = defaultLogs) =>
  async (event) => {
    const props = event.ResourceProperties || {};
    try {
      // Nothing to undo on delete: keys are public, and logs outlive the stack by their retention.
      if (event.RequestType === 'Delete')
        return await send(event, 'SUCCESS', 'nothing to delete', event.PhysicalResourceId);
      const work = { 'Custom::StaffJwks': staffJwks, 'Custom::LogRetention': (p) => logRetention(p, logs()) }[
        event.ResourceType
      ];
      if (!work) throw new Error(`unknown resource type ${event.ResourceType}`);
      const { id, data } = await work(props);
      await send(event, 'SUCCESS', 'done', id, data);
    } catch (error) {
      console.error(
        JSON.stringify({ message: 'custom resource failed', type: event.ResourceType, error: String(error) }),
      );
      await send(event, 'FAILED', String(error).slice(0, 500), event.PhysicalResourceId || event.LogicalResourceId);
    }
  };

exports.handler = makeHandler();
exports.makeHandler = makeHandler;
