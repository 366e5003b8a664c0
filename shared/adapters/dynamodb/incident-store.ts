// Incidents in the scaling-state table (DynamoDB), not PostgreSQL: the record must be writable while PostgreSQL is
// the incident (frozen, failed over), and it replicates to the DR region with the table. Items, by pk:
//   incident#<id>          the record (JSON) and its version; every save is conditional on the version read
//   incident-cause#<cause> the open incident for a cause: one per cause, claimed in the same transaction
//   incidents#open         the ids of the unresolved incidents (a string set)
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Incident } from '#shared/domain/incident.js';
import type { IncidentStore, StoredIncident } from '#shared/ports/incidents.js';

const recordKey = (id: string) => ({ pk: `incident#${id}` });
const causeKey = (cause: string) => ({ pk: `incident-cause#${cause}` });
const openKey = { pk: 'incidents#open' } as const;

/** The id one second later: two causes opened in the same second get distinct ids. */
const nextSecond = (id: string) => {
  const m = /^INC-(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})$/.exec(id)!;
  const at = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]! + 1));
  const iso = at.toISOString();
  return `INC-${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}`;
};

export class DynamoIncidentStore implements IncidentStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async openOrJoin(draft: Incident): Promise<StoredIncident & { joined: boolean }> {
    let candidate = draft;
    for (let attempt = 0; attempt < 10; attempt++) {
      try {
        await this.db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: this.tableName,
                  Item: { ...causeKey(candidate.cause), incidentId: candidate.id },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              {
                Put: {
                  TableName: this.tableName,
                  Item: { ...recordKey(candidate.id), record: JSON.stringify(candidate), version: 1 },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              {
                Update: {
                  TableName: this.tableName,
                  Key: openKey,
                  UpdateExpression: 'ADD ids :id',
                  ExpressionAttributeValues: { ':id': new Set([candidate.id]) },
                },
              },
            ],
          }),
        );
        return { incident: candidate, version: 1, joined: false };
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const [cause, record] = error.CancellationReasons ?? [];
        if (cause?.Code === 'ConditionalCheckFailed') {
          const claimed = await this.db.send(
            new GetCommand({ TableName: this.tableName, Key: causeKey(draft.cause), ConsistentRead: true }),
          );
          const existing = claimed.Item ? await this.get(String(claimed.Item.incidentId)) : undefined;
          // Resolved between the two reads: its cause is free again, so try to open afresh.
          if (existing) return { ...existing, joined: true };
          continue;
        }
        if (record?.Code === 'ConditionalCheckFailed') {
          candidate = { ...candidate, id: nextSecond(candidate.id) };
          continue;
        }
        throw error;
      }
    }
    throw new Error(`could not open an incident for ${draft.cause}: ten attempts collided`);
  }

  async get(id: string): Promise<StoredIncident | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: recordKey(id), ConsistentRead: true }),
    );
    return Item ? { incident: JSON.parse(String(Item.record)) as Incident, version: Number(Item.version) } : undefined;
  }

  async listOpen(): Promise<StoredIncident[]> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: openKey, ConsistentRead: true }),
    );
    const ids = [...((Item?.ids as Set<string> | undefined) ?? [])].sort();
    const found: StoredIncident[] = [];
    for (let i = 0; i < ids.length; i += 100) {
      const batch = await this.db.send(
        new BatchGetCommand({
          RequestItems: { [this.tableName]: { Keys: ids.slice(i, i + 100).map(recordKey), ConsistentRead: true } },
        }),
      );
      for (const item of batch.Responses?.[this.tableName] ?? [])
        found.push({ incident: JSON.parse(String(item.record)) as Incident, version: Number(item.version) });
    }
    return found.sort((a, b) => a.incident.id.localeCompare(b.incident.id));
  }

  async save(incident: Incident, version: number): Promise<boolean> {
    const resolved = incident.status === 'resolved';
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { ...recordKey(incident.id), record: JSON.stringify(incident), version: version + 1 },
                ConditionExpression: 'version = :v',
                ExpressionAttributeValues: { ':v': version },
              },
            },
            ...(resolved
              ? [
                  {
                    Delete: {
                      TableName: this.tableName,
                      Key: causeKey(incident.cause),
                      ConditionExpression: 'attribute_not_exists(pk) OR incidentId = :id',
                      ExpressionAttributeValues: { ':id': incident.id },
                    },
                  },
                  {
                    Update: {
                      TableName: this.tableName,
                      Key: openKey,
                      UpdateExpression: 'DELETE ids :id',
                      ExpressionAttributeValues: { ':id': new Set([incident.id]) },
                    },
                  },
                ]
              : []),
          ],
        }),
      );
      return true;
    } catch (error) {
      if (
        error instanceof TransactionCanceledException &&
        error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed'
      )
        return false;
      throw error;
    }
  }
}
