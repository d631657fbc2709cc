import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { randomBytes } from 'node:crypto'
import { gzipSync } from 'node:zlib'
import {
  compress, decompress, codecFromId, assertCodecAvailable, COMPRESSION_CODEC_IDS, DEFAULT_MAX_DECOMPRESSED_BYTES, type CompressionCodec,
} from '../../../src/protocol/records/compression/index.js'
import { compressLz4Behind, compressLz4WithPackage, lz4DecompressedBound, lz4NativeDecoder, lz4NativeEncoder, xxh32Short } from '../../../src/protocol/records/compression/lz4.js'
import { LZ4_COMPRESS_SYNC_MAX_BYTES } from '../../../src/protocol/records/compression/common.js'
import { compressSnappyBehind, compressSnappyWithPackage, snappyNativeDecoder, snappyNativeEncoder } from '../../../src/protocol/records/compression/snappy.js'
import { compressZstdBehind, zstdDecompressedBound, zstdNative } from '../../../src/protocol/records/compression/zstd.js'
import { loadOptional, tryLoadNative } from '../../../src/protocol/records/optional.js'
import { KafkaError, ProtocolError } from '../../../src/errors.js'

const require = createRequire(import.meta.url)
const snappy = require('snappy') as typeof import('snappy')
const lz4 = require('lz4-napi') as typeof import('lz4-napi')
const zstdPackage = require('@mongodb-js/zstd') as typeof import('@mongodb-js/zstd')

const CODECS: CompressionCodec[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd']

function compressible(n: number): Buffer {
  const b = Buffer.allocUnsafe(n)
  for (let i = 0; i < n; i++) b[i] = 'kafka record batch '.charCodeAt(i % 19) ^ ((i >> 10) & 3)
  return b
}

test('codec attribute ids are Kafka\'s', () => {
  assert.deepEqual(COMPRESSION_CODEC_IDS, { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 })
  for (const c of CODECS) assert.equal(codecFromId(COMPRESSION_CODEC_IDS[c]), c)
  for (const bad of [5, 6, 7]) assert.throws(() => codecFromId(bad), ProtocolError)
})

for (const codec of CODECS) {
  test(`${codec}: round trip of empty, tiny, random and large compressible inputs`, async () => {
    const large = compressible(1_500_000)
    for (const input of [Buffer.alloc(0), Buffer.from('x'), randomBytes(100_000), large]) {
      const packed = await compress(codec, input)
      if (codec !== 'none' && input === large) {
        assert.ok(packed.length < input.length / 4, `${codec} should compress`)
      }
      const unpacked = await decompress(codec, packed)
      assert.ok(unpacked.equals(input), `${codec} round trip of ${input.length} bytes`)
    }
  })

  if (codec !== 'none') {
    test(`${codec}: corrupt input is a ProtocolError`, async () => {
      const packed = await compress(codec, compressible(200_000))
      const damaged = Buffer.from(packed)
      for (let i = Math.floor(damaged.length / 3); i < damaged.length; i += 7) damaged[i] ^= 0x5a
      await assert.rejects(decompress(codec, damaged), ProtocolError)
      await assert.rejects(decompress(codec, Buffer.from('definitely not compressed data')), ProtocolError)
    })

    test(`${codec}: a decompression bomb is refused with a ProtocolError`, async () => {
      const packed = await compress(codec, Buffer.alloc(8 * 1024 * 1024))
      assert.ok(packed.length < 512 * 1024)
      await assert.rejects(decompress(codec, packed, 1024 * 1024), (err: unknown) => {
        assert.ok(err instanceof ProtocolError)
        assert.equal(err.type, 'DECOMPRESSED_TOO_LARGE')
        return true
      })
      // The same data is fine under a limit it fits in.
      assert.equal((await decompress(codec, packed, 8 * 1024 * 1024)).length, 8 * 1024 * 1024)
    })
  }
}

test('the default decompression limit is 256 MiB', () => {
  assert.equal(DEFAULT_MAX_DECOMPRESSED_BYTES, 256 * 1024 * 1024)
})

// ---- snappy ----

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00])

test('snappy: output is xerial-framed like snappy-java (magic, version 1, compat 1, 32 KiB blocks)', async () => {
  const input = compressible(100_000)
  const out = await compress('snappy', input)
  assert.ok(out.subarray(0, 8).equals(XERIAL_MAGIC))
  assert.equal(out.readInt32BE(8), 1)
  assert.equal(out.readInt32BE(12), 1)
  // Walk the blocks and decode each one as raw snappy independently.
  const parts: Buffer[] = []
  let at = 16
  while (at < out.length) {
    const n = out.readInt32BE(at)
    const block = out.subarray(at + 4, at + 4 + n)
    parts.push(snappy.uncompressSync(block, { asBuffer: true }) as Buffer)
    at += 4 + n
  }
  assert.equal(at, out.length)
  assert.deepEqual(parts.map((p) => p.length), [32768, 32768, 32768, 100_000 - 3 * 32768])
  assert.ok(Buffer.concat(parts).equals(input))
})

test('snappy: raw (unframed) snappy decodes too', async () => {
  const input = compressible(70_000)
  const raw = snappy.compressSync(input)
  assert.ok(!raw.subarray(0, 8).equals(XERIAL_MAGIC))
  assert.ok((await decompress('snappy', raw)).equals(input))
})

test('snappy: concatenated xerial streams decode (as snappy-java reads them)', async () => {
  const a = compressible(40_000)
  const b = randomBytes(5000)
  const joined = Buffer.concat([await compress('snappy', a), await compress('snappy', b)])
  assert.ok((await decompress('snappy', joined)).equals(Buffer.concat([a, b])))
})

test('snappy: hand-built xerial stream with a Java-style header decodes', async () => {
  const blockA = snappy.compressSync(Buffer.from('hello, '))
  const blockB = snappy.compressSync(Buffer.from('kafka'))
  const header = Buffer.alloc(16)
  XERIAL_MAGIC.copy(header)
  header.writeInt32BE(1, 8)
  header.writeInt32BE(1, 12)
  const len = (n: number) => { const b = Buffer.alloc(4); b.writeInt32BE(n); return b }
  const stream = Buffer.concat([header, len(blockA.length), blockA, len(blockB.length), blockB])
  assert.equal((await decompress('snappy', stream)).toString(), 'hello, kafka')
})

