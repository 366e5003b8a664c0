// Loads many available technicians into the technician index fast, as the adapter would leave them (bench and tests).
import { isDeepStrictEqual } from 'node:util';
import { BatchWriteCommand, GetCommand, type BatchWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import ngeohash from 'ngeohash';
import { makeDocumentClient } from '#shared/adapters/dynamodb/client.js';
import { partitionOf, type Candidate } from '#shared/domain/geo.js';
import type { AllDeps } from '../local/all-deps.js';
import { closedLoop } from './load.js';

/** The item recordLocation + setAvailability('available') leave for a new technician: checked against the adapter below. */
function availableTechnicianItem(t: Candidate, recordedAt: Date): Record<string, unknown> {
  const geohash = ngeohash.encode(t.location.lat, t.location.lon, 9);
  const cell = partitionOf(geohash);
  const key = `${geohash}#${t.id}`;
  return {
    technicianId: t.id,
    lat: t.location.lat,
    lon: t.location.lon,
    geohash,
    cell,
    cellKey: key,
    recordedAt: recordedAt.toISOString(),
    accuracyMeters: null,
    heading: null,
    status: 'available',
    dispatchCell: cell,
    dispatchKey: key,
  };
}

/**
 * Loads technicians into our index. Through the adapter, each costs three UpdateItems (about 4 minutes for 50k here),
 * so the first few go through the adapter and must come out identical to the item the rest are batch-written as.
 */
export async function loadAvailableTechnicians(deps: Pick<AllDeps, 'dynamo' | 'technicians'>, tableName: string, technicians: readonly Candidate[], recordedAt: Date): Promise<void> {
  const documents = makeDocumentClient(deps.dynamo);
  const viaAdapter = technicians.slice(0, 10);
  for (const t of viaAdapter) {
    await deps.technicians.recordLocation(t.id, { location: t.location, recordedAt });
    await deps.technicians.setAvailability(t.id, 'available');
    const { Item } = await documents.send(new GetCommand({ TableName: tableName, Key: { technicianId: t.id } }));
    if (!isDeepStrictEqual(Item, availableTechnicianItem(t, recordedAt))) {
      throw new Error(`the benchmark's bulk item no longer matches what the adapter writes: ${JSON.stringify(Item)}`);
    }
  }
  const rest = technicians.slice(viaAdapter.length);
  const batches: Candidate[][] = [];
  for (let i = 0; i < rest.length; i += 25) batches.push(rest.slice(i, i + 25));
  const result = await closedLoop({
    concurrency: 8,
    total: batches.length,
    run: async (_worker, seq) => {
      let request: BatchWriteCommandInput['RequestItems'] = { [tableName]: batches[seq]!.map((t) => ({ PutRequest: { Item: availableTechnicianItem(t, recordedAt) } })) };
      for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
        if (attempt > 10) throw new Error('loading our index: items stayed unprocessed');
        request = (await documents.send(new BatchWriteCommand({ RequestItems: request }))).UnprocessedItems;
      }
    },
  });
  if (result.errors) throw new Error(`loading our index failed: ${JSON.stringify(result.errorKinds)}`);
}

