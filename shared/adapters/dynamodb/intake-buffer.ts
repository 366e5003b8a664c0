// DynamoDB intake buffer: holds emergencies accepted while PostgreSQL was unreachable, until they are replayed.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { IdempotencyMark, NewEmergency } from '#shared/domain/emergency.js';
import type { IntakeBuffer, IntakeJournal } from '#shared/ports/intake-buffer.js';

/** The key GET /health probes the buffer with; never stored. */
export const INTAKE_PROBE_ID = 'health-probe';

type BufferedItem = Omit<NewEmergency, 'createdAt' | 'slaDeadline' | 'idempotency'> & {
  createdAt: string;
  slaDeadline: string;
  idempotency?: Omit<IdempotencyMark, 'answerDueBy'> & { answerDueBy: string };
};

const toItem = ({ idempotency, ...r }: NewEmergency): BufferedItem => ({
  ...r,
  createdAt: r.createdAt.toISOString(),
  slaDeadline: r.slaDeadline.toISOString(),
  ...(idempotency ? { idempotency: { ...idempotency, answerDueBy: idempotency.answerDueBy.toISOString() } } : {}),
});
const fromItem = ({ idempotency, ...i }: BufferedItem): NewEmergency => ({
  ...i,
  createdAt: new Date(i.createdAt),
  slaDeadline: new Date(i.slaDeadline),
  ...(idempotency ? { idempotency: { ...idempotency, answerDueBy: new Date(idempotency.answerDueBy) } } : {}),
});

/** Journal copies share the table under their own key prefix, so nothing that reads the buffer ever sees them. */
export const JOURNAL_PREFIX = 'journal#';

export class DynamoIntakeBuffer implements IntakeBuffer {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async hold(request: NewEmergency): Promise<NewEmergency> {
    try {
      // One call either way: a refused put hands back the item already held (ReturnValuesOnConditionCheckFailure).
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: toItem(request),
          ConditionExpression: 'attribute_not_exists(id)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return request;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException && error.Item)
        return fromItem(unmarshall(error.Item) as BufferedItem);
      throw error;
    }
  }

  async find(id: string): Promise<NewEmergency | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { id }, ConsistentRead: true }),
    );
    return Item ? fromItem(Item as BufferedItem) : undefined;
  }

  async list(limit: number): Promise<NewEmergency[]> {
    // The buffer is empty except during a database outage, so a bounded scan is the cheapest read. Journal copies
    // (a couple of minutes of intakes) are filtered out, so the scan goes on until it has `limit` or reaches the end.
    const found: NewEmergency[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new ScanCommand({
          TableName: this.tableName,
          ConsistentRead: true,
          FilterExpression: 'NOT begins_with(id, :journal)',
          ExpressionAttributeValues: { ':journal': JOURNAL_PREFIX },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) if (found.length < limit) found.push(fromItem(item as BufferedItem));
      start = page.LastEvaluatedKey;
    } while (start && found.length < limit);
    return found;
  }

  async release(id: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { id } }));
  }

  /**
   * A put that DynamoDB must refuse: it only succeeds if the probe item already exists, which it never does. Getting
   * ConditionalCheckFailed back proves the table is there, accepts writes and that we may write, and stores nothing
   * the drain would replay. (GET /health's role may put only this key: IAM dynamodb:LeadingKeys.)
   */
  async probeWritable(timeoutMs: number): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { id: INTAKE_PROBE_ID },
          ConditionExpression: 'attribute_exists(id)',
        }),
        {
          abortSignal: AbortSignal.timeout(timeoutMs),
        },
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return;
      throw error;
    }
    throw new Error('the intake probe item exists, so the buffer holds something that is not an emergency');
  }

  async ping(timeoutMs: number): Promise<void> {
    await this.db.send(new DescribeTableCommand({ TableName: this.tableName }), {
      abortSignal: AbortSignal.timeout(timeoutMs),
    });
  }
}

/** The intake journal (ports/intake-buffer.ts): copies of stored intakes in the buffer table, under JOURNAL_PREFIX. */
export class DynamoIntakeJournal implements IntakeJournal {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async keep(request: NewEmergency, until: Date): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...toItem(request),
          id: `${JOURNAL_PREFIX}${request.id}`,
          requestId: request.id,
          keptUntil: until.toISOString(),
        },
      }),
    );
  }

  async kept(): Promise<Array<{ request: NewEmergency; keptUntil: Date }>> {
    const kept: Array<{ request: NewEmergency; keptUntil: Date }> = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: 'begins_with(id, :journal)',
          ExpressionAttributeValues: { ':journal': JOURNAL_PREFIX },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        const { requestId, keptUntil, ...rest } = item as BufferedItem & { requestId: string; keptUntil: string };
        kept.push({ request: fromItem({ ...rest, id: requestId }), keptUntil: new Date(keptUntil) });
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return kept;
  }

  async forget(id: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { id: `${JOURNAL_PREFIX}${id}` } }));
  }
}