test('snappy: declared sizes above the limit are refused before decompressing', async () => {
  // Raw snappy whose preamble claims 2^31 bytes.
  const claim = Buffer.from([0x80, 0x80, 0x80, 0x80, 0x08, 0x00])
  await assert.rejects(decompress('snappy', claim, 1 << 20), /more than the limit/)
  // A xerial stream of many blocks that each decode to 64 KiB of zeros.
  const block = snappy.compressSync(Buffer.alloc(65536))
  const header = Buffer.concat([XERIAL_MAGIC, Buffer.from([0, 0, 0, 1, 0, 0, 0, 1])])
  const parts: Buffer[] = [header]
  for (let i = 0; i < 100; i++) {
    const len = Buffer.alloc(4)
    len.writeInt32BE(block.length)
    parts.push(len, block)
  }
  await assert.rejects(decompress('snappy', Buffer.concat(parts), 1 << 20), /more than the limit/)
  assert.equal((await decompress('snappy', Buffer.concat(parts))).length, 100 * 65536)
})

test('snappy: a xerial block length running past the end is a ProtocolError', async () => {
  const out = await compress('snappy', compressible(1000))
  out.writeInt32BE(1 << 30, 16)
  await assert.rejects(decompress('snappy', out), ProtocolError)
})

for (const [codec, built] of [['snappy', snappyNativeDecoder && snappyNativeEncoder], ['lz4', lz4NativeDecoder && lz4NativeEncoder], ['zstd', zstdNative]] as const) {
  test(`${codec}: samsa's native module is built and used on Linux (CI builds it with --required)`, () => {
    if (process.platform === 'linux' && process.env.SAMSA_NATIVE !== '0') {
      assert.equal(built, true, `native/build/${codec}.node is missing or does not load: run \`npm run build:native\` (needs a C compiler)`)
    } else {
      assert.equal(typeof built, 'boolean')
    }
  })
}

const snappyNative = { skip: !snappyNativeDecoder && 'samsa\'s native Snappy decoder is not built here' }

/** `n` bytes mixing a small vocabulary with random bytes (`randomShare` of them). */
function mixed(n: number, randomShare: number): Buffer {
  const words = ['"user"', '"page_view"', '{', '}', ',', '"amount":', 'a', 'bb', 'kafka record ']
  const b = Buffer.alloc(n)
  for (let o = 0; o < n;) {
    if (Math.random() < randomShare) b[o++] = Math.floor(Math.random() * 256)
    else o += b.write(words[Math.floor(Math.random() * words.length)]!, o)
  }
  return b
}

test('snappy: the native decoder and the snappy package agree on xerial and raw data of every size and content', snappyNative, async () => {
  const inputs = [Buffer.alloc(0), Buffer.from('x'), compressible(63), mixed(16_384, 0.3), compressible(32_768), compressible(32_769),
    randomBytes(40_000), mixed(100_000, 0.05), Buffer.alloc(1_500_000, 7), mixed(2_500_000, 0.2)]
  for (const input of inputs) {
    const xerial = await compress('snappy', input)
    assert.ok((await decompress('snappy', xerial)).equals(input), `${input.length} bytes, xerial`)
    const raw = snappy.compressSync(input)
    assert.ok((await decompress('snappy', raw)).equals(input), `${input.length} bytes, raw`)
  }
})

test('snappy: the native block decoder fills a buffer of exactly the declared size and writes nothing past it', snappyNative, () => {
  const decode = tryLoadNative<{ snappyDecodeBlock: (src: Uint8Array, dst: Uint8Array, pos: number) => number }>('snappy.node')!.snappyDecodeBlock
  for (let i = 0; i < 300; i++) {
    const n = 1 + Math.floor(Math.random() * (i < 200 ? 300 : 70_000))
    const input = mixed(n, i % 3 === 0 ? 0.6 : 0.2)
    const block = snappy.compressSync(input)
    const lead = i % 9 // decoding behind other output, which no copy may reach
    const room = Buffer.alloc(lead + n + 64, 0xee)
    assert.equal(decode(block, room.subarray(0, lead + n), lead), lead + n, `${n} bytes`)
    assert.ok(room.subarray(lead, lead + n).equals(input), `${n} bytes decoded`)
    assert.ok(room.subarray(lead + n).every((b) => b === 0xee), `${n} bytes: nothing written past the end`)
    assert.equal(decode(block, Buffer.alloc(lead + n - 1), lead), -2, 'less room than declared is refused')
  }
})

test('snappy: malformed blocks are a ProtocolError naming what is wrong', snappyNative, async () => {
  const cases: Array<[Buffer, RegExp]> = [
    [Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]), /bad length preamble/],
    [Buffer.from([0x05, 0x10, 0x61]), /literal runs past the end of the block/],
    [Buffer.from([0x05, 0xf4]), /element is truncated/], // a literal whose 1-byte length is missing
    [Buffer.from([0x05, 0x02]), /element is truncated/], // a 2-byte-offset copy with no offset
    [Buffer.from([0x05, 0x00, 0x61, 0x01, 0x00]), /copy refers to before the start of the block/], // offset 0
    [Buffer.from([0x05, 0x00, 0x61, 0x01, 0x02]), /copy refers to before the start of the block/], // 2 back, 1 written
    [Buffer.from([0x02, 0x08, 0x61, 0x62, 0x63]), /decodes to more than it declares/],
    [Buffer.from([0x05, 0x04, 0x61, 0x62]), /decodes to less than it declares/],
  ]
  for (const [block, message] of cases) await assert.rejects(decompress('snappy', block), (e: unknown) => e instanceof ProtocolError && message.test(e.message), message.source)
})

test('snappy: randomly damaged streams decode or fail with a ProtocolError', snappyNative, async () => {
  const input = Buffer.concat([compressible(70_000), randomBytes(2_000), mixed(9_000, 0.3)])
  const good = await compress('snappy', input)
  let failed = 0
  for (let i = 0; i < 3000; i++) {
    const bad = Buffer.from(good)
    for (let k = 1 + (i % 4); k > 0; k--) bad[16 + Math.floor(Math.random() * (bad.length - 16))] = Math.floor(Math.random() * 256)
    try {
      await decompress('snappy', bad)
    } catch (e) {
      assert.ok(e instanceof ProtocolError, `not a ProtocolError: ${String(e)}`)
      failed++
    }
  }
  assert.ok(failed > 0, 'some damage must be caught')
})

