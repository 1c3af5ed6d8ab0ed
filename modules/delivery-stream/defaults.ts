/** Defaults of the DeliveryStream construct (AWS Solutions Constructs aws-kinesisstreams-kinesisfirehose-s3). */
export const DELIVERY_STREAM_DEFAULTS = {
  /** Seconds Firehose buffers before writing an object. */
  bufferingIntervalSeconds: 300,
  /** MiB Firehose buffers before writing an object. */
  bufferingSizeMiB: 5,
  compression: 'GZIP' as 'GZIP' | 'UNCOMPRESSED' | 'Snappy' | 'ZIP' | 'HADOOP_SNAPPY',
  /** Objects go under records/<year>/<month>/<day>/<hour>/. */
  prefix: 'records/!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}/!{timestamp:HH}/',
  /** Records Firehose could not deliver. */
  errorOutputPrefix: 'errors/!{firehose:error-output-type}/!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}/',
} as const;
