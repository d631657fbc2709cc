// KafkaJS ships GZIP only; LZ4 is the kafkajs-lz4 codec package (native lz4
// binding), registered once per process for the producer and the consumer.
import { importPeer } from '../../lib/driver.js'

export async function registerLz4 (kafkajs: { CompressionTypes: Record<string, number>, CompressionCodecs: Record<number, unknown> }): Promise<void> {
  const LZ4 = await importPeer('kafkajs-lz4')
  kafkajs.CompressionCodecs[kafkajs.CompressionTypes.LZ4!] = new (LZ4.default ?? LZ4)().codec
}