const snappyEncoder = { skip: !snappyNativeEncoder && 'samsa\'s native Snappy encoder is not built here' }

test('snappy: golden bytes of samsa\'s block encoder', snappyEncoder, () => {
  const encode = tryLoadNative<{ snappyEncodeBlock: (src: Uint8Array, dst: Uint8Array, pos: number, end: number) => number }>('snappy.node')!.snappyEncodeBlock
  // "kafka " ten times: the length 60 (0x3c), a 6-byte literal (tag 5 << 2), then one copy of 54 bytes 6 back
  // (a copy with a 2-byte offset, tag (54 - 1) << 2 | 2 = 0xd6, since a 1-byte-offset copy holds at most 11).
  const out = Buffer.alloc(100)
  const n = encode(Buffer.from('kafka '.repeat(10)), out, 0, 100)
  assert.equal(out.subarray(0, n).toString('hex'), '3c' + '14' + Buffer.from('kafka ').toString('hex') + 'd6' + '0600')
  // A short copy close by takes the 2-byte form: "abcdabcdX" is 4 literals, a 4-byte copy 4 back (tag 0x01, offset 4), 1 literal.
  const m = encode(Buffer.from('abcdabcdX'), out, 0, 100)
  assert.equal(out.subarray(0, m).toString('hex'), '09' + '0c' + Buffer.from('abcd').toString('hex') + '0104' + '00' + Buffer.from('X').toString('hex'))
})

test('snappy: samsa\'s block encoder writes blocks both decoders read, within the room it is given', snappyEncoder, () => {
  const encode = tryLoadNative<{ snappyEncodeBlock: (src: Uint8Array, dst: Uint8Array, pos: number, end: number) => number }>('snappy.node')!.snappyEncodeBlock
  const decode = tryLoadNative<{ snappyDecodeBlock: (src: Uint8Array, dst: Uint8Array, pos: number) => number }>('snappy.node')!.snappyDecodeBlock
  const inputs: Buffer[] = []
  for (let n = 0; n <= 40; n++) inputs.push(compressible(n), Buffer.alloc(n, 9), randomBytes(n))
  for (let i = 0; i < 200; i++) inputs.push(mixed(1 + Math.floor(Math.random() * 65_536), [0, 0.05, 0.3, 0.9][i % 4]!))
  inputs.push(Buffer.alloc(65_536), randomBytes(65_536), compressible(65_536), Buffer.from('ab'.repeat(30_000)))
  for (const input of inputs) {
    const worst = 32 + input.length + Math.floor(input.length / 6)
    const dst = Buffer.alloc(5 + worst + 64, 0xee)
    const n = encode(input, dst, 5, 5 + worst)
    assert.ok(n > 0 && n <= worst, `${input.length} bytes: ${n} written`)
    assert.ok(dst.subarray(0, 5).every((b) => b === 0xee) && dst.subarray(5 + worst).every((b) => b === 0xee), 'nothing written outside [pos, end)')
    const block = dst.subarray(5, 5 + n)
    assert.ok((snappy.uncompressSync(block, { asBuffer: true }) as Buffer).equals(input), `${input.length} bytes: the snappy package's decoder`)
    const back = Buffer.alloc(input.length)
    assert.equal(decode(block, back, 0), input.length)
    assert.ok(back.equals(input), `${input.length} bytes: samsa's decoder`)
    if (n > 1) {
      const tight = Buffer.alloc(n + 64, 0xee)
      assert.equal(encode(input, tight, 0, n - 1), 0, 'one byte short: 0')
      assert.ok(tight.subarray(n - 1).every((b) => b === 0xee))
    }
  }
  const some = randomBytes(100)
  for (const bad of [() => encode(Buffer.alloc(65_537), Buffer.alloc(80_000), 0, 80_000), () => encode(some, Buffer.alloc(10), 5, 4),
    () => encode(some, Buffer.alloc(10), 0, 11), () => encode(some, 'x' as unknown as Uint8Array, 0, 1)]) {
    assert.throws(bad, TypeError)
  }
})

test('snappy: compressSnappyBehind writes the xerial stream into output when it fits, else into a new buffer', snappyEncoder, async () => {
  for (const input of [compressible(3000), mixed(200_000, 0.1), randomBytes(100_000), mixed(300_000, 0.1)]) {
    const alone = await compress('snappy', input)
    assert.ok((await decompress('snappy', alone)).equals(input))
    assert.ok((await decompress('snappy', await compressSnappyWithPackage(input))).equals(input))
    const output = Buffer.alloc(61 + alone.length + 10, 0xab)
    const into = await compressSnappyBehind(input, 61, output)
    assert.ok(into.subarray(0, 61).equals(Buffer.alloc(61, 0xab)), 'the headroom is not written')
    assert.ok(into.subarray(61).equals(alone))
    if (input.length <= LZ4_COMPRESS_SYNC_MAX_BYTES) assert.equal(into.buffer, output.buffer, 'the native encoder writes into output')
    for (const tight of [Buffer.alloc(61 + Math.floor(alone.length / 2), 0xab), Buffer.alloc(10)]) {
      const fresh = await compressSnappyBehind(input, 61, tight)
      assert.notEqual(fresh.buffer, tight.buffer)
      assert.ok(fresh.subarray(61).equals(alone), `${input.length} bytes into ${tight.length}`)
      assert.ok(fresh.length * 2 >= fresh.buffer.byteLength || fresh.length <= Buffer.poolSize >>> 1, 'no mostly unused buffer is kept behind the stream')
    }
  }
})

// ---- lz4 ----

test('lz4: xxHash32 of short inputs (the header checksum) matches the reference vectors', () => {
  assert.equal(xxh32Short(Buffer.alloc(0)), 0x02cc5d05)
  assert.equal(xxh32Short(Buffer.from('a')), 0x550d7456)
  assert.equal(xxh32Short(Buffer.from('abc')), 0x32d153ff)
})

