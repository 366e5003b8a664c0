// What the stack learns or fixes at deploy time, through one small custom-resource function (resources/deploy-time/
// handler.cjs, inlined): the staff pool's public keys (Custom::StaffJwks, read into every function's AUTH_JWKS)
// and retention on the log groups AWS services create by themselves (Custom::LogRetention), which no
// AWS::Logs::LogGroup can own: RDS names its export group after a cluster id CloudFormation generates, and both groups
// may already exist on a stage deployed before. It runs outside the VPC: it reads Cognito's public jwks.json, which
// the VPC cannot reach once the pool has a hosted-UI domain (no PrivateLink for such pools).
'use strict';

const { readFileSync } = require('node:fs');
const path = require('node:path');

/** CloudFormation's limit for inline (ZipFile) function code. */
const ZIP_FILE_LIMIT = 4096;

/** Pure: the CloudFormation fragment (tests/unit/deploy-time.test.ts). */
function deployTimeResources({ service, stage, rolePrefix, logRetentionDays, code }) {
  if (code.length > ZIP_FILE_LIMIT)
    throw new Error(
      `resources/deploy-time/handler.cjs is ${code.length} characters; inline code may be ${ZIP_FILE_LIMIT}`,
    );
  const functionName = `${service}-${stage}-deploy-time`;
  const logGroupArn = (name) => ({
    'Fn::Sub': `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:${name}`,
  });
  const retention = (LogGroupName) => ({
    Type: 'Custom::LogRetention',
    Properties: {
      ServiceToken: { 'Fn::GetAtt': ['DeployTimeFunction', 'Arn'] },
      LogGroupName,
      RetentionInDays: logRetentionDays,
      KmsKeyId: { 'Fn::GetAtt': ['StackKey', 'Arn'] },
    },
  });
  return {
    Resources: {
      DeployTimeLogGroup: {
        Type: 'AWS::Logs::LogGroup',
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: { LogGroupName: `/aws/lambda/${functionName}`, RetentionInDays: logRetentionDays },
      },
      DeployTimeRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: `${rolePrefix}-deploy-time`,
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
          },
          Policies: [
            {
              PolicyName: 'deploy-time',
              PolicyDocument: {
                Version: '2012-10-17',
                Statement: [
                  {
                    Effect: 'Allow',
                    Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
                    Resource: logGroupArn(`/aws/lambda/${functionName}:*`),
                  },
                  {
                    Effect: 'Allow',
                    Action: ['logs:CreateLogGroup', 'logs:PutRetentionPolicy', 'logs:AssociateKmsKey'],
                    Resource: [
                      logGroupArn('/aws/rds/cluster/${DatabaseCluster}/postgresql'),
                      logGroupArn(`/aws/lambda/${rolePrefix}-rotate-*`),
                    ],
                  },
                ],
              },
            },
          ],
        },
      },
      DeployTimeFunction: {
        Type: 'AWS::Lambda::Function',
        DependsOn: ['DeployTimeLogGroup'],
        Properties: {
          FunctionName: functionName,
          Description: 'CloudFormation custom resources: staff pool keys, retention of AWS-created log groups',
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          Handler: 'index.handler',
          MemorySize: 256,
          Timeout: 60,
          // Only CloudFormation calls it, one resource at a time.
          ReservedConcurrentExecutions: 2,
          Role: { 'Fn::GetAtt': ['DeployTimeRole', 'Arn'] },
          Code: { ZipFile: code },
        },
      },
      StaffJwks: {
        Type: 'Custom::StaffJwks',
        Properties: {
          ServiceToken: { 'Fn::GetAtt': ['DeployTimeFunction', 'Arn'] },
          JwksUrl: {
            'Fn::Sub': 'https://cognito-idp.${AWS::Region}.amazonaws.com/${StaffUserPool}/.well-known/jwks.json',
          },
        },
      },
      DatabaseLogRetention: retention({ 'Fn::Sub': '/aws/rds/cluster/${DatabaseCluster}/postgresql' }),
      OwnerRotationLogRetention: retention(`/aws/lambda/${rolePrefix}-rotate-owner`),
      AppRotationLogRetention: retention(`/aws/lambda/${rolePrefix}-rotate-app`),
    },
  };
}

module.exports = async ({ resolveVariable }) => {
  const [service, stage, rolePrefix, logRetentionDays] = await Promise.all([
    resolveVariable('self:service'),
    resolveVariable('sls:stage'),
    resolveVariable('self:custom.rolePrefix'),
    resolveVariable('param:logRetentionDays'),
  ]);
  const code = readFileSync(path.join(__dirname, 'deploy-time/handler.cjs'), 'utf8');
  return deployTimeResources({ service, stage, rolePrefix, logRetentionDays: Number(logRetentionDays), code });
};
module.exports.deployTimeResources = deployTimeResources;
