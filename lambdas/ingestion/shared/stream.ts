/** Kinesis records as the ingestion functions see them, whichever driver delivers them (Lambda or the local poller). */
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';

export interface StreamRecord {
  /** Shard the record was read from, e.g. "shardId-000000000000". */
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  /** Base64 of the record's bytes (as Lambda delivers them). */
  readonly data: string;
  /** When Kinesis accepted the record (epoch ms). */
  readonly approximateArrivalMs: number;
}

/** The records of a Lambda Kinesis event. */
export function fromLambdaEvent(event: KinesisStreamEvent): StreamRecord[] {
  return event.Records.map(fromLambdaRecord);
}

export function fromLambdaRecord(r: KinesisStreamRecord): StreamRecord {
  return {
    shardId: r.eventID.split(':')[0],
    sequenceNumber: r.kinesis.sequenceNumber,
    partitionKey: r.kinesis.partitionKey,
    data: r.kinesis.data,
    approximateArrivalMs: Math.round(r.kinesis.approximateArrivalTimestamp * 1000),
  };
}

/** A Lambda Kinesis event of records (the local poller builds the same shape Lambda sends). */
export function toLambdaEvent(records: readonly StreamRecord[], eventSourceARN: string, region: string): KinesisStreamEvent {
  return {
    Records: records.map((r) => ({
      eventID: `${r.shardId}:${r.sequenceNumber}`,
      eventName: 'aws:kinesis:record',
      eventSource: 'aws:kinesis',
      eventSourceARN,
      eventVersion: '1.0',
      awsRegion: region,
      invokeIdentityArn: 'arn:aws:iam::000000000000:role/local',
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: r.partitionKey,
        sequenceNumber: r.sequenceNumber,
        data: r.data,
        approximateArrivalTimestamp: r.approximateArrivalMs / 1000,
      },
    })),
  };
}

/** Kinesis sequence numbers are decimal strings of up to 128 digits: compare them as integers. */
export function compareSequence(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