test('lz4: output is an LZ4 frame Java accepts: version 01, independent blocks, correct header checksum', async () => {
  for (const input of [Buffer.from('hello'), compressible(300_000), randomBytes(70_000)]) {
    const out = await compress('lz4', input)
    assert.equal(out.readUInt32LE(0), 0x184d2204)
    const flg = out[4]!
    const bd = out[5]!
    assert.equal(flg >>> 6, 1, 'version 01')
    assert.equal(flg & 0x20, 0x20, 'block independence (Java rejects dependent blocks)')
    assert.equal(flg & 0x03, 0, 'reserved bit and dictionary id clear')
    assert.equal(flg & 0x08, 0, 'no content size')
    const blockSizeId = (bd >>> 4) & 7
    assert.ok(blockSizeId >= 4 && blockSizeId <= 7, 'block size Java accepts')
    assert.equal(bd & 0x8f, 0, 'BD reserved bits clear')
    // The header checksum covers FLG and BD only (Kafka's old broken form also hashed the magic).
    assert.equal(out[6], (xxh32Short(out.subarray(4, 6)) >>> 8) & 0xff)
    assert.equal(out.readUInt32LE(out.length - 4), 0, 'ends with the end mark (no content checksum)')
  }
})

test('lz4: a frame laid out as Java\'s Lz4BlockOutputStream writes it decodes', async () => {
  const first = compressible(65536) // a full 64 KiB block, compressed
  const second = Buffer.from('an incompressible tail stored raw')
  const rawBlock = lz4.compressSync(first).subarray(4) // lz4-napi prefixes the size; the block follows
  const descriptor = Buffer.from([0x60, 0x40]) // FLG: version 01, independent; BD: 64 KiB
  const hc = (xxh32Short(descriptor) >>> 8) & 0xff
  const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(n >>> 0); return b }
  const frame = Buffer.concat([
    u32(0x184d2204), descriptor, Buffer.from([hc]),
    u32(rawBlock.length), rawBlock,
    u32((second.length | 0x80000000) >>> 0), second,
    u32(0),
  ])
  assert.ok((await decompress('lz4', frame)).equals(Buffer.concat([first, second])))
  assert.equal(lz4DecompressedBound(frame), 65536 + second.length)
})

test('lz4: golden bytes of a one-block frame (the same bytes lz4-napi\'s frame encoder writes for one block)', async () => {
  const out = await compress('lz4', Buffer.from('hello'))
  // magic, FLG 60, BD 40, HC 82; "hello" would take 6 bytes compressed (token 0x50 + 5 literals), so
  // the block is stored raw: size 5 with the high bit set, the 5 bytes; end mark.
  assert.equal(out.toString('hex'), '04224d18604082' + '05000080' + '68656c6c6f' + '00000000')
  // The frame around lz4-napi's block encoder is byte for byte the one its frame encoder writes.
  for (const input of [Buffer.alloc(0), compressible(1000), compressible(65536), randomBytes(5000)]) {
    assert.ok((await compressLz4WithPackage(input, 0)).equals(lz4.compressFrameSync(input)), `${input.length} bytes`)
  }
})

const lz4Encoder = { skip: !lz4NativeEncoder && 'samsa\'s native LZ4 encoder is not built here' }

test('lz4: golden bytes of samsa\'s block encoder', lz4Encoder, async () => {
  // "kafka " ten times: six literals, then a 49-byte match 6 back (token 0x6f, offset 06 00, 45 - 15 = 0x1e
  // more), then the last five bytes as literals (a block ends with at least five): 16 bytes.
  const out = await compress('lz4', Buffer.from('kafka '.repeat(10)))
  const block = '6f' + Buffer.from('kafka ').toString('hex') + '0600' + '1e' + '50' + Buffer.from('afka ').toString('hex')
  assert.equal(out.toString('hex'), '04224d18604082' + '10000000' + block + '00000000')
  assert.ok(lz4.decompressFrameSync(out).equals(Buffer.from('kafka '.repeat(10))))
})

test('lz4: samsa\'s block encoder writes blocks every decoder reads, within the room it is given', lz4Encoder, () => {
  const encode = tryLoadNative<{ lz4EncodeBlock: (src: Uint8Array, dst: Uint8Array, pos: number, end: number) => number }>('lz4.node')!.lz4EncodeBlock
  const decode = tryLoadNative<{ lz4DecodeBlock: (src: Uint8Array, dst: Uint8Array, window: number, pos: number) => number }>('lz4.node')!.lz4DecodeBlock
  const inputs: Buffer[] = []
  for (let n = 0; n <= 40; n++) inputs.push(compressible(n), Buffer.alloc(n, 9), randomBytes(n))
  for (let i = 0; i < 200; i++) inputs.push(mixed(1 + Math.floor(Math.random() * 65_536), [0, 0.05, 0.3, 0.9][i % 4]!))
  inputs.push(Buffer.alloc(65_536), randomBytes(65_536), compressible(65_536))
  for (const input of inputs) {
    const worst = input.length + Math.ceil(input.length / 255) + 16
    const dst = Buffer.alloc(7 + worst + 64, 0xee)
    const n = encode(input, dst, 7, 7 + worst)
    assert.ok(n > 0 && n <= worst, `${input.length} bytes: ${n} written`)
    assert.ok(dst.subarray(0, 7).every((b) => b === 0xee) && dst.subarray(7 + n).every((b) => b === 0xee), 'nothing written outside the block')
    const block = dst.subarray(7, 7 + n)
    const back = Buffer.alloc(input.length + 32)
    assert.equal(decode(block, back, 0, 0), input.length)
    assert.ok(back.subarray(0, input.length).equals(input), `${input.length} bytes: samsa's decoder`)
    const prefixed = Buffer.alloc(4 + n)
    prefixed.writeUInt32LE(input.length)
    block.copy(prefixed, 4)
    assert.ok(lz4.uncompressSync(prefixed).equals(input), `${input.length} bytes: lz4-napi's decoder`)
    // Less room than the block needs: 0, and nothing written past the room.
    if (n > 1) {
      const tight = Buffer.alloc(n + 64, 0xee)
      assert.equal(encode(input, tight, 0, n - 1), 0)
      assert.ok(tight.subarray(n - 1).every((b) => b === 0xee))
    }
  }
  const some = randomBytes(100)
  for (const bad of [() => encode(Buffer.alloc(65_537), Buffer.alloc(70_000), 0, 70_000), () => encode(some, Buffer.alloc(10), 5, 4),
    () => encode(some, Buffer.alloc(10), 0, 11), () => encode(some, 'x' as unknown as Uint8Array, 0, 1), () => (encode as (...a: unknown[]) => number)(some)]) {
    assert.throws(bad, TypeError)
  }
})

