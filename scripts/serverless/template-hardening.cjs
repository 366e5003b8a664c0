// Serverless plugin: the few template changes osls and serverless-iam-roles-per-function have no setting for.
//  1. The API stage is the explicit AWS::ApiGateway::Stage in resources/apigateway.yml: it is pointed at this deploy's
//     Deployment, and the Deployment loses StageName (a Deployment that names its stage creates it, and a second deploy
//     would then carry stage settings on a Deployment for a stage that exists, which CloudFormation rejects).
//  2. Every log group is encrypted with the stack's key.
//  3. Function roles: the per-function plugin attaches AWSLambdaVPCAccessExecutionRole to every role once the provider
//     has a VPC, even for functions with `vpc: ~`. Functions outside the VPC get no ENI rights at all; those inside get
//     only the ENI actions Lambda needs, scoped to this VPC's subnets and security group where IAM allows it. Log
//     rights lose CreateLogGroup: the template creates each function's log group.
'use strict';

const STAGE = 'ApiGatewayStage';
const KEY = 'StackKey';
const VPC_POLICY = /AWSLambdaVPCAccessExecutionRole/;

class TemplateHardening {
  constructor(serverless) {
    this.serverless = serverless;
    // After resources/*.yml are merged into the template, before it is written.
    this.hooks = { 'after:aws:package:finalize:mergeCustomProviderResources': () => this.apply() };
  }

  apply() {
    const resources = this.serverless.service.provider.compiledCloudFormationTemplate.Resources;
    wireStage(resources);
    encryptLogGroups(resources);
    scopeFunctionRoles(resources);
  }
}

function wireStage(resources) {
  const deployments = Object.keys(resources).filter((id) => resources[id].Type === 'AWS::ApiGateway::Deployment');
  if (deployments.length === 0) return;
  if (deployments.length !== 1)
    throw new Error(`template-hardening: expected one API Gateway deployment, found ${deployments.length}`);
  const stage = resources[STAGE];
  if (stage?.Type !== 'AWS::ApiGateway::Stage')
    throw new Error(`template-hardening: ${STAGE} must be an AWS::ApiGateway::Stage in resources/`);
  const deployment = resources[deployments[0]];
  delete deployment.Properties.StageName;
  delete deployment.Properties.StageDescription;
  stage.Properties.DeploymentId = { Ref: deployments[0] };
}

function encryptLogGroups(resources) {
  if (!resources[KEY]) throw new Error(`template-hardening: the log groups need the ${KEY} key (resources/kms.yml)`);
  for (const resource of Object.values(resources)) {
    if (resource.Type === 'AWS::Logs::LogGroup') resource.Properties.KmsKeyId = { 'Fn::GetAtt': [KEY, 'Arn'] };
  }
}

function scopeFunctionRoles(resources) {
  const partitionSub = (arn) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:ec2:\${AWS::Region}:\${AWS::AccountId}:${arn}` });
  for (const fn of Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::Function')) {
    const roleId = fn.Properties.Role?.['Fn::GetAtt']?.[0];
    // Only the roles osls and the per-function plugin write; a role resources/ declares says what it needs itself.
    if (!/IamRoleLambdaExecution$/.test(roleId ?? '')) continue;
    const role = resources[roleId];
    if (!role || role.Type !== 'AWS::IAM::Role') continue;
    role.Properties.ManagedPolicyArns = (role.Properties.ManagedPolicyArns ?? []).filter(
      (arn) => !VPC_POLICY.test(JSON.stringify(arn)),
    );
    if (role.Properties.ManagedPolicyArns.length === 0) delete role.Properties.ManagedPolicyArns;
    const statements = role.Properties.Policies?.[0]?.PolicyDocument?.Statement;
    if (!statements) continue;
    for (const statement of statements) {
      if (Array.isArray(statement.Action))
        statement.Action = statement.Action.filter((a) => a !== 'logs:CreateLogGroup');
    }
    const vpc = fn.Properties.VpcConfig;
    if (!vpc) continue;
    statements.push(
      // EC2 offers no resource-level scope for Describe calls.
      { Effect: 'Allow', Action: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'], Resource: '*' },
      {
        Effect: 'Allow',
        Action: ['ec2:CreateNetworkInterface'],
        Resource: [
          partitionSub('network-interface/*'),
          ...vpc.SubnetIds.map((subnet) => ({
            'Fn::Sub': ['arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:subnet/${Id}', { Id: subnet }],
          })),
          ...vpc.SecurityGroupIds.map((group) => ({
            'Fn::Sub': [
              'arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:security-group/${Id}',
              { Id: group },
            ],
          })),
        ],
      },
      {
        Effect: 'Allow',
        Action: ['ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
        Resource: partitionSub('network-interface/*'),
      },
    );
  }
}

module.exports = TemplateHardening;
