// Serverless plugin: turns the one-region stack that resources/*.yml describe into its part of the stage's region pair
// (custom.pairing, from scripts/serverless/region-role.cjs; docs/operations.md, "Disaster recovery"). Every change is here, so the
// YAML stays the description of one region and this file is the whole difference between the two.
//
// single     no change, except the custom domain below.
// primary    + AWS::RDS::GlobalCluster from DatabaseCluster (the secondary's cluster joins it).
//            The five tables become AWS::DynamoDB::GlobalTable (same logical ids and names) with a replica here and, once
//            the secondary stack exists (drSecondaryDeployed), one there, encrypted with that region's stack key. Each
//            replica keeps PITR, deletion protection and KMS encryption; the resources keep Retain.
//            The database secrets are replicated to the secondary (same name and ARN suffix there).
//            The phone keys (PhoneDataKey, PhoneHashKey) are multi-Region primary keys (MultiRegion: true).
//            The daily backup (resources/backup.yml) copies each recovery point to the secondary's vault, named by ARN
//            (same vault name there), once the secondary stack exists (drSecondaryDeployed).
// secondary  DatabaseCluster joins the global cluster (GlobalClusterIdentifier, a fixed DBClusterIdentifier) with no
//            master user, password or database name (a secondary has none: they come from the primary), and so no
//            secret attachments or rotation. The tables, secrets and the staff user pool are the primary's: this stack
//            creates none of them, and every reference to them becomes the SSM parameter (in this region) that holds
//            the primary's value (custom.pairingParameters), or the table's name, which is the same in both regions.
//            The phone keys become AWS::KMS::ReplicaKey of the primary's (PrimaryKeyArn from SSM), under their own
//            logical ids (PhoneDataReplicaKey, PhoneHashReplicaKey: CloudFormation refuses to change a resource's type),
//            with the same policy, and every Ref, GetAtt and ${…} of the key (aliases, functions' environment and IAM
//            statements) names the replica. Same key material and key id (mrk-…): what one region seals or hashes, the
//            other opens and matches.
//            The backup plan, its selection and role are the primary's (it backs up the global cluster and tables):
//            the secondary keeps only its vault, which receives the copies.
// both       Every scheduled job is scheduled in both regions: the writers act only where the replicated active-region
//            record points (shared/powertools/scheduled-job.ts), so a failover moves them with no deploy; drCheck acts
//            in both. In the region that does not serve by default (drActiveRegion, the primary unless set), alarms on
//            the figures read missing data as not breaching, as collectMetrics publishes nothing there.
// domain     Where apiDomainName is set: a regional API Gateway domain with a DNS-validated certificate, the stage
//            mapped at its root, and a CNAME with TTL 60 s (the DR plan's), Failover PRIMARY or SECONDARY in a pair,
//            each answered only while its own region's Route 53 health check on GET /health passes. The /ops/live
//            sign-in client (OpsPageClient) may also come back to https://<apiDomainName>/ops/live.
'use strict';

const TABLES = [
  'TechnicianLocationsTable',
  'IdempotencyTable',
  'ScalingStateTable',
  'IntakeBufferTable',
  'RateLimitsTable',
];
const SECRETS = { DatabaseSecret: 'databaseSecretArn', AppDatabaseSecret: 'appDatabaseSecretArn' };
const SECONDARY_REMOVES = [
  ...TABLES,
  ...Object.keys(SECRETS),
  'DatabaseSecretRotation',
  'AppDatabaseSecretRotation',
  'DatabaseSecretAttachment',
  'AppDatabaseSecretAttachment',
  'StaffUserPool',
  'StaffAppClient',
  'StaffUserPoolDomain',
  'OpsPageClient',
  'TechniciansGroup',
  'OperationsGroup',
  // The pool's keys reach the secondary through SSM (custom.pairingParameters.staffJwks); rotation runs in the primary.
  'StaffJwks',
  'OwnerRotationLogRetention',
  'AppRotationLogRetention',
  // The primary backs up the global cluster and tables and copies them here (resources/backup.yml).
  'BackupPlan',
  'BackupSelection',
  'BackupRole',
];
/** Customer phone keys (resources/kms.yml): multi-Region in a pair; logical id of the replica, and its SSM parameter. */
const PHONE_KEYS = {
  PhoneDataKey: { replica: 'PhoneDataReplicaKey', parameter: 'phoneDataKeyArn', output: 'PhoneDataKeyArn' },
  PhoneHashKey: { replica: 'PhoneHashReplicaKey', parameter: 'phoneHashKeyArn', output: 'PhoneHashKeyArn' },
};

