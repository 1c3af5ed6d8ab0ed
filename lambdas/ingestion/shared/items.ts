/** D5's stream records (DynamoDB Streams, NEW_IMAGE) as the events E1 wrote; used by L1 and F1. */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';

/** A D5 stream record as Lambda delivers it (aws-lambda's DynamoDBRecord) or the DynamoDB Streams API returns it (F1). */
export interface TableStreamRecord {
  readonly eventName?: string;
  readonly eventID?: string;
  readonly dynamodb?: { readonly NewImage?: Record<string, unknown>; readonly SequenceNumber?: string };
}

export interface StoredEvent {
  readonly id: string;
  readonly receivedAt: number;
  readonly partitionKey: string;
  readonly data: unknown;
  /** Stream sequence number of the INSERT (orders and names export objects). */
  readonly streamSequence: string;
}

/** INSERT records of the batch as stored events; other event types are not exports. Throws on a malformed image. */
export function insertedEvents(records: readonly TableStreamRecord[]): StoredEvent[] {
  const out: StoredEvent[] = [];
  for (const r of records) {
    if (r.eventName !== 'INSERT') continue;
    const image = r.dynamodb?.NewImage;
    if (!image) throw new Error(`D5 stream record ${r.eventID ?? '?'} has no NewImage (the stream must be NEW_IMAGE)`);
    const item = unmarshall(image as Record<string, AttributeValue>);
    if (typeof item.id !== 'string' || typeof item.receivedAt !== 'number') throw new Error(`D5 stream record ${r.eventID ?? '?'} is not an event item (id ${JSON.stringify(item.id)})`);
    out.push({ id: item.id, receivedAt: item.receivedAt, partitionKey: String(item.partitionKey ?? ''), data: item.data, streamSequence: r.dynamodb?.SequenceNumber ?? '0' });
  }
  return out;
}
