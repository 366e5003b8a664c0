// Forensics (docs/operations.md, "Backups and forensics"): one multi-region CloudTrail trail per stage, with log file
// validation, its log files encrypted with the stack key and kept trailRetentionDays in a bucket of its own.
// Where the stage is a pair, it lives in the secondary region: the record of what happened to eu-west-2 stays readable
// when eu-west-2 is gone, and the primary's template keeps its room under CloudFormation's 500 resources. Where the
// stage's `forensicTrail` param is not 'true' (development stages), it adds nothing.
'use strict';

/** Pure: the CloudFormation fragment for these settings (tests/unit/forensic-trail.test.ts). */
function forensicTrailResources({ service, stage, enabled, role, retentionDays }) {
  if (!enabled || role === 'primary') return { Resources: {} };
  if (!Number.isInteger(retentionDays) || retentionDays < 90)
    throw new Error(
      `trailRetentionDays must be an integer of at least 90 (CloudTrail's own history), got ${retentionDays}`,
    );
  const trailName = `${service}-${stage}`;
  // Name-based, so the bucket policy and the key policy can name the trail before it exists (the trail needs both first).
  const trailArn = {
    'Fn::Sub': `arn:\${AWS::Partition}:cloudtrail:\${AWS::Region}:\${AWS::AccountId}:trail/${trailName}`,
  };
  const bucketArn = { 'Fn::GetAtt': ['ForensicTrailBucket', 'Arn'] };
  return {
    Resources: {
      ForensicTrailBucket: {
        Type: 'AWS::S3::Bucket',
        // The logs outlive the stack: a redeploy that replaced or removed the bucket would destroy the evidence.
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          // Bucket names are global: the account and region make this one unique and the same on every deploy.
          BucketName: { 'Fn::Sub': `${service}-${stage}-trail-\${AWS::AccountId}-\${AWS::Region}` },
          BucketEncryption: {
            ServerSideEncryptionConfiguration: [
              {
                ServerSideEncryptionByDefault: {
                  SSEAlgorithm: 'aws:kms',
                  KMSMasterKeyID: { 'Fn::GetAtt': ['StackKey', 'Arn'] },
                },
                BucketKeyEnabled: true,
              },
            ],
          },
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: true,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          },
          OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
          // An overwritten or deleted log file stays as a noncurrent version until the same retention has passed.
          VersioningConfiguration: { Status: 'Enabled' },
          LifecycleConfiguration: {
            Rules: [
              {
                Id: 'retention',
                Status: 'Enabled',
                ExpirationInDays: retentionDays,
                NoncurrentVersionExpiration: { NoncurrentDays: retentionDays },
                AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
              },
            ],
          },
          // Deletions and overwrites can be watched with an EventBridge rule, at no cost until someone writes one.
          NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
        },
      },
      // The statements CloudTrail needs, each for this trail only (aws:SourceArn), and TLS for everyone
      // (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html).
      ForensicTrailBucketPolicy: {
        Type: 'AWS::S3::BucketPolicy',
        Properties: {
          Bucket: { Ref: 'ForensicTrailBucket' },
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'AWSCloudTrailAclCheck',
                Effect: 'Allow',
                Principal: { Service: 'cloudtrail.amazonaws.com' },
                Action: 's3:GetBucketAcl',
                Resource: bucketArn,
                Condition: { StringEquals: { 'aws:SourceArn': trailArn } },
              },
              {
                Sid: 'AWSCloudTrailWrite',
                Effect: 'Allow',
                Principal: { Service: 'cloudtrail.amazonaws.com' },
                Action: 's3:PutObject',
                Resource: { 'Fn::Sub': '${ForensicTrailBucket.Arn}/AWSLogs/${AWS::AccountId}/*' },
                Condition: {
                  StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': trailArn },
                },
              },
              {
                Sid: 'TlsOnly',
                Effect: 'Deny',
                Principal: '*',
                Action: 's3:*',
                Resource: [bucketArn, { 'Fn::Join': ['', [bucketArn, '/*']] }],
                Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              },
            ],
          },
        },
      },
      ForensicTrail: {
        Type: 'AWS::CloudTrail::Trail',
        // CloudTrail checks the bucket policy when the trail is created.
        DependsOn: ['ForensicTrailBucketPolicy'],
        Properties: {
          TrailName: trailName,
          S3BucketName: { Ref: 'ForensicTrailBucket' },
          IsLogging: true,
          // Every region's management events, and IAM's and the other global services'.
          IsMultiRegionTrail: true,
          IncludeGlobalServiceEvents: true,
          // A signed digest file every hour: `aws cloudtrail validate-logs` proves no log file was changed or removed.
          EnableLogFileValidation: true,
          KMSKeyId: { 'Fn::GetAtt': ['StackKey', 'Arn'] },
        },
      },
    },
  };
}

module.exports = async ({ resolveVariable }) => {
  const [service, stage, enabled, role, retentionDays] = await Promise.all([
    resolveVariable('self:service'),
    resolveVariable('sls:stage'),
    resolveVariable('param:forensicTrail'),
    resolveVariable('self:custom.pairing.role'),
    resolveVariable('param:trailRetentionDays'),
  ]);
  return forensicTrailResources({
    service,
    stage,
    enabled: String(enabled) === 'true',
    role,
    retentionDays: Number(retentionDays),
  });
};
module.exports.forensicTrailResources = forensicTrailResources;