class RegionPairing {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { 'after:aws:package:finalize:mergeCustomProviderResources': () => this.apply() };
  }

  apply() {
    const { provider, custom } = this.serverless.service;
    const settings = custom.regionPairing;
    pairTemplate(provider.compiledCloudFormationTemplate, {
      service: this.serverless.service.service,
      stage: provider.stage,
      region: provider.region,
      pairing: custom.pairing,
      pairingParameters: custom.pairingParameters,
      secondaryDeployed: String(settings.secondaryDeployed) !== 'false',
      deletionProtection: String(settings.deletionProtection) === 'true',
      apiDomainName: String(settings.apiDomainName ?? ''),
      apiHostedZoneId: String(settings.apiHostedZoneId ?? ''),
    });
  }
}

/** Pure: applies the pairing to a compiled template in place (tests/unit/region-pairing.test.ts). */
function pairTemplate(template, settings) {
  const { pairing } = settings;
  if (pairing.role === 'primary') makePrimary(template, settings);
  else if (pairing.role === 'secondary') makeSecondary(template, settings);
  else if (pairing.role !== 'single') throw new Error(`region-pairing: unknown role ${pairing.role}`);
  if (pairing.role !== 'single') quietFigureAlarmsInStandby(template.Resources, pairing.active);
  if (settings.apiDomainName) addCustomDomain(template, settings);
  return template;
}

function makePrimary(template, { service, stage, pairing, secondaryDeployed, deletionProtection }) {
  const resources = template.Resources;
  resources.DatabaseGlobalCluster = {
    Type: 'AWS::RDS::GlobalCluster',
    // Deleting the global cluster would detach the secondary; it is removed by hand if ever.
    DeletionPolicy: 'Retain',
    UpdateReplacePolicy: 'Retain',
    Properties: {
      GlobalClusterIdentifier: pairing.globalClusterId,
      SourceDBClusterIdentifier: {
        'Fn::Sub': 'arn:${AWS::Partition}:rds:${AWS::Region}:${AWS::AccountId}:cluster:${DatabaseCluster}',
      },
      DeletionProtection: deletionProtection,
    },
  };
  // The secondary region's stack key, by its alias (resources/kms.yml), which exists once the secondary is deployed.
  const secondaryKey = {
    'Fn::Sub': `arn:\${AWS::Partition}:kms:${pairing.secondaryRegion}:\${AWS::AccountId}:alias/${service}-${stage}`,
  };
  const regions = [{ region: pairing.primaryRegion, key: { 'Fn::GetAtt': ['StackKey', 'Arn'] } }];
  if (secondaryDeployed) regions.push({ region: pairing.secondaryRegion, key: secondaryKey });
  for (const id of TABLES) resources[id] = globalTable(required(resources, id, 'AWS::DynamoDB::Table'), regions);
  if (secondaryDeployed) {
    copyBackupsTo(resources, { service, stage, region: pairing.secondaryRegion });
    for (const id of Object.keys(SECRETS))
      required(resources, id, 'AWS::SecretsManager::Secret').Properties.ReplicaRegions = [
        { Region: pairing.secondaryRegion, KmsKeyId: secondaryKey },
      ];
  }
  // A multi-Region key and its replicas share key material and key id, so numbers sealed and look-up hashes made here
  // open and match in the secondary. MultiRegion cannot change on an existing key (it would be replaced, and what it
  // sealed unreadable): docs/operations.md, "Giving an existing single-region stage a second region".
  for (const id of Object.keys(PHONE_KEYS)) required(resources, id, 'AWS::KMS::Key').Properties.MultiRegion = true;
  // What the secondary region's SSM parameters are copied from (docs/operations.md, "Disaster recovery").
  template.Outputs = template.Outputs ?? {};
  for (const [id, { output }] of Object.entries(PHONE_KEYS))
    template.Outputs[output] = {
      Description: `${id}: the secondary replicates it (multi-Region key)`,
      Value: { 'Fn::GetAtt': [id, 'Arn'] },
    };
  template.Outputs.DatabaseSecretArn = {
    Description: 'Owner secret (replicated to the secondary with the same ARN suffix)',
    Value: { Ref: 'DatabaseSecret' },
  };
  template.Outputs.AppDatabaseSecretArn = {
    Description: 'Application-role secret (replicated to the secondary)',
    Value: { Ref: 'AppDatabaseSecret' },
  };
  template.Outputs.DatabaseGlobalClusterId = { Value: { Ref: 'DatabaseGlobalCluster' } };
}

