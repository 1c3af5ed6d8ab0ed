/** L1's export objects and F1's summaries from D5 stream records (pure cores). */
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { insertedEvents } from '../../../lambdas/ingestion/shared/items';
import { exportObject } from '../../../lambdas/ingestion/l1-exporter/core';
import { summarize } from '../../../lambdas/ingestion/f1-summarizer/core';

const at = Date.UTC(2026, 11, 4, 14, 5, 30);
const insert = (id: string, pk: string, receivedAt: number, seq: string): DynamoDBRecord => ({
  eventName: 'INSERT',
  eventID: `ev-${id}`,
  dynamodb: { SequenceNumber: seq, NewImage: marshall({ id, receivedAt, partitionKey: pk, data: { v: id } }) as never },
});

test('L1: one NDJSON object per batch, INSERTs only, keyed by the batch (a retry overwrites it)', () => {
  const events = insertedEvents([insert('a', 'p1', at, '100'), { eventName: 'REMOVE', eventID: 'x', dynamodb: {} }, insert('b', 'p2', at + 1, '101')]);
  const o = exportObject(events)!;
  expect(o.key).toBe('events/2026/12/04/14/100-2.ndjson');
  expect(o.body.trim().split('\n').map((l) => JSON.parse(l))).toEqual([
    { id: 'a', receivedAt: at, partitionKey: 'p1', data: { v: 'a' } },
    { id: 'b', receivedAt: at + 1, partitionKey: 'p2', data: { v: 'b' } },
  ]);
  expect(exportObject(events)).toEqual(o);
  expect(exportObject([])).toBeUndefined();
});

test('a D5 record that is not an event item is an error naming it', () => {
  expect(() => insertedEvents([{ eventName: 'INSERT', eventID: 'bad-1', dynamodb: { NewImage: marshall({ other: 1 }) as never } }])).toThrow(/bad-1 is not an event item/);
});

test('F1: counts per minute and partition key', () => {
  const s = summarize(insertedEvents([insert('a', 'p1', at, '1'), insert('b', 'p1', at + 10_000, '2'), insert('c', 'p0', at + 40_000, '3')]));
  expect(s).toEqual([
    { key: 'summaries/2026-12-04T14:05/1.json', minute: '2026-12-04T14:05', events: 2, byPartitionKey: { p1: 2 } },
    { key: 'summaries/2026-12-04T14:06/3.json', minute: '2026-12-04T14:06', events: 1, byPartitionKey: { p0: 1 } },
  ]);
});
