/** {@link StreamsApi} over the AWS SDK's DynamoDB Streams client (DescribeStream pages, GetShardIterator, GetRecords). */
import { DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand, type DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { StreamShard, StreamsApi, StreamsPage } from './reader';

export function sdkStreamsApi(client: DynamoDBStreamsClient): StreamsApi {
  return {
    async listShards(streamArn) {
      const shards: StreamShard[] = [];
      let start: string | undefined;
      do {
        const res = await client.send(new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }));
        for (const s of res.StreamDescription?.Shards ?? []) shards.push({ shardId: s.ShardId!, parentShardId: s.ParentShardId });
        start = res.StreamDescription?.LastEvaluatedShardId;
      } while (start);
      return shards;
    },
    async shardIterator(streamArn, shardId, afterSequence) {
      const res = await client.send(
        new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ShardIteratorType: afterSequence ? 'AFTER_SEQUENCE_NUMBER' : 'TRIM_HORIZON', SequenceNumber: afterSequence }),
      );
      return res.ShardIterator;
    },
    async records(iterator, limit): Promise<StreamsPage> {
      const res = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: limit }));
      return { records: (res.Records ?? []) as StreamsPage['records'], nextIterator: res.NextShardIterator };
    },
  };
}