/**
 * Every daily recovery point is copied to the secondary's vault and kept as long there. The vault's ARN is built from
 * its name (the same in both regions), so the plan names it without reading the secondary stack.
 */
function copyBackupsTo(resources, { service, stage, region }) {
  const plan = required(resources, 'BackupPlan', 'AWS::Backup::BackupPlan');
  for (const rule of plan.Properties.BackupPlan.BackupPlanRule) {
    rule.CopyActions = [
      {
        DestinationBackupVaultArn: {
          'Fn::Sub': `arn:\${AWS::Partition}:backup:${region}:\${AWS::AccountId}:backup-vault:${service}-${stage}`,
        },
        Lifecycle: rule.Lifecycle,
      },
    ];
  }
}

/** One AWS::DynamoDB::Table as the AWS::DynamoDB::GlobalTable CloudFormation would import it as (docs/operations.md, "Giving an existing single-region stage a second region"). */
function globalTable(table, regions) {
  const {
    PointInTimeRecoverySpecification,
    DeletionProtectionEnabled,
    SSESpecification,
    TableClass,
    Tags,
    ContributorInsightsSpecification,
    StreamSpecification,
    ...shared
  } = table.Properties;
  if (SSESpecification?.SSEType !== 'KMS')
    throw new Error(`region-pairing: ${shared.TableName} must be KMS-encrypted to become a global table`);
  return {
    Type: 'AWS::DynamoDB::GlobalTable',
    DeletionPolicy: table.DeletionPolicy,
    UpdateReplacePolicy: table.UpdateReplacePolicy,
    Properties: {
      ...shared,
      // Replication reads the table's stream; a global table with more than one replica requires it.
      StreamSpecification: { StreamViewType: StreamSpecification?.StreamViewType ?? 'NEW_AND_OLD_IMAGES' },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      Replicas: regions.map(({ region, key }) => ({
        Region: region,
        PointInTimeRecoverySpecification,
        ...(DeletionProtectionEnabled === undefined ? {} : { DeletionProtectionEnabled }),
        SSESpecification: { KMSMasterKeyId: key },
        ...(TableClass ? { TableClass } : {}),
        ...(Tags ? { Tags } : {}),
        ...(ContributorInsightsSpecification ? { ContributorInsightsSpecification } : {}),
      })),
    },
  };
}

function makeSecondary(template, { region, pairing, pairingParameters }) {
  const resources = template.Resources;
  const cluster = required(resources, 'DatabaseCluster', 'AWS::RDS::DBCluster');
  // A secondary cluster has no master user, password or initial database: all of them arrive from the primary.
  for (const property of [
    'MasterUsername',
    'MasterUserPassword',
    'ManageMasterUserPassword',
    'MasterUserSecret',
    'DatabaseName',
  ])
    delete cluster.Properties[property];
  cluster.Properties.GlobalClusterIdentifier = pairing.globalClusterId;
  cluster.Properties.DBClusterIdentifier = pairing.secondaryClusterId;
  if (pairing.secondaryClusterId !== `${pairing.globalClusterId.replace(/-global$/, '')}-${region}`)
    throw new Error('region-pairing: the secondary cluster id must name its region');
  if (!cluster.Properties.StorageEncrypted || !cluster.Properties.KmsKeyId)
    throw new Error('region-pairing: the secondary cluster must be encrypted with its own region’s key');

  for (const id of SECONDARY_REMOVES) {
    if (!resources[id]) throw new Error(`region-pairing: expected ${id} in the template`);
    delete resources[id];
  }
  // The hosted sign-in belongs to the pool, and comes back to the primary's API (docs/api.md, "Staff sign-in and roles").
  for (const id of ['StaffUserPoolId', 'StaffAppClientId', 'OpsSignInUrl']) delete template.Outputs?.[id];
  // So the secondary's live view falls back to the pasted-token form rather than name a sign-in that is not there.
  const pagesEnvironment = resources.PagesLambdaFunction?.Properties?.Environment?.Variables;
  if (pagesEnvironment) pagesEnvironment.OPS_SIGN_IN_URL = '';
  replicatePhoneKeys(template, pairingParameters);

  const poolId = pairingParameters.staffUserPoolId;
  const replacements = {
    Ref: {
      DatabaseSecret: pairingParameters.databaseSecretArn,
      AppDatabaseSecret: pairingParameters.appDatabaseSecretArn,
      StaffUserPool: poolId,
      StaffAppClient: pairingParameters.staffAppClientId,
    },
    GetAtt: {
      'StaffUserPool.Arn': {
        'Fn::Sub': `arn:\${AWS::Partition}:cognito-idp:${pairing.primaryRegion}:\${AWS::AccountId}:userpool/${poolId}`,
      },
    },
    Sub: { StaffUserPool: poolId },
  };
  Object.assign(resources, replaceReferences(resources, replacements));
  if (template.Outputs) Object.assign(template.Outputs, replaceReferences(template.Outputs, replacements));
  const removed = new Set(SECONDARY_REMOVES);
  for (const resource of Object.values(resources)) {
    if (resource.DependsOn === undefined) continue;
    const kept = [].concat(resource.DependsOn).filter((id) => !removed.has(id));
    if (kept.length) resource.DependsOn = kept;
    else delete resource.DependsOn;
  }
}

