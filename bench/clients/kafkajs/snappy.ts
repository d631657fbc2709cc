// KafkaJS ships GZIP only; Snappy is the kafkajs-snappy codec package (pure
// JavaScript, over snappyjs), registered as KafkaJS documents.
import { importPeer } from '../../lib/driver.js'

export async function registerSnappy (kafkajs: { CompressionTypes: Record<string, number>, CompressionCodecs: Record<number, unknown> }): Promise<void> {
  const SnappyCodec = await importPeer('kafkajs-snappy')
  kafkajs.CompressionCodecs[kafkajs.CompressionTypes.Snappy!] = SnappyCodec.default ?? SnappyCodec
}