test('lz4: a 64 KiB producer batch of JSON-like records compresses about as small as with lz4-napi', lz4Encoder, async () => {
  const input = mixed(65_536, 0.05)
  const ours = await compress('lz4', input)
  const theirs = await compressLz4WithPackage(input, 0)
  assert.ok(ours.length <= theirs.length * 1.1, `samsa ${ours.length} bytes, lz4-napi ${theirs.length}`)
  assert.ok(lz4.decompressFrameSync(ours).equals(input))
})

test('lz4: blocks of at most 64 KiB; one that does not shrink is stored raw; every size round-trips', async () => {
  const sizes = [65535, 65536, 65537, 200_000, LZ4_COMPRESS_SYNC_MAX_BYTES, LZ4_COMPRESS_SYNC_MAX_BYTES + 1, 700_000]
  for (const n of sizes) {
    for (const input of [compressible(n), randomBytes(n)]) {
      const out = await compress('lz4', input)
      let at = 7
      let total = 0
      for (;;) {
        const word = out.readUInt32LE(at)
        at += 4
        if (word === 0) break
        const raw = (word & 0x80000000) !== 0
        const size = word & 0x7fffffff
        const expected = Math.min(65536, n - total)
        if (raw) assert.equal(size, expected, 'a raw block holds its bytes as they are')
        else assert.ok(size < expected, 'a compressed block is smaller than its input')
        total += expected
        at += size
      }
      assert.equal(at, out.length, `${n}: the end mark ends the frame`)
      assert.equal(total, n)
      assert.ok((await decompress('lz4', out)).equals(input), `${n} bytes round-trip`)
      assert.ok(lz4.decompressFrameSync(out).equals(input), `${n} bytes: lz4-napi's own decoder agrees`)
    }
  }
  assert.equal((await compress('lz4', randomBytes(70_000))).readUInt32LE(7) >>> 31, 1, 'random bytes: the first block is raw')
})

test('lz4: compressLz4Behind leaves the headroom to the caller and writes into output when it has room', async () => {
  for (const input of [compressible(3000), compressible(300_000), mixed(200_000, 0.3), randomBytes(100_000)]) {
    const frame = await compress('lz4', input)
    const output = Buffer.alloc(61 + frame.length + 10, 0xab)
    const into = await compressLz4Behind(input, 61, output)
    assert.equal(into.buffer, output.buffer)
    assert.equal(into.byteOffset, output.byteOffset)
    assert.equal(into.length, 61 + frame.length)
    assert.ok(into.subarray(0, 61).equals(Buffer.alloc(61, 0xab)), 'the headroom is not written')
    assert.ok(into.subarray(61).equals(frame))
    // One byte short: the frame moves to a buffer of its own (output was scratch space, and may have been written).
    for (const tight of [Buffer.alloc(61 + frame.length - 1, 0xab), Buffer.alloc(61 + 7, 0xab), Buffer.alloc(10)]) {
      const fresh = await compressLz4Behind(input, 61, tight)
      assert.notEqual(fresh.buffer, tight.buffer)
      assert.ok(fresh.subarray(61).equals(frame), `${input.length} bytes into ${tight.length}`)
      // (frames of up to 4 KiB may share one of Node's pooled 8 KiB buffers)
      assert.ok(fresh.length * 2 >= fresh.buffer.byteLength || fresh.length <= Buffer.poolSize >>> 1, 'no mostly unused buffer is kept behind the frame')
    }
    assert.ok((await decompress('lz4', frame)).equals(input))
  }
})

test('lz4: a frame with block and content checksums (allowed by Java\'s reader) decodes', async () => {
  const input = compressible(200_000)
  const out = await lz4.compressFrame(input, { blockChecksums: true, contentChecksum: true })
  assert.ok((await decompress('lz4', out)).equals(input))
})

test('lz4: a wrong header checksum is a ProtocolError', async () => {
  const out = await compress('lz4', compressible(1000))
  out[6] ^= 0xff
  await assert.rejects(decompress('lz4', out), ProtocolError)
})

test('lz4: a declared content size above the limit is refused', async () => {
  const descriptor = Buffer.from([0x68, 0x40, 0, 0, 0, 0, 0, 0, 0, 1]) // content size 2^56
  const frame = Buffer.concat([Buffer.from([0x04, 0x22, 0x4d, 0x18]), descriptor, Buffer.from([0]), Buffer.alloc(4)])
  await assert.rejects(decompress('lz4', frame), /more than the limit/)
})

/** An LZ4 frame (FLG 0x40 | flags, BD 64 KiB) around `blocks`, each [bytes, compressed]. */
function lz4Frame(blocks: Array<[Buffer, boolean]>, flags = 0x20): Buffer {
  const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(n >>> 0); return b }
  const descriptor = Buffer.from([0x40 | flags, 0x40])
  const parts: Buffer[] = [u32(0x184d2204), descriptor, Buffer.from([(xxh32Short(descriptor) >>> 8) & 0xff])]
  for (const [bytes, compressed] of blocks) parts.push(u32(compressed ? bytes.length : (bytes.length | 0x80000000) >>> 0), bytes)
  parts.push(u32(0))
  return Buffer.concat(parts)
}

const lz4Native = { skip: !lz4NativeDecoder && 'samsa\'s native LZ4 decoder is not built here' }

test('lz4: the native decoder and lz4-napi agree on frames from both encoders, every size and content', lz4Native, async () => {
  const inputs = [Buffer.alloc(0), Buffer.from('x'), compressible(15), compressible(16_384), compressible(65_536), compressible(65_537),
    randomBytes(40_000), Buffer.concat([randomBytes(30_000), compressible(100_000), randomBytes(3)]), Buffer.alloc(1_500_000, 7), compressible(2_500_000)]
  for (const input of inputs) {
    const ours = await compress('lz4', input)
    const theirs = await lz4.compressFrame(input)
    for (const frame of [ours, theirs]) {
      assert.ok((await decompress('lz4', frame)).equals(input), `${input.length} bytes`)
      assert.ok(lz4.decompressFrameSync(frame).equals(input))
    }
  }
})