/** The secondary's phone keys: replicas of the primary's multi-Region keys, by the ARNs copied to SSM in this region. */
function replicatePhoneKeys(template, pairingParameters) {
  const resources = template.Resources;
  const renames = {};
  for (const [id, { replica, parameter }] of Object.entries(PHONE_KEYS)) {
    const key = required(resources, id, 'AWS::KMS::Key');
    const primaryKeyArn = pairingParameters[parameter];
    if (!primaryKeyArn)
      throw new Error(`region-pairing: custom.pairingParameters.${parameter} is needed for ${replica}`);
    // Key spec, usage and rotation belong to the primary key and its replicas share them; the policy is per key.
    resources[replica] = {
      Type: 'AWS::KMS::ReplicaKey',
      DeletionPolicy: key.DeletionPolicy,
      UpdateReplacePolicy: key.UpdateReplacePolicy,
      Properties: {
        PrimaryKeyArn: primaryKeyArn,
        Description: key.Properties.Description,
        PendingWindowInDays: key.Properties.PendingWindowInDays,
        KeyPolicy: JSON.parse(JSON.stringify(key.Properties.KeyPolicy)),
      },
    };
    delete resources[id];
    renames[id] = replica;
  }
  Object.assign(resources, renameReferences(resources, renames));
  if (template.Outputs) Object.assign(template.Outputs, renameReferences(template.Outputs, renames));
}

/** Points every Ref, Fn::GetAtt, ${name} / ${name.Attribute} in Fn::Sub and DependsOn at a renamed resource. */
function renameReferences(node, renames) {
  if (Array.isArray(node)) return node.map((child) => renameReferences(child, renames));
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => {
      if (key === 'Ref' && typeof value === 'string') return [key, renames[value] ?? value];
      if (key === 'Fn::GetAtt') {
        if (Array.isArray(value)) return [key, [renames[value[0]] ?? value[0], ...value.slice(1)]];
        const [target, ...rest] = String(value).split('.');
        return [key, [renames[target] ?? target, ...rest].join('.')];
      }
      if (key === 'Fn::Sub') {
        const [text, vars] = Array.isArray(value) ? value : [value, undefined];
        const renamed = String(text).replace(/\$\{([A-Za-z0-9]+)((?:\.[A-Za-z0-9]+)*)\}/g, (whole, name, attribute) =>
          renames[name] ? `\${${renames[name]}${attribute}}` : whole,
        );
        return [key, vars ? [renamed, renameReferences(vars, renames)] : renamed];
      }
      if (key === 'DependsOn')
        return [key, Array.isArray(value) ? value.map((id) => renames[id] ?? id) : (renames[value] ?? value)];
      return [key, renameReferences(value, renames)];
    }),
  );
}

