// What GET /ops/health and incident diagnostics check: every service the deployed functions need, each with its cheapest
// read. Only opsHealth and incidents bundle this (and its KMS, Secrets Manager and SNS clients).
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import type { ConfigOf } from '#shared/config/concern.js';
import { dataProtectionConcern } from '#shared/config/data-protection.js';
import { databaseConcern } from '#shared/config/database.js';
import { notifierConcern } from '#shared/config/notifier.js';
import { regionConcern } from '#shared/config/region.js';
import { tablesConcern } from '#shared/config/tables.js';
import { KmsKeyProbe } from '#shared/adapters/crypto/kms-key-probe.js';
import { DynamoTableProbe } from '#shared/adapters/dynamodb/table-probe.js';
import { namingUnreachable, sdkClientOptions } from '#shared/adapters/sdk-client-options.js';
import { SecretProbe } from '#shared/adapters/secrets/secret-probe.js';
import { SnsTopicProbe } from '#shared/adapters/sns/topic-probe.js';
import type { DependencyKind, DependencyProbe } from '#shared/ports/dependency-probe.js';
import type { RequestStore } from '#shared/ports/request-store.js';

/** What the probes read: the settings that name each dependency. */
export const probeConcerns = [
  regionConcern,
  databaseConcern,
  tablesConcern,
  dataProtectionConcern,
  notifierConcern,
] as const;

const unused = (name: string, kind: DependencyKind, why: string): DependencyProbe => ({
  name,
  kind,
  notUsed: why,
  check: () => Promise.resolve(),
});

export function healthProbes(
  config: ConfigOf<typeof probeConcerns>,
  parts: { requests: Pick<RequestStore, 'ping'>; dynamodb: DynamoDBClient },
): DependencyProbe[] {
  const probes: DependencyProbe[] = [
    { name: 'postgresql:writer', kind: 'postgresql', check: (ms) => parts.requests.ping(ms) },
  ];
  for (const [table, tableName] of Object.entries(config.tables)) {
    const probe = new DynamoTableProbe(parts.dynamodb, tableName);
    probes.push({ name: `dynamodb:${table}`, kind: 'dynamodb', check: (ms) => probe.check(ms) });
  }

  const phones = config.dataProtection.phones;
  if (phones.kind === 'kms') {
    const kms = namingUnreachable(new KMSClient({ region: config.region, ...sdkClientOptions() }));
    for (const [name, keyId] of [
      ['kms:phone-data-key', phones.dataKeyId],
      ['kms:phone-hash-key', phones.hashKeyId],
    ] as const) {
      const probe = new KmsKeyProbe(kms, keyId);
      probes.push({ name, kind: 'kms', check: (ms) => probe.check(ms) });
    }
  } else {
    const why = 'not used on this stage: phone numbers are sealed with the local key (PHONE_PROTECTION=local)';
    probes.push(unused('kms:phone-data-key', 'kms', why), unused('kms:phone-hash-key', 'kms', why));
  }

  // The database password's secret: read by every function that opens a PostgreSQL connection in AWS.
  const { url, secretArn } = config.database;
  if (!url && secretArn) {
    const probe = new SecretProbe(
      namingUnreachable(new SecretsManagerClient({ region: config.region, ...sdkClientOptions() })),
      secretArn,
    );
    probes.push({ name: 'secrets-manager:database', kind: 'secrets-manager', check: (ms) => probe.check(ms) });
  } else
    probes.push(
      unused(
        'secrets-manager:database',
        'secrets-manager',
        'not used on this stage: PostgreSQL is reached through DATABASE_URL',
      ),
    );

  const { kind, opsTopicArn } = config.notifier;
  if (kind === 'sns' && opsTopicArn) {
    const probe = new SnsTopicProbe(
      namingUnreachable(new SNSClient({ region: config.region, ...sdkClientOptions() })),
      opsTopicArn,
    );
    probes.push({ name: 'sns:ops-alerts', kind: 'sns', check: (ms) => probe.check(ms) });
  } else probes.push(unused('sns:ops-alerts', 'sns', 'not used on this stage: messages are logged (NOTIFIER=log)'));
  return probes;
}