test('lz4: linked blocks (as liblz4 and librdkafka write by default) may refer to the earlier blocks of their frame', lz4Native, async () => {
  const first = Buffer.from('the quick brown fox jumps over the lazy dog')
  // Block 2: no literals, a 9-byte match 27 bytes back (into block 1: "fox jumps"), then the literal "!".
  const second = Buffer.from([0x05, 27, 0, 0x10, 0x21])
  const frame = lz4Frame([[Buffer.concat([Buffer.from([0xf0, first.length - 15]), first]), true], [second, true]], 0x00)
  assert.equal((await decompress('lz4', frame)).toString(), `${first.toString()}fox jumps!`)
  // The same block in a second frame has nothing before it to refer to.
  const two = Buffer.concat([lz4Frame([[Buffer.concat([Buffer.from([0xf0, first.length - 15]), first]), true]]), lz4Frame([[second, true]])])
  await assert.rejects(decompress('lz4', two), /refers to before the start of the frame/)
})

test('lz4: overlapping matches repeat the bytes before them, and raw blocks are copied as they are', lz4Native, async () => {
  // "ab", then a 20-byte match at offset 2 (repeats "ab"), then "c"; a raw block "xyz" follows.
  const frame = lz4Frame([[Buffer.from([0x2f, 0x61, 0x62, 0x02, 0x00, 0x01, 0x10, 0x63]), true], [Buffer.from('xyz'), false]])
  assert.equal((await decompress('lz4', frame)).toString(), `${'ab'.repeat(11)}cxyz`)
})

test('lz4: malformed blocks are a ProtocolError naming what is wrong, never a crash or output past the bound', lz4Native, async () => {
  const cases: Array<[Buffer, RegExp]> = [
    [Buffer.from([0x50, 0x61, 0x62]), /literals run past the end of the block/],
    [Buffer.from([0x14, 0x61, 0x01]), /match offset is truncated/],
    [Buffer.from([0x14, 0x61, 0x00, 0x00, 0x10, 0x61]), /refers to before the start of the frame/], // offset 0
    [Buffer.from([0x14, 0x61, 0x02, 0x00, 0x10, 0x61]), /refers to before the start of the frame/], // 2 back, 1 written
    [Buffer.from([0xf0, 0xff, 0xff]), /length runs past the end of the block/],
    [Buffer.from([0x1f, 0x61, 0x01, 0x00, ...new Array<number>(300).fill(0xff), 0x00, 0x10, 0x61]), /more than the frame's maximum block size/], // a 76,519-byte match
  ]
  for (const [block, message] of cases) await assert.rejects(decompress('lz4', lz4Frame([[block, true]])), (e: unknown) => e instanceof ProtocolError && message.test(e.message), message.source)
  // A wrong header checksum is refused before any block is decoded.
  const frame = lz4Frame([[Buffer.from('abc'), false]])
  frame[6] ^= 1
  await assert.rejects(decompress('lz4', frame), /frame descriptor checksum/)
})

test('lz4: the native block decoder fills a buffer of exactly the decoded size and writes nothing past it', lz4Native, () => {
  const decode = tryLoadNative<{ lz4DecodeBlock: (src: Uint8Array, dst: Uint8Array, window: number, pos: number) => number }>('lz4.node')!.lz4DecodeBlock
  const words = ['"user"', '"page_view"', '{', '}', ',', '"amount":', 'a', 'bb']
  for (let i = 0; i < 300; i++) {
    const n = 1 + Math.floor(Math.random() * (i < 200 ? 300 : 70_000))
    const input = Buffer.alloc(n)
    for (let o = 0; o < n;) {
      if (Math.random() < 0.3) input[o++] = Math.floor(Math.random() * 256)
      else o += input.write(words[Math.floor(Math.random() * words.length)]!, o)
    }
    const block = lz4.compressSync(input).subarray(4) // lz4-napi prefixes the decoded size
    const room = Buffer.alloc(n + 64, 0xee)
    const lead = 1 + (i % 9) // output starting at an odd place, after bytes a match may not reach
    const written = decode(block, room.subarray(0, lead + n), lead, lead)
    assert.equal(written, lead + n, `${n} bytes`)
    assert.ok(room.subarray(lead, lead + n).equals(input), `${n} bytes decoded`)
    assert.ok(room.subarray(lead + n).every((b) => b === 0xee), `${n} bytes: nothing written past the end`)
    // One byte less room: refused, and still nothing written past it.
    const short = Buffer.alloc(n + 64, 0xee)
    assert.ok(decode(block, short.subarray(0, n - 1), 0, 0) < 0 || n === 0)
    assert.ok(short.subarray(n - 1).every((b) => b === 0xee))
  }
})

test('lz4: randomly damaged frames decode or fail with a ProtocolError, and never beyond their bound', lz4Native, async () => {
  const input = Buffer.concat([compressible(70_000), randomBytes(2_000), compressible(9_000)])
  const good = await compress('lz4', input)
  let failed = 0
  for (let i = 0; i < 3000; i++) {
    const bad = Buffer.from(good)
    for (let k = 1 + (i % 4); k > 0; k--) bad[7 + Math.floor(Math.random() * (bad.length - 7))] = Math.floor(Math.random() * 256)
    try {
      const out = await decompress('lz4', bad)
      assert.ok(out.length <= lz4DecompressedBound(bad))
    } catch (e) {
      assert.ok(e instanceof ProtocolError, `not a ProtocolError: ${String(e)}`)
      failed++
    }
  }
  assert.ok(failed > 0, 'some damage must be caught')
})

// ---- zstd ----

test('zstd: frames without a content size (as Java writes) are bounded by their blocks', async () => {
  const input = compressible(1_000_000)
  const out = await compress('zstd', input)
  assert.equal(out.readUInt32LE(0), 0xfd2fb528)
  const bound = zstdDecompressedBound(out)
  assert.ok(bound >= input.length && bound <= input.length + 2 * 128 * 1024, `bound ${bound}`)
})

test('zstd: concatenated frames with a skippable frame between them decode whole', async () => {
  const a = compressible(20_000)
  const b = Buffer.from('a second frame')
  const skippable = Buffer.from([0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 1, 2, 3])
  const joined = Buffer.concat([await compress('zstd', a), skippable, await compress('zstd', b)])
  assert.ok((await decompress('zstd', joined)).equals(Buffer.concat([a, b])))
})

test('zstd: a hand-made frame of RLE blocks claiming gigabytes is refused before decompressing', async () => {
  const header = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x58]) // no content size, 8 MiB window
  const blocks: Buffer[] = []
  const n = 20_000
  for (let i = 0; i < n; i++) {
    const last = i === n - 1 ? 1 : 0
    const h = last | (1 << 1) | ((128 * 1024) << 3) // RLE block of 128 KiB
    blocks.push(Buffer.from([h & 0xff, (h >>> 8) & 0xff, (h >>> 16) & 0xff, 0x00]))
  }
  const frame = Buffer.concat([header, ...blocks])
  assert.equal(zstdDecompressedBound(frame), n * 128 * 1024)
  await assert.rejects(decompress('zstd', frame), (err: unknown) => {
    assert.ok(err instanceof ProtocolError)
    assert.equal(err.type, 'DECOMPRESSED_TOO_LARGE')
    return true
  })
})

