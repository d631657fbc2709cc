/**
 * Record batches (magic v2): encoding for the producer, decoding for the
 * consumer, CRC-32C and the compression codecs.
 */
export {
  RecordBatchBuilder, restampProducerState, setPartitionLeaderEpoch, recordSizeInBytes,
  estimateSizeInBytesUpperBound, RECORD_BATCH_OVERHEAD, CURRENT_MAGIC, BATCH_OFFSETS,
  ATTR_COMPRESSION_MASK, ATTR_TIMESTAMP_TYPE, ATTR_TRANSACTIONAL, ATTR_CONTROL, ATTR_DELETE_HORIZON,
  type RecordHeader, type RecordBatchBuilderOptions, type BuildOptions, type ProducerStamp,
} from './batch.js'
export {
  readBatches, decodeRecords, parseRecords, decodeControlRecordKey, decodeEndTransactionMarker, ControlRecordType,
  type RecordBatch, type DecodedRecord, type TimestampType, type ReadBatchesOptions, type DecodeRecordsOptions,
  type ControlRecordKey, type EndTransactionMarker,
} from './decode.js'
export { crc32c, crc32cJs, crc32cIsNative, crc32cImplementation } from './crc32c.js'
export {
  compress, decompress, codecFromId, assertCodecAvailable, COMPRESSION_CODEC_IDS, DEFAULT_MAX_DECOMPRESSED_BYTES,
  type CompressionCodec, type CompressOptions,
} from './compression/index.js'
