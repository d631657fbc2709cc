// KafkaJS ships GZIP only; zstd is registered as KafkaJS documents for codecs
// it lacks: a { compress(encoder), decompress(buffer) } pair, here over
// @mongodb-js/zstd (the library @kafkats/client detects too).
import { importPeer } from '../../lib/driver.js'

export async function registerZstd (kafkajs: { CompressionTypes: Record<string, number>, CompressionCodecs: Record<number, unknown> }): Promise<void> {
  const zstd = await importPeer('@mongodb-js/zstd')
  const { compress, decompress } = (zstd.default ?? zstd) as { compress: (b: Buffer, level: number) => Promise<Buffer>, decompress: (b: Buffer) => Promise<Buffer> }
  kafkajs.CompressionCodecs[kafkajs.CompressionTypes.ZSTD!] = () => ({
    compress: (encoder: { buffer: Buffer }) => compress(encoder.buffer, 3),
    decompress: (buffer: Buffer) => decompress(buffer),
  })
}