test('zstd: a declared content size above the limit is refused', async () => {
  // Single segment, 8-byte content size of 2^40, then one empty raw last block.
  const frame = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0xe0, 0, 0, 0, 0, 0, 1, 0, 0, 0x01, 0x00, 0x00])
  await assert.rejects(decompress('zstd', frame), /more than the limit/)
})

const zstdNativeOnly = { skip: !zstdNative && 'samsa\'s native zstd module is not built here' }
type ZstdModule = {
  zstdDecompress: (src: Uint8Array, dst: Uint8Array, pos: number) => number
  zstdCompress: (src: Uint8Array, dst: Uint8Array, pos: number, end: number, level: number) => number
  zstdCompressAsync: (src: Uint8Array, dst: Uint8Array, pos: number, end: number, level: number) => Promise<number>
  zstdErrorName: (code: number) => string
}

test('zstd: the native module and @mongodb-js/zstd read each other\'s frames, every size and content', zstdNativeOnly, async () => {
  const inputs = [Buffer.alloc(1), Buffer.from('x'), compressible(15), mixed(16_384, 0.05), compressible(131_072), compressible(131_073),
    randomBytes(40_000), mixed(200_000, 0.3), Buffer.alloc(1_500_000, 7), compressible(2_500_000)]
  for (const input of inputs) {
    const ours = await compress('zstd', input)
    assert.equal(ours.readUInt32LE(0), 0xfd2fb528, 'a zstd frame')
    const theirs = await zstdPackage.compress(input, 3)
    for (const frame of [ours, theirs]) {
      assert.ok((await decompress('zstd', frame)).equals(input), `${input.length} bytes`)
      assert.ok((await zstdPackage.decompress(frame)).equals(input), `${input.length} bytes, the package's decoder`)
    }
  }
})

test('zstd: native decoding writes nothing past its room, and refuses frames that hold more than it', zstdNativeOnly, async () => {
  const z = tryLoadNative<ZstdModule>('zstd.node')!
  for (let i = 0; i < 100; i++) {
    const n = 1 + Math.floor(Math.random() * (i < 50 ? 500 : 300_000))
    const input = mixed(n, [0, 0.1, 0.5, 1][i % 4]!)
    const frame = await zstdPackage.compress(input, 1 + (i % 9))
    const lead = i % 7
    const room = Buffer.alloc(lead + n + 64, 0xee)
    assert.equal(z.zstdDecompress(frame, room.subarray(0, lead + n), lead), lead + n, `${n} bytes`)
    assert.ok(room.subarray(lead, lead + n).equals(input), `${n} bytes decoded`)
    assert.ok(room.subarray(0, lead).every((b) => b === 0xee) && room.subarray(lead + n).every((b) => b === 0xee), 'nothing written outside the room')
    const short = Buffer.alloc(n + 64, 0xee)
    assert.equal(z.zstdDecompress(frame, short.subarray(0, n - 1), 0), -70, 'one byte short is refused')
    assert.equal(z.zstdErrorName(70), 'Destination buffer is too small')
    assert.ok(short.subarray(n - 1).every((b) => b === 0xee))
  }
  for (const bad of [() => z.zstdDecompress(Buffer.alloc(1), Buffer.alloc(10), 11), () => z.zstdCompress(Buffer.alloc(1), Buffer.alloc(10), 5, 4, 3),
    () => z.zstdCompress(Buffer.alloc(1), Buffer.alloc(10), 0, 11, 3), () => (z.zstdCompress as (...a: unknown[]) => number)(Buffer.alloc(1), Buffer.alloc(10), 0, 1),
    () => z.zstdDecompress('x' as unknown as Uint8Array, Buffer.alloc(1), 0), () => (z.zstdErrorName as (...a: unknown[]) => string)()]) {
    assert.throws(bad, TypeError)
  }
})

