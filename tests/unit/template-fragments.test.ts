// The template pieces added so every call a function makes can reach its service: the internet egress, the SSM
// references as parameters. Their packaged form is checked in tests/package/account-model.test.ts.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

type Fragment = {
  Resources: Record<string, { Type: string; Properties: Record<string, unknown>; DependsOn?: unknown }>;
};
type Template = {
  Resources: Record<string, unknown>;
  Outputs?: Record<string, unknown>;
  Parameters?: Record<string, unknown>;
};
const require = createRequire(import.meta.url);
const { internetEgressResources } = require('../../resources/internet-egress.cjs') as {
  internetEgressResources: (o: {
    service: string;
    stage: string;
    smsFallbackProvider: string;
    secondaryRegion: string;
  }) => Fragment;
};
const { parameteriseSsmReferences } = require('../../scripts/serverless/ssm-parameters.cjs') as {
  parameteriseSsmReferences: (t: Template, o: { prefix: string }) => Template;
};

describe('a way out of the VPC (resources/internet-egress.cjs)', () => {
  const base = { service: 'tyrehero-dispatch', stage: 'dev', smsFallbackProvider: 'none', secondaryRegion: '' };

  it('adds nothing on a one-region stage whose every call has a VPC endpoint', () => {
    expect(internetEgressResources(base)).toEqual({ Resources: {} });
  });

  it('routes the private subnets through one NAT gateway for an SMS provider on the internet or another region’s endpoints', () => {
    for (const settings of [
      { ...base, smsFallbackProvider: 'twilio' },
      { ...base, secondaryRegion: 'eu-west-1' },
    ]) {
      const { Resources } = internetEgressResources(settings);
      expect(Resources.PrivateDefaultRoute!.Properties).toEqual({
        RouteTableId: { Ref: 'PrivateRouteTable' },
        DestinationCidrBlock: '0.0.0.0/0',
        NatGatewayId: { Ref: 'NatGateway' },
      });
      expect(Resources.NatGateway!.Properties.SubnetId).toEqual({ Ref: 'PublicSubnetA' });
      expect(Resources.PublicDefaultRoute!.Properties.GatewayId).toEqual({ Ref: 'InternetGateway' });
      // A route to an internet gateway not yet attached fails the deploy.
      expect(Resources.PublicDefaultRoute!.DependsOn).toBe('InternetGatewayAttachment');
    }
  });
});

describe('SSM values as template parameters (scripts/serverless/ssm-parameters.cjs)', () => {
  const prefix = '/tyrehero-dispatch/prod/';
  const ref = (name: string) => `{{resolve:ssm:/tyrehero-dispatch/prod/${name}}}`;

  it('turns every reference to one value into a Ref to one parameter, whole strings, text and Fn::Sub alike', () => {
    const template: Template = {
      Resources: {
        A: {
          Properties: {
            Environment: {
              Variables: {
                JWKS: ref('pairing/staff-jwks'),
                ISSUER: `https://cognito-idp.eu-west-2.amazonaws.com/${ref('pairing/staff-user-pool-id')}`,
              },
            },
          },
        },
        B: {
          Properties: {
            Arn: {
              'Fn::Sub': `arn:\${AWS::Partition}:cognito-idp:eu-west-2:\${AWS::AccountId}:userpool/${ref('pairing/staff-user-pool-id')}`,
            },
            Keys: ref('pairing/staff-jwks'),
          },
        },
      },
    };
    const out = parameteriseSsmReferences(template, { prefix });
    expect(out.Resources).toEqual({
      A: {
        Properties: {
          Environment: {
            Variables: {
              JWKS: { Ref: 'SsmPairingStaffJwks' },
              ISSUER: { 'Fn::Sub': 'https://cognito-idp.eu-west-2.amazonaws.com/${SsmPairingStaffUserPoolId}' },
            },
          },
        },
      },
      B: {
        Properties: {
          Arn: {
            'Fn::Sub':
              'arn:${AWS::Partition}:cognito-idp:eu-west-2:${AWS::AccountId}:userpool/${SsmPairingStaffUserPoolId}',
          },
          Keys: { Ref: 'SsmPairingStaffJwks' },
        },
      },
    });
    expect(out.Parameters).toEqual({
      SsmPairingStaffJwks: {
        Type: 'AWS::SSM::Parameter::Value<String>',
        Default: '/tyrehero-dispatch/prod/pairing/staff-jwks',
        Description: expect.stringContaining('staff-jwks'),
      },
      SsmPairingStaffUserPoolId: {
        Type: 'AWS::SSM::Parameter::Value<String>',
        Default: '/tyrehero-dispatch/prod/pairing/staff-user-pool-id',
        Description: expect.stringContaining('staff-user-pool-id'),
      },
    });
    expect(JSON.stringify(out)).not.toContain('{{resolve:ssm:');
  });

  it('keeps a literal ${ in text it turns into an Fn::Sub, and leaves Secrets Manager references alone', () => {
    const secret = '{{resolve:secretsmanager:arn:secret:x:SecretString:password}}';
    const out = parameteriseSsmReferences(
      { Resources: { A: { Text: `\${literal}-${ref('hosted-zone-id')}`, Password: secret } } },
      { prefix },
    );
    expect(out.Resources.A).toEqual({ Text: { 'Fn::Sub': '${!literal}-${SsmHostedZoneId}' }, Password: secret });
  });

  it('leaves a replica key’s create-only PrimaryKeyArn written as it was, and makes no parameter for it', () => {
    const arn = ref('pairing/phone-data-key-arn');
    const out = parameteriseSsmReferences(
      {
        Resources: {
          Replica: {
            Type: 'AWS::KMS::ReplicaKey',
            Properties: { PrimaryKeyArn: arn, Description: ref('hosted-zone-id') },
          },
        },
      },
      { prefix },
    );
    expect(out.Resources.Replica).toEqual({
      Type: 'AWS::KMS::ReplicaKey',
      Properties: { PrimaryKeyArn: arn, Description: { Ref: 'SsmHostedZoneId' } },
    });
    expect(Object.keys(out.Parameters ?? {})).toEqual(['SsmHostedZoneId']);
  });

  it('refuses a pinned version, which a parameter cannot express', () => {
    expect(() =>
      parameteriseSsmReferences({ Resources: { A: '{{resolve:ssm:/tyrehero-dispatch/prod/x:3}}' } }, { prefix }),
    ).toThrow(/pins a version/);
  });
});
