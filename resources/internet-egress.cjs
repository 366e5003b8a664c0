// A way out of the VPC to the internet, only on stages whose functions must reach something no VPC endpoint serves:
//  - an SMS fallback provider on the internet (smsFallbackProvider twilio: api.twilio.com), or
//  - another region's AWS endpoints (a stage with drSecondaryRegion: drCheck in the primary reads the Aurora global
//    database's replication lag where CloudWatch publishes it, in the secondary's region; interface endpoints serve
//    their own region only), or
//  - the incident services (incidentIntegrations services: PagerDuty, Slack and Statuspage on the internet).
// One NAT gateway, in the first AZ. What rides on it is a fallback and a readiness figure, never the emergency path
// (every AWS service the request path calls has an endpoint in resources/network.yml), so an AZ outage costs the
// fallback SMS provider and the lag figure for its duration, not an emergency; a second gateway would double the cost.
// Elsewhere this adds nothing, and the account model (tests/package/account-model.test.ts) then finds no path out.
'use strict';

/** Pure: the CloudFormation fragment for these settings (tests/unit/internet-egress.test.ts). */
function internetEgressResources({ service, stage, smsFallbackProvider, secondaryRegion, incidentIntegrations }) {
  const needed =
    (smsFallbackProvider && smsFallbackProvider !== 'none') ||
    Boolean(secondaryRegion) ||
    incidentIntegrations === 'services';
  if (!needed) return { Resources: {} };
  const name = (suffix) => [{ Key: 'Name', Value: `${service}-${stage}-${suffix}` }];
  return {
    Resources: {
      InternetGateway: { Type: 'AWS::EC2::InternetGateway', Properties: { Tags: name('igw') } },
      InternetGatewayAttachment: {
        Type: 'AWS::EC2::VPCGatewayAttachment',
        Properties: { VpcId: { Ref: 'Vpc' }, InternetGatewayId: { Ref: 'InternetGateway' } },
      },
      // Holds only the NAT gateway: no function, database or endpoint has an interface here.
      PublicSubnetA: {
        Type: 'AWS::EC2::Subnet',
        Properties: {
          VpcId: { Ref: 'Vpc' },
          CidrBlock: '10.40.100.0/24',
          AvailabilityZone: { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] },
          MapPublicIpOnLaunch: false,
          Tags: name('public-a'),
        },
      },
      PublicRouteTable: { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: { Ref: 'Vpc' } } },
      PublicDefaultRoute: {
        Type: 'AWS::EC2::Route',
        DependsOn: 'InternetGatewayAttachment',
        Properties: {
          RouteTableId: { Ref: 'PublicRouteTable' },
          DestinationCidrBlock: '0.0.0.0/0',
          GatewayId: { Ref: 'InternetGateway' },
        },
      },
      PublicSubnetARouteTable: {
        Type: 'AWS::EC2::SubnetRouteTableAssociation',
        Properties: { SubnetId: { Ref: 'PublicSubnetA' }, RouteTableId: { Ref: 'PublicRouteTable' } },
      },
      NatGatewayAddress: {
        Type: 'AWS::EC2::EIP',
        DependsOn: 'InternetGatewayAttachment',
        Properties: { Domain: 'vpc' },
      },
      NatGateway: {
        Type: 'AWS::EC2::NatGateway',
        Properties: {
          SubnetId: { Ref: 'PublicSubnetA' },
          AllocationId: { 'Fn::GetAtt': ['NatGatewayAddress', 'AllocationId'] },
          Tags: name('nat'),
        },
      },
      // The functions' subnets: anything no endpoint or the DynamoDB gateway's prefix list claims leaves through NAT.
      PrivateDefaultRoute: {
        Type: 'AWS::EC2::Route',
        Properties: {
          RouteTableId: { Ref: 'PrivateRouteTable' },
          DestinationCidrBlock: '0.0.0.0/0',
          NatGatewayId: { Ref: 'NatGateway' },
        },
      },
    },
  };
}

module.exports = async ({ resolveVariable }) => {
  const [service, stage, smsFallbackProvider, secondaryRegion, incidentIntegrations] = await Promise.all([
    resolveVariable('self:service'),
    resolveVariable('sls:stage'),
    resolveVariable('param:smsFallbackProvider'),
    resolveVariable('param:drSecondaryRegion'),
    resolveVariable('param:incidentIntegrations'),
  ]);
  return internetEgressResources({
    service,
    stage,
    smsFallbackProvider: String(smsFallbackProvider ?? 'none'),
    secondaryRegion: String(secondaryRegion ?? ''),
    incidentIntegrations: String(incidentIntegrations ?? 'log'),
  });
};
module.exports.internetEgressResources = internetEgressResources;