test('zstd: native compression writes one frame between pos and end, or says it does not fit, here and on the thread pool', zstdNativeOnly, async () => {
  const z = tryLoadNative<ZstdModule>('zstd.node')!
  const input = mixed(50_000, 0.2)
  for (const run of [z.zstdCompress, z.zstdCompressAsync]) {
    const dst = Buffer.alloc(60_000, 0xee)
    const n = await run(input, dst, 9, 59_000, 3)
    assert.ok(n > 0 && n < 50_000, `${n} bytes`)
    assert.ok(dst.subarray(0, 9).every((b) => b === 0xee) && dst.subarray(59_000).every((b) => b === 0xee), 'nothing written outside [pos, end)')
    const frame = dst.subarray(9, 9 + n)
    assert.ok((await zstdPackage.decompress(frame)).equals(input))
    const fhd = frame[4]!
    assert.ok(fhd >>> 6 !== 0 || (fhd & 0x20) !== 0, 'the frame declares its content size')
    assert.equal(fhd & 0x04, 0, 'no content checksum (the batch CRC covers it)')
    const tight = Buffer.alloc(n + 64, 0xee)
    assert.equal(await run(input, tight, 0, n - 1, 3), 0)
    assert.ok(tight.subarray(n - 1).every((b) => b === 0xee))
    // Levels: negative ones are zstd's fast ones, above 22 zstd takes its maximum.
    for (const level of [-5, 1, 19, 30]) assert.ok((await zstdPackage.decompress(dst.subarray(0, await run(input, dst, 0, dst.length, level)))).equals(input), `level ${level}`)
  }
  assert.throws(() => z.zstdCompressAsync(input, Buffer.alloc(10), 5, 4, 3), TypeError, 'bad arguments throw at the call, not in the promise')
  // Many at once on the pool, each into its own buffer.
  const inputs = Array.from({ length: 24 }, (_, i) => mixed(10_000 + i * 3_000, 0.1))
  const outs = inputs.map((x) => Buffer.alloc(x.length + 1_000))
  const sizes = await Promise.all(inputs.map((x, i) => z.zstdCompressAsync(x, outs[i]!, 0, outs[i]!.length, 3)))
  for (let i = 0; i < inputs.length; i++) assert.ok((await zstdPackage.decompress(outs[i]!.subarray(0, sizes[i]))).equals(inputs[i]!), `job ${i}`)
})

test('zstd: compressZstdBehind leaves the headroom to the caller and writes into output when the frame fits', zstdNativeOnly, async () => {
  for (const input of [compressible(3000), mixed(200_000, 0.1), randomBytes(100_000), mixed(300_000, 0.1)]) {
    const alone = await compressZstdBehind(input, 0)
    const output = Buffer.alloc(61 + alone.length + 10, 0xab)
    const into = await compressZstdBehind(input, 61, output)
    assert.ok(into.subarray(0, 61).equals(Buffer.alloc(61, 0xab)), 'the headroom is not written')
    assert.ok((await decompress('zstd', into.subarray(61))).equals(input), `${input.length} bytes`)
    if (input.length <= 256 * 1024) {
      assert.equal(into.buffer, output.buffer, 'the native module writes into output')
      assert.equal(into.byteOffset, output.byteOffset)
    }
    for (const tight of [Buffer.alloc(61 + Math.floor(alone.length / 2), 0xab), Buffer.alloc(10)]) {
      const fresh = await compressZstdBehind(input, 61, tight)
      assert.notEqual(fresh.buffer, tight.buffer)
      assert.ok((await decompress('zstd', fresh.subarray(61))).equals(input), `${input.length} bytes into ${tight.length}`)
      assert.ok(fresh.length * 2 >= fresh.buffer.byteLength || fresh.length <= Buffer.poolSize >>> 1, 'no mostly unused buffer is kept behind the frame')
    }
  }
})

test('zstd: randomly damaged frames decode or fail with a ProtocolError, and never beyond their bound', zstdNativeOnly, async () => {
  const input = Buffer.concat([compressible(70_000), randomBytes(2_000), mixed(9_000, 0.2)])
  const good = await compress('zstd', input)
  let failed = 0
  for (let i = 0; i < 3000; i++) {
    const bad = Buffer.from(good)
    for (let k = 1 + (i % 4); k > 0; k--) bad[Math.floor(Math.random() * bad.length)] = Math.floor(Math.random() * 256)
    try {
      const out = await decompress('zstd', bad)
      assert.ok(out.length <= zstdDecompressedBound(bad))
    } catch (e) {
      assert.ok(e instanceof ProtocolError, `not a ProtocolError: ${String(e)}`)
      failed++
    }
  }
  assert.ok(failed > 0, 'some damage must be caught')
})

test('zstd: the native module works in worker threads alongside the main thread, each with its own contexts', zstdNativeOnly, async () => {
  const { Worker } = await import('node:worker_threads')
  const path = fileURLToPath(new URL('../../../native/build/zstd.node', import.meta.url))
  const code = `
    const { parentPort } = require('node:worker_threads')
    const z = require(${JSON.stringify(path)})
    const input = Buffer.from('kafka worker '.repeat(5000))
    let ok = 0
    for (let i = 0; i < 200; i++) {
      const frame = Buffer.alloc(70000)
      const n = z.zstdCompress(input, frame, 0, frame.length, 3)
      const out = Buffer.alloc(input.length)
      if (z.zstdDecompress(frame.subarray(0, n), out, 0) === input.length && out.equals(input)) ok++
    }
    parentPort.postMessage(ok)`
  const workers = [0, 1, 2].map(() => new Worker(code, { eval: true }))
  const results = workers.map((w) => new Promise<number>((resolve, reject) => {
    w.once('message', resolve)
    w.once('error', reject)
    w.once('exit', (code) => reject(new Error(`worker exited (${code}) before answering`)))
  }))
  const main = mixed(100_000, 0.1)
  for (let i = 0; i < 50; i++) assert.ok((await decompress('zstd', await compress('zstd', main))).equals(main))
  assert.deepEqual(await Promise.all(results), [200, 200, 200])
  await Promise.all(workers.map((w) => w.terminate()))
})

// ---- gzip ----

test('gzip: multi-member streams decode and output is bounded by zlib', async () => {
  const joined = Buffer.concat([gzipSync(Buffer.from('ab')), gzipSync(Buffer.from('cd'))])
  assert.equal((await decompress('gzip', joined)).toString(), 'abcd')
  await assert.rejects(decompress('gzip', gzipSync(Buffer.alloc(100_000)), 10_000), /more than the limit/)
})

// ---- missing packages ----

test('a missing optional package is a KafkaError naming the package to install', () => {
  assert.throws(() => loadOptional('samsa-no-such-package', 'brotli compression'), (err: unknown) => {
    assert.ok(err instanceof KafkaError)
    assert.equal(err.type, 'MISSING_DEPENDENCY')
    assert.match(err.message, /npm install samsa-no-such-package/)
    assert.match(err.message, /brotli compression/)
    return true
  })
})

test('assertCodecAvailable passes for every installed codec', () => {
  for (const codec of CODECS) assertCodecAvailable(codec)
  assert.throws(() => assertCodecAvailable('brotli' as CompressionCodec), ProtocolError)
})