/** Rewrites Ref, Fn::GetAtt and ${name} in Fn::Sub strings that name a resource the secondary does not have. */
function replaceReferences(node, replacements) {
  if (Array.isArray(node)) return node.map((child) => replaceReferences(child, replacements));
  if (!node || typeof node !== 'object') return node;
  const keys = Object.keys(node);
  if (keys.length === 1 && keys[0] === 'Ref' && node.Ref in replacements.Ref) return replacements.Ref[node.Ref];
  if (keys.length === 1 && keys[0] === 'Fn::GetAtt') {
    const name = [].concat(node['Fn::GetAtt']).join('.');
    if (name in replacements.GetAtt) return replacements.GetAtt[name];
  }
  if (keys.length === 1 && keys[0] === 'Fn::Sub') {
    const [text, vars] = Array.isArray(node['Fn::Sub']) ? node['Fn::Sub'] : [node['Fn::Sub'], undefined];
    const replaced = String(text).replace(/\$\{([A-Za-z0-9]+)\}/g, (whole, name) => replacements.Sub[name] ?? whole);
    return { 'Fn::Sub': vars ? [replaced, replaceReferences(vars, replacements)] : replaced };
  }
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, replaceReferences(value, replacements)]));
}

function quietFigureAlarmsInStandby(resources, active) {
  if (active) return;
  // The figures collectMetrics publishes never arrive where it does not run: an alarm there that reads missing data as
  // breaching would page from the minute the standby is deployed. It stays quiet there, and pages in the active region.
  for (const alarm of Object.values(resources).filter(
    (r) =>
      r.Type === 'AWS::CloudWatch::Alarm' &&
      r.Properties.Namespace === 'TyreHero/Emergency' &&
      r.Properties.TreatMissingData === 'breaching',
  )) {
    alarm.Properties.TreatMissingData = 'notBreaching';
  }
}

function addCustomDomain(template, { region, pairing, apiDomainName, apiHostedZoneId }) {
  if (!apiHostedZoneId)
    throw new Error('apiDomainName needs apiHostedZoneId: the hosted zone its record and certificate validation go in');
  const resources = template.Resources;
  resources.ApiCertificate = {
    Type: 'AWS::CertificateManager::Certificate',
    Properties: {
      DomainName: apiDomainName,
      ValidationMethod: 'DNS',
      DomainValidationOptions: [{ DomainName: apiDomainName, HostedZoneId: apiHostedZoneId }],
    },
  };
  resources.ApiDomainName = {
    Type: 'AWS::ApiGateway::DomainName',
    Properties: {
      DomainName: apiDomainName,
      RegionalCertificateArn: { Ref: 'ApiCertificate' },
      EndpointConfiguration: { Types: ['REGIONAL'] },
      SecurityPolicy: 'TLS_1_2',
    },
  };
  resources.ApiBasePathMapping = {
    Type: 'AWS::ApiGateway::BasePathMapping',
    Properties: {
      DomainName: { Ref: 'ApiDomainName' },
      RestApiId: { Ref: 'ApiGatewayRestApi' },
      Stage: { Ref: 'ApiGatewayStage' },
    },
  };
  // A CNAME with the DR plan's 60 s TTL rather than an alias record (whose TTL is the target's): clients re-resolve
  // within a minute of Route 53 switching, which is what the 5-minute RTO budget counts on.
  const record = {
    HostedZoneId: apiHostedZoneId,
    Name: apiDomainName,
    Type: 'CNAME',
    TTL: '60',
    ResourceRecords: [{ 'Fn::GetAtt': ['ApiDomainName', 'RegionalDomainName'] }],
  };
  if (pairing.role !== 'single') {
    Object.assign(record, {
      SetIdentifier: `${apiDomainName}-${region}`,
      Failover: pairing.role === 'primary' ? 'PRIMARY' : 'SECONDARY',
      HealthCheckId: { Ref: 'ApiHealthCheck' },
    });
  }
  resources.ApiDnsRecord = { Type: 'AWS::Route53::RecordSet', Properties: record };
  // The live view is served on the custom domain too (the stage is mapped at its root): sign-in may come back there.
  const opsPage = resources.OpsPageClient;
  if (opsPage) {
    for (const list of ['CallbackURLs', 'LogoutURLs'])
      opsPage.Properties[list] = [...(opsPage.Properties[list] ?? []), `https://${apiDomainName}/ops/live`];
  }
  template.Outputs = template.Outputs ?? {};
  template.Outputs.ApiDomainRegionalName = {
    Description: 'The regional API Gateway domain the CNAME points at',
    Value: { 'Fn::GetAtt': ['ApiDomainName', 'RegionalDomainName'] },
  };
}

function required(resources, id, type) {
  const resource = resources[id];
  if (resource?.Type !== type) throw new Error(`region-pairing: expected ${id} to be ${type}`);
  return resource;
}

module.exports = RegionPairing;
module.exports.pairTemplate = pairTemplate;
